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

from carewatch.protocol import AlertKind, Kind

Need = tuple[frozenset[Kind], str]  # any one of these kinds, or this reason

# What each alert kind cannot do without (all of the needs, each met by any of its kinds).
REQUIRED: dict[AlertKind, tuple[Need, ...]] = {
    AlertKind.DEHYDRATION: ((frozenset({Kind.TAP}), "no tap sensor in this home"),),
    AlertKind.NIGHT_WANDERING: ((frozenset({Kind.BED}), "no bed sensor in this home"),),
    AlertKind.STRESS: (
        (frozenset({Kind.HEART_RATE}), "no wearable in this home"),
        (
            frozenset({Kind.CHAIR, Kind.MOTION}),
            "no chair or motion sensor to confirm they are at rest (a wearable alone "
            "cannot tell sitting from walking; only a heart rate outside 40-140 bpm alerts)",
        ),
        (
            frozenset({Kind.CHAIR, Kind.BED}),
            "no chair or bed sensor to tell resting from sleeping (motion alone cannot)",
        ),
    ),
    AlertKind.INACTIVITY: ((frozenset({Kind.MOTION, Kind.BED}), "no motion or bed sensor"),),
    AlertKind.SENSOR_HEALTH: (),  # the gateway and every sensor present are always watched
    AlertKind.NIGHT_TOILETING: (  # decision D116
        (frozenset({Kind.TOILET}), "no toilet sensor (a flush sensor) in this home"),
        (frozenset({Kind.BED}), "no bed sensor to tell the night from the day"),
    ),
}

# Parts of an armed alert kind that need one more kind.
PARTS: dict[AlertKind, tuple[Need, ...]] = {
    AlertKind.NIGHT_WANDERING: (
        (frozenset({Kind.DOOR}), "the front door opening at night (no door sensor)"),
        (frozenset({Kind.TOILET}), "toilet visits at night (no toilet sensor)"),
    ),
    AlertKind.INACTIVITY: (
        (frozenset({Kind.MOTION}), "no movement in the day (no motion sensor)"),
        (frozenset({Kind.BED}), "not up by the usual time (no bed sensor)"),
        (
            frozenset({Kind.DOOR}),
            "going out (no door sensor: a silence after the room they usually leave from "
            "waits for their usual outing length)",
        ),
    ),
    AlertKind.DEHYDRATION: ((frozenset({Kind.TOILET}), "toilet visits (no toilet sensor)"),),
}


def _missing(
    needs: tuple[Need, ...], kinds: frozenset[Kind], withheld: frozenset[Kind] = frozenset()
) -> list[str]:
    return [
        _why(wanted, reason, withheld)
        for wanted, reason in needs
        if not wanted & (kinds - withheld)
    ]


def _why(wanted: frozenset[Kind], reason: str, withheld: frozenset[Kind]) -> str:
    refused = sorted(kind.value.replace("_", " ") for kind in wanted & withheld)
    return f"no consent to collect {' or '.join(refused)}" if refused else reason


def unarmed(kinds: Iterable[Kind], withheld: Iterable[Kind] = ()) -> dict[AlertKind, str]:
    """The alert kinds a home with these sensor kinds cannot raise, each with why;
    ``withheld`` kinds (no consent to collect them) count as absent.

    >>> unarmed({Kind.TAP, Kind.BED}, withheld={Kind.TAP})[AlertKind.DEHYDRATION]
    'dehydration: no consent to collect tap'
    """
    have, refused = frozenset(kinds), frozenset(withheld)
    out = {}
    for alert, needs in REQUIRED.items():
        reasons = _missing(needs, have, refused)
        if reasons:
            out[alert] = f"{alert.value.replace('_', ' ')}: {'; '.join(reasons)}"
    return out


def limited(kinds: Iterable[Kind], withheld: Iterable[Kind] = ()) -> dict[AlertKind, str]:
    """The armed alert kinds that cannot judge every part of their rule, each with what.

    >>> limited({Kind.BED, Kind.MOTION, Kind.TOILET})[AlertKind.NIGHT_WANDERING]
    'night wandering: cannot judge the front door opening at night (no door sensor)'
    """
    have, refused = frozenset(kinds), frozenset(withheld)
    off = unarmed(have, refused)
    out = {}
    for alert, needs in PARTS.items():
        reasons = _missing(needs, have, refused)
        if reasons and alert not in off:
            out[alert] = f"{alert.value.replace('_', ' ')}: cannot judge {'; '.join(reasons)}"
    return out


def armed(kinds: Iterable[Kind], withheld: Iterable[Kind] = ()) -> frozenset[AlertKind]:
    """The alert kinds a home with these sensor kinds can raise.

    >>> sorted(alert.value for alert in armed({Kind.BED}))
    ['inactivity', 'night_wandering', 'sensor_health']
    >>> sorted(alert.value for alert in armed({Kind.BED}, withheld={Kind.BED}))
    ['sensor_health']
    """
    off = unarmed(kinds, withheld)
    return frozenset(alert for alert in AlertKind if alert not in off)
