"""What a reading can be, and the physically possible values of each kind."""

from enum import StrEnum


class Kind(StrEnum):
    """The kinds of reading a gateway relays (see docs/protocol.md)."""

    CHAIR = "chair"
    BED = "bed"
    TAP = "tap"
    TOILET = "toilet"
    HEART_RATE = "heart_rate"
    MOTION = "motion"
    DOOR = "door"


# Inclusive bounds of a reading's value per kind; anything outside is a sensor
# or encoding fault, never a real measurement.
VALUE_RANGES: dict[Kind, tuple[float, float]] = {
    Kind.CHAIR: (0.0, 1.0),
    Kind.BED: (0.0, 1.0),
    Kind.DOOR: (0.0, 1.0),
    Kind.TAP: (0.01, 100.0),
    Kind.TOILET: (1.0, 1.0),
    Kind.MOTION: (1.0, 1.0),
    Kind.HEART_RATE: (20.0, 250.0),
}

# Kinds whose value is a state (occupied/vacated, open/closed): only 0 or 1.
BINARY_KINDS = frozenset({Kind.CHAIR, Kind.BED, Kind.DOOR})


class AlertKind(StrEnum):
    """What the detectors can raise."""

    DEHYDRATION = "dehydration"
    NIGHT_WANDERING = "night_wandering"
    STRESS = "stress"
    INACTIVITY = "inactivity"
    SENSOR_HEALTH = "sensor_health"
    NIGHT_TOILETING = "night_toileting"


class Severity(StrEnum):
    """How urgently a carer should act on an alert."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def value_problem(kind: Kind, value: float) -> str | None:
    """Say what is wrong with ``value`` for ``kind``, or ``None`` if it is plausible.

    Examples
    --------
    >>> value_problem(Kind.HEART_RATE, 900)
    'heart_rate value 900 is outside 20..250'
    >>> value_problem(Kind.DOOR, 0.5)
    'door value 0.5 must be 0 or 1'
    >>> value_problem(Kind.TAP, 1.5) is None
    True
    """
    low, high = VALUE_RANGES[kind]
    if not low <= value <= high:  # also rejects NaN
        return f"{kind.value} value {value:g} is outside {low:g}..{high:g}"
    if kind in BINARY_KINDS and value not in (0.0, 1.0):
        return f"{kind.value} value {value:g} must be 0 or 1"
    return None
