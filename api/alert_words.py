"""What an alert is called and what its evidence says, in words a carer reads at a glance.

The detectors' evidence is a flat map of numbers kept for the record (``index``,
``shortfall_sd`` …). The pages show only what a person can check: amounts against
their usual, clock times in the home's time zone, durations. Statistical working is
left in the API's JSON, not on the page.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from api.models import AlertRow, AlertState
from api.when import DAY, ago, clock_time

TITLES = {
    "dehydration": "less water drawn from the tap than usual",
    "night_wandering": "up in the night",
    "stress": "heart rate raised at rest",
    "inactivity": "no movement at home",
    "sensor_health": "a sensor or the gateway needs checking",
    "night_toileting": "more toilet visits at night than usual",
}
SEVERITY_WORDS = {"high": "urgent", "medium": "soon", "low": "when you can"}

Format = Callable[[Any, str], str]


def _number(unit: str, digits: int = 0) -> Format:
    return lambda value, _tz: f"{float(value):.{digits}f} {unit}".rstrip()


def _time(value: Any, tz: str) -> str:
    return clock_time(float(value), tz)


def _yes_no(value: Any, _tz: str) -> str:
    return "yes" if value else "no"


def _text(value: Any, _tz: str) -> str:
    return str(value)


# key: (label, format, key of the usual value shown beside it or "")
WORDED: dict[str, tuple[str, Format, str]] = {
    "tap_litres": ("Water drawn from the tap", _number("litres", 1), "tap_litres_usual"),
    "tap_uses": ("Tap uses", _number(""), "tap_uses_usual"),
    "toilet_visits": ("Toilet visits", _number(""), "toilet_visits_usual"),
    "hours_at_home": ("Hours at home counted", _number("hours"), ""),
    "night_toilet_visits": (
        "Toilet visits last night",
        _number("a night", 1),
        "night_toilet_visits_usual",
    ),
    "night_toilet_visits_nights": (
        "Toilet visits at night, nights judged together",
        _number(""),
        "night_toilet_visits_nights_usual",
    ),
    "nights_judged": ("Nights judged together", _number("nights"), ""),
    "out_of_bed_since": ("Out of bed since", _time, ""),
    "door_opened": ("Front door opened", _time, ""),
    "minutes_out": ("Out of bed for", _number("minutes"), ""),
    "usual_limit_minutes": ("Usually back in bed within", _number("minutes"), ""),
    "toilet_visit": ("Went to the toilet", _yes_no, ""),
    "motion_triggers": ("Movements seen", _number(""), ""),
    "heart_rate": ("Heart rate", _number("bpm"), ""),
    "resting_usual": ("Usual resting rate at this time of day", _number("bpm"), ""),
    "resting_recent": ("Earlier in this rest", _number("bpm"), ""),
    "minutes_raised": ("Raised for", _number("minutes"), ""),
    "safe_low": ("Safe range from", _number("bpm"), ""),
    "safe_high": ("Safe range up to", _number("bpm"), ""),
    "usual_wake": ("Usually up by", _time, ""),
    "last_activity": ("Last movement", _time, ""),
    "silent_hours": ("Quiet for", _number("hours", 1), ""),
    "usual_longest_quiet_hours": ("Longest usual quiet spell", _number("hours", 1), ""),
    "probably_out": ("Probably out", _yes_no, ""),
    "subject": ("Which", _text, ""),
    "silent_minutes": ("Nothing heard for", _number("minutes"), ""),
    "battery_percent": ("Battery", _number("%"), ""),
    "problem": ("Problem", _text, ""),
    "bad_nights": ("Nights it missed them, of the last 4", _number(""), ""),
}


def title(kind: str, who: str) -> str:
    """An alert's heading: who it is about and what happened.

    >>> title("inactivity", "Stanley Moore")
    'Stanley Moore: no movement at home'
    """
    return f"{who}: {TITLES.get(kind, kind.replace('_', ' '))}"


def who(resident_name: str | None, housemates: Sequence[str], home_label: str) -> str:
    """Whom an alert concerns: the resident, else the people of the home one may see.

    >>> who(None, ["Stanley Moore"], "Stanley Moore's home")
    'Stanley Moore'
    >>> who(None, ["Rose Able", "Cyril Cole"], "H-1"), who(None, [], "H-1")
    ('Rose Able and Cyril Cole (the home)', 'H-1')
    """
    if resident_name:
        return resident_name
    if len(housemates) == 1:
        return housemates[0]
    if housemates:
        return f"{', '.join(housemates[:-1])} and {housemates[-1]} (the home)"
    return home_label


def evidence_lines(evidence: Mapping[str, Any], tz: str) -> list[tuple[str, str]]:
    """The evidence a person can check, as ``(label, words)``; working figures left out.

    >>> evidence_lines({"tap_litres": 0.8, "tap_litres_usual": 2.4, "index": 0.33}, "UTC")
    [('Water drawn from the tap', '0.8 litres (usually 2.4 litres)')]
    >>> evidence_lines({"out_of_bed_since": 1_763_170_000.0}, "Europe/London")
    [('Out of bed since', '01:26')]
    """
    lines = []
    for key, (label, shown, usual_key) in WORDED.items():
        value = evidence.get(key)
        if value is None or isinstance(value, (list, dict)):
            continue
        words = shown(value, tz)
        usual = evidence.get(usual_key) if usual_key else None
        if isinstance(usual, (int, float)) and not isinstance(usual, bool):
            words += f" (usually {shown(usual, tz)})"
        lines.append((label, words))
    return lines


def state_words(alert: AlertRow, now: float) -> str:
    """Where an alert stands, saying how old a state is once it is no longer fresh.

    A day-old alert nobody acknowledged is not "new": it is one nobody recorded seeing.
    """
    if alert.state == AlertState.RESOLVED:
        return f"Dealt with {ago(alert.resolved_at or alert.detected_at, now)}"
    if alert.state == AlertState.ACKNOWLEDGED:
        since = alert.acknowledged_at or alert.detected_at
        words = f"A carer picked this up {ago(since, now)}"
        return words + ("; not yet marked as dealt with" if now - since >= DAY else "")
    if now - alert.detected_at < DAY:
        return "New: no one has picked this up yet"
    return f"No carer has recorded seeing this (raised {ago(alert.detected_at, now)})"
