"""The home's own kit: which alerts its sensor kinds can support, and why not the others.

Every rule's needs, in one table (decision D76). An alert kind is *unarmed* when the home
lacks a kind it cannot do without (dehydration without a tap sensor); it is *limited*
when one of its parts cannot be judged (night wandering without a door sensor cannot see
the door open at night). The engine follows the same needs: a rule whose sensor is
missing raises nothing, rather than guessing. The API, the dashboards and ``carewatch
replay`` show :func:`unarmed` and :func:`limited` for the kinds a home has (declared in
homes.json, or heard from so far). A stream the residents withheld consent for is not
collected (D107), so it counts as absent, and the reason says so rather than blaming
the kit.

Examples
--------
>>> from carewatch.protocol import Kind
>>> unarmed({Kind.BED, Kind.MOTION, Kind.TAP})[AlertKind.STRESS]
'stress: no wearable in this home'
>>> sorted(unarmed(set(Kind)))
[]
"""

from collections.abc import Iterable
from dataclasses import dataclass

from carewatch.protocol import AlertKind, Kind


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark, translate later")
    """Mark a reason for the pages' catalogue (babel.cfg): the API shows it in the reader's
    language; this package stays free of the API, so it only marks (decision D126)."""
    return message


Need = tuple[frozenset[Kind], str]  # any one of these kinds, or this reason


@dataclass(frozen=True)
class Gap:
    """One need an alert kind lacks: the kit's ``reason``, unless the kinds that would meet
    it are there but ``withheld`` (no consent to collect them)."""

    reason: str
    withheld: tuple[Kind, ...] = ()

    def __str__(self) -> str:
        if self.withheld:
            return f"no consent to collect {' or '.join(_named(self.withheld))}"
        return self.reason


# What each alert kind cannot do without (all of the needs, each met by any of its kinds).
REQUIRED: dict[AlertKind, tuple[Need, ...]] = {
    AlertKind.DEHYDRATION: ((frozenset({Kind.TAP}), N_("no tap sensor in this home")),),
    AlertKind.NIGHT_WANDERING: ((frozenset({Kind.BED}), N_("no bed sensor in this home")),),
    AlertKind.STRESS: (
        (frozenset({Kind.HEART_RATE}), N_("no wearable in this home")),
        (
            frozenset({Kind.CHAIR, Kind.MOTION}),
            N_(
                "no chair or motion sensor to confirm they are at rest (a wearable alone "
                "cannot tell sitting from walking; only a heart rate outside 40-140 bpm alerts)"
            ),
        ),
        (
            frozenset({Kind.CHAIR, Kind.BED}),
            N_("no chair or bed sensor to tell resting from sleeping (motion alone cannot)"),
        ),
    ),
    AlertKind.INACTIVITY: ((frozenset({Kind.MOTION, Kind.BED}), N_("no motion or bed sensor")),),
    AlertKind.SENSOR_HEALTH: (),  # the gateway and every sensor present are always watched
    AlertKind.NIGHT_TOILETING: (  # decision D116
        (frozenset({Kind.TOILET}), N_("no toilet sensor (a flush sensor) in this home")),
        (frozenset({Kind.BED}), N_("no bed sensor to tell the night from the day")),
    ),
}

# Parts of an armed alert kind that need one more kind.
PARTS: dict[AlertKind, tuple[Need, ...]] = {
    AlertKind.NIGHT_WANDERING: (
        (frozenset({Kind.DOOR}), N_("the front door opening at night (no door sensor)")),
        (frozenset({Kind.TOILET}), N_("toilet visits at night (no toilet sensor)")),
    ),
    AlertKind.INACTIVITY: (
        (frozenset({Kind.MOTION}), N_("no movement in the day (no motion sensor)")),
        (frozenset({Kind.BED}), N_("not up by the usual time (no bed sensor)")),
        (
            frozenset({Kind.DOOR}),
            N_(
                "going out (no door sensor: a silence after the room they usually leave from "
                "waits for their usual outing length)"
            ),
        ),
    ),
    AlertKind.DEHYDRATION: ((frozenset({Kind.TOILET}), N_("toilet visits (no toilet sensor)")),),
}


def _missing(
    needs: tuple[Need, ...], kinds: frozenset[Kind], withheld: frozenset[Kind] = frozenset()
) -> list[Gap]:
    return [
        Gap(reason, tuple(sorted(wanted & withheld)))
        for wanted, reason in needs
        if not wanted & (kinds - withheld)
    ]


def _named(kinds: Iterable[Kind]) -> list[str]:
    return [kind.value.replace("_", " ") for kind in kinds]


def unarmed_gaps(
    kinds: Iterable[Kind], withheld: Iterable[Kind] = ()
) -> dict[AlertKind, list[Gap]]:
    """The alert kinds a home with these sensor kinds cannot raise, each with its gaps;
    ``withheld`` kinds (no consent to collect them) count as absent."""
    have, refused = frozenset(kinds), frozenset(withheld)
    out: dict[AlertKind, list[Gap]] = {}
    for alert, needs in REQUIRED.items():
        if gaps := _missing(needs, have, refused):
            out[alert] = gaps
    return out


def limited_gaps(
    kinds: Iterable[Kind], withheld: Iterable[Kind] = ()
) -> dict[AlertKind, list[Gap]]:
    """The armed alert kinds that cannot judge every part of their rule, each with the
    parts it cannot judge."""
    have, refused = frozenset(kinds), frozenset(withheld)
    off = unarmed_gaps(have, refused)
    out: dict[AlertKind, list[Gap]] = {}
    for alert, needs in PARTS.items():
        if (gaps := _missing(needs, have, refused)) and alert not in off:
            out[alert] = gaps
    return out


def unarmed(kinds: Iterable[Kind], withheld: Iterable[Kind] = ()) -> dict[AlertKind, str]:
    """:func:`unarmed_gaps` in English words, as the command line and logs say them.

    >>> unarmed({Kind.TAP, Kind.BED}, withheld={Kind.TAP})[AlertKind.DEHYDRATION]
    'dehydration: no consent to collect tap'
    """
    return {
        alert: f"{alert.value.replace('_', ' ')}: {'; '.join(map(str, gaps))}"
        for alert, gaps in unarmed_gaps(kinds, withheld).items()
    }


def limited(kinds: Iterable[Kind], withheld: Iterable[Kind] = ()) -> dict[AlertKind, str]:
    """:func:`limited_gaps` in English words.

    >>> limited({Kind.BED, Kind.MOTION, Kind.TOILET})[AlertKind.NIGHT_WANDERING]
    'night wandering: cannot judge the front door opening at night (no door sensor)'
    """
    return {
        alert: f"{alert.value.replace('_', ' ')}: cannot judge {'; '.join(map(str, gaps))}"
        for alert, gaps in limited_gaps(kinds, withheld).items()
    }


def armed(kinds: Iterable[Kind], withheld: Iterable[Kind] = ()) -> frozenset[AlertKind]:
    """The alert kinds a home with these sensor kinds can raise.

    >>> sorted(alert.value for alert in armed({Kind.BED}))
    ['inactivity', 'night_wandering', 'sensor_health']
    >>> sorted(alert.value for alert in armed({Kind.BED}, withheld={Kind.BED}))
    ['sensor_health']
    """
    off = unarmed_gaps(kinds, withheld)
    return frozenset(alert for alert in AlertKind if alert not in off)
