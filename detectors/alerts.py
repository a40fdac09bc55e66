"""Building alerts: one place that turns a detector's finding into a carer's message."""

from collections.abc import Mapping, Sequence

from carewatch.phrases import ngettext, word
from carewatch.protocol import Alert, AlertKind, Phrase, Severity

Value = float | int | str | bool | None


def make_alert(
    home: str,
    kind: AlertKind,
    detected_at: float,
    start: float,
    severity: Severity,
    said: Sequence[Phrase],
    evidence: Mapping[str, Value],
    resident: str | None = None,
) -> Alert:
    """An :class:`Alert` whose start is never after its detection, explained by ``said``
    (in English as its ``explanation``, and as phrases for other languages: D132).

    Examples
    --------
    >>> from carewatch.phrases import N_
    >>> a = make_alert("h-1", AlertKind.STRESS, 1e9, 1e9 + 5, Severity.LOW, [N_("x")], {})
    >>> a.start == a.detected_at, a.explanation
    (True, 'x')
    """
    return Alert(
        home=home,
        kind=kind,
        detected_at=detected_at,
        start=min(start, detected_at),
        severity=severity,
        explanation=word(said)[:1000],
        evidence={key: _round(value) for key, value in evidence.items()},
        resident=resident,
        phrases=list(said),
    )


def _round(value: Value) -> Value:
    if isinstance(value, float):
        return round(value, 2)
    return value


def times(count: int) -> Phrase:
    """``'1 time'``, ``'3 times'``, in any language.

    >>> word([times(1), times(3)])
    '1 time 3 times'
    """
    return ngettext("%(count)d time", "%(count)d times", count)
