"""What each exported figure and alert is called in FHIR: LOINC where a code exists.

Only the resting heart rate has LOINC codes (``40443-4`` Heart rate --resting, with
``8867-4`` Heart rate, which the R4 vital-signs profile asks for). No LOINC code
describes a home's tap water use, toilet visits counted by day and by night, time in
the chair or spells out of bed at night, so those, and the alert kinds, are coded in
CareWatch's own code systems (:data:`SUMMARY_SYSTEM`, :data:`ALERT_SYSTEM`); the names
are URLs under ``carewatch.invalid`` on purpose: they identify, they do not resolve.
"""

from dataclasses import dataclass

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CAREWATCH = "https://carewatch.invalid/fhir"
SUMMARY_SYSTEM = f"{CAREWATCH}/CodeSystem/daily-summary"
ALERT_SYSTEM = f"{CAREWATCH}/CodeSystem/alert-kind"
RESIDENT_SYSTEM = f"{CAREWATCH}/NamingSystem/resident-id"
ALERT_ID_SYSTEM = f"{CAREWATCH}/NamingSystem/alert-id"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"
VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns"


@dataclass(frozen=True)
class Figure:
    """One field of a daily summary as an Observation: its codes, category and unit."""

    field: str
    display: str
    codings: tuple[tuple[str, str, str], ...]  # (system, code, display)
    category: str
    unit: str
    ucum: str


def _own(field: str, display: str) -> tuple[tuple[str, str, str], ...]:
    return ((SUMMARY_SYSTEM, field.replace("_", "-"), display),)


FIGURES = (
    Figure(
        "resting_hr",
        "Resting heart rate",
        ((LOINC, "40443-4", "Heart rate --resting"), (LOINC, "8867-4", "Heart rate")),
        "vital-signs",
        "beats/minute",
        "/min",
    ),
    Figure(
        "tap_litres", "Tap water used", _own("tap_litres", "Tap water used"), "activity", "L", "L"
    ),
    Figure("tap_uses", "Tap uses", _own("tap_uses", "Tap uses"), "activity", "uses", "{uses}"),
    Figure(
        "toilet_day",
        "Toilet visits by day",
        _own("toilet_day", "Toilet visits by day"),
        "activity",
        "visits",
        "{visits}",
    ),
    Figure(
        "toilet_night",
        "Toilet visits at night",
        _own("toilet_night", "Toilet visits at night"),
        "activity",
        "visits",
        "{visits}",
    ),
    Figure(
        "chair_minutes",
        "Time in the chair",
        _own("chair_minutes", "Time in the chair"),
        "activity",
        "min",
        "min",
    ),
    Figure(
        "night_episodes",
        "Spells out of bed at night",
        _own("night_episodes", "Spells out of bed at night"),
        "activity",
        "spells",
        "{spells}",
    ),
)
"""Every exported field, in the order the Observations of one day appear."""

CATEGORIES = {"vital-signs": "Vital Signs", "activity": "Activity"}
"""The displays of the ``observation-category`` codes used."""

DETECTED_ISSUE_SEVERITY = {"high": "high", "medium": "moderate", "low": "low"}
"""CareWatch severity to FHIR's ``detectedissue-severity`` codes."""


def alert_display(kind: str) -> str:
    """The display text of an alert kind's code: its name in words.

    >>> alert_display("night_wandering")
    'Night wandering'
    """
    return kind.replace("_", " ").capitalize()
