"""Building alerts: one place that turns a detector's finding into a carer's message."""

from collections.abc import Mapping

from carewatch.protocol import Alert, AlertKind, Severity

Value = float | int | str | bool | None


def make_alert(
    home: str,
    kind: AlertKind,
    detected_at: float,
    start: float,
    severity: Severity,
    explanation: str,
    evidence: Mapping[str, Value],
    resident: str | None = None,
) -> Alert:
    """An :class:`Alert` whose start is never after its detection.

    Examples
    --------
    >>> a = make_alert("h-1", AlertKind.STRESS, 1e9, 1e9 + 5, Severity.LOW, "x", {})
    >>> a.start == a.detected_at
    True
    """
    return Alert(
        home=home,
        kind=kind,
        detected_at=detected_at,
        start=min(start, detected_at),
        severity=severity,
        explanation=explanation[:1000],
        evidence={key: _round(value) for key, value in evidence.items()},
        resident=resident,
    )


def _round(value: Value) -> Value:
    if isinstance(value, float):
        return round(value, 2)
    return value


def plural(count: float, word: str) -> str:
    """``'1 time'``, ``'3 times'``, ``'1.5 litres'``.

    >>> plural(1, "time"), plural(3, "time"), plural(1.5, "litre")
    ('1 time', '3 times', '1.5 litres')
    """
    shown = f"{count:.1f}".rstrip("0").rstrip(".") if isinstance(count, float) else str(count)
    return f"{shown} {word}" if shown == "1" else f"{shown} {word}s"
