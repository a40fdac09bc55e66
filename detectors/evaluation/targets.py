"""Which labelled episodes each alert kind should find, how late, and about whom.

An alert finds an episode when its kind targets the label's kind, it is raised in the
same home between the episode's start and its end plus the kind's grace, and, when the
label names a ``subject`` (the sensor of a sensor fault, ``gateway`` for an outage), the
alert names the same one.
"""

from carewatch.protocol import Alert, AlertKind
from carewatch.records import LabelRecord
from detectors.config import DAY, HOUR, MINUTE

# Which labels each alert kind should find.
TARGETS: dict[AlertKind, frozenset[str]] = {
    AlertKind.DEHYDRATION: frozenset({"dehydration"}),
    AlertKind.NIGHT_WANDERING: frozenset({"night_wandering"}),
    AlertKind.STRESS: frozenset({"stress"}),
    AlertKind.INACTIVITY: frozenset({"inactivity"}),
    AlertKind.SENSOR_HEALTH: frozenset(
        {"sensor_dead", "gateway_offline", "sensor_stuck", "sensor_misses"}
    ),
    AlertKind.NIGHT_TOILETING: frozenset({"night_toileting"}),
}
# How long after an episode's end an alert still counts as finding it.
GRACE: dict[AlertKind, float] = {
    AlertKind.DEHYDRATION: 1 * DAY,
    AlertKind.NIGHT_WANDERING: 30 * MINUTE,
    AlertKind.STRESS: 10 * MINUTE,
    AlertKind.INACTIVITY: 2 * HOUR,
    AlertKind.SENSOR_HEALTH: 6 * HOUR,
    AlertKind.NIGHT_TOILETING: 1 * DAY,  # judged once the last night is over
}


def subject_of(alert: Alert) -> str | None:
    """What the alert is about: ``evidence["subject"]`` (a sensor, the gateway), else its
    resident.

    >>> subject_of(Alert("h-1", "sensor_health", 0, 0, "low", "x", {"subject": "bed"}))
    'bed'
    >>> subject_of(Alert("h-1", "stress", 0, 0, "low", "x")) is None
    True
    """
    subject = alert.evidence.get("subject")
    return str(subject) if subject is not None else alert.resident


def in_window(label: LabelRecord, at: float, grace: float) -> bool:
    """``at`` lies between the label's start and its end plus ``grace``."""
    return label.start <= at <= label.end + grace


def names_subject(label: LabelRecord, alert: Alert) -> bool:
    """The alert is about what the label is about (any alert, if the label names nobody).

    >>> label = LabelRecord("h-1", "sensor_dead", 0, 10, subject="bed")
    >>> gateway = Alert("h-1", "sensor_health", 5, 5, "low", "x", {"subject": "gateway"})
    >>> names_subject(label, gateway)
    False
    """
    return label.subject is None or label.subject == subject_of(alert)
