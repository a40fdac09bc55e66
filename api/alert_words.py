"""What an alert is called and what its evidence says, in words a carer reads at a glance.

The detectors' evidence is a flat map of numbers kept for the record (``index``,
``shortfall_sd`` …). The pages show only what a person can check: amounts against
their usual, clock times in the home's time zone, durations. Statistical working is
left in the API's JSON, not on the page.

Titles, labels, states and the detectors' explanations are in the reader's language
(D121, D132): an explanation is worded from the phrases the detector wrote, the same
ones whose English is the alert's stored ``explanation``.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from api.i18n import ENGLISH, N_, Words
from api.models import AlertRow, AlertState
from api.when import DAY, ago, clock_time
from carewatch.phrases import word
from carewatch.protocol import Phrase

TITLES = {
    "dehydration": N_("less water drawn from the tap than usual"),
    "night_wandering": N_("up in the night"),
    "stress": N_("heart rate raised at rest"),
    "inactivity": N_("no movement at home"),
    "sensor_health": N_("a sensor or the gateway needs checking"),
    "night_toileting": N_("more toilet visits at night than usual"),
}
# An alert kind's short name, where a page lists kinds (tuning, the kit).
KIND_NAMES = {
    "dehydration": N_("dehydration"),
    "night_wandering": N_("night wandering"),
    "stress": N_("stress"),
    "inactivity": N_("inactivity"),
    "sensor_health": N_("sensor health"),
    "night_toileting": N_("night toileting"),
}
SEVERITY_WORDS = {"high": N_("urgent"), "medium": N_("soon"), "low": N_("when you can")}

Format = Callable[[Any, str, Words], str]


def _number(unit: str, digits: int = 0) -> Format:
    def shown(value: Any, _tz: str, words: Words) -> str:
        amount = words.number(float(value), digits)
        return f"{amount} {words.gettext(unit)}" if unit else amount

    return shown


def _time(value: Any, tz: str, _words: Words) -> str:
    return clock_time(float(value), tz)


def _yes_no(value: Any, _tz: str, words: Words) -> str:
    return words.gettext("yes") if value else words.gettext("no")


def _text(value: Any, _tz: str, _words: Words) -> str:
    return str(value)


# key: (label, format, key of the usual value shown beside it or "")
WORDED: dict[str, tuple[str, Format, str]] = {
    "tap_litres": (N_("Water drawn from the tap"), _number(N_("litres"), 1), "tap_litres_usual"),
    "tap_uses": (N_("Tap uses"), _number(""), "tap_uses_usual"),
    "toilet_visits": (N_("Toilet visits"), _number(""), "toilet_visits_usual"),
    "hours_at_home": (N_("Hours at home counted"), _number(N_("hours")), ""),
    "night_toilet_visits": (
        N_("Toilet visits last night"),
        _number(N_("a night"), 1),
        "night_toilet_visits_usual",
    ),
    "night_toilet_visits_nights": (
        N_("Toilet visits at night, nights judged together"),
        _number(""),
        "night_toilet_visits_nights_usual",
    ),
    "nights_judged": (N_("Nights judged together"), _number(N_("nights")), ""),
    "days_judged": (N_("Whole days judged together"), _number(N_("days")), ""),
    "out_of_bed_since": (N_("Out of bed since"), _time, ""),
    "door_opened": (N_("Front door opened"), _time, ""),
    "minutes_out": (N_("Out of bed for"), _number(N_("minutes")), ""),
    "usual_limit_minutes": (N_("Usually back in bed within"), _number(N_("minutes")), ""),
    "toilet_visit": (N_("Went to the toilet"), _yes_no, ""),
    "motion_triggers": (N_("Movements seen"), _number(""), ""),
    "heart_rate": (N_("Heart rate"), _number(N_("bpm")), ""),
    "resting_usual": (N_("Usual resting rate at this time of day"), _number(N_("bpm")), ""),
    "resting_recent": (N_("Earlier in this rest"), _number(N_("bpm")), ""),
    "minutes_raised": (N_("Raised for"), _number(N_("minutes")), ""),
    "safe_low": (N_("Safe range from"), _number(N_("bpm")), ""),
    "safe_high": (N_("Safe range up to"), _number(N_("bpm")), ""),
    "usual_wake": (N_("Usually up by"), _time, ""),
    "last_activity": (N_("Last movement"), _time, ""),
    "silent_hours": (N_("Quiet for"), _number(N_("hours"), 1), ""),
    "usual_longest_quiet_hours": (N_("Longest usual quiet spell"), _number(N_("hours"), 1), ""),
    "probably_out": (N_("Probably out"), _yes_no, ""),
    "subject": (N_("Which"), _text, ""),
    "silent_minutes": (N_("Nothing heard for"), _number(N_("minutes")), ""),
    "battery_percent": (N_("Battery"), _number("%"), ""),
    "problem": (N_("Problem"), _text, ""),
    "bad_nights": (N_("Nights it missed them, of the last 4"), _number(""), ""),
}


def title(kind: str, who: str, words: Words = ENGLISH) -> str:
    """An alert's heading: who it is about and what happened.

    >>> title("inactivity", "Stanley Moore"), title("inactivity", "Stanley Moore", Words("es"))
    ('Stanley Moore: no movement at home', 'Stanley Moore: ningún movimiento en casa')
    """
    what = words.gettext(TITLES[kind]) if kind in TITLES else kind.replace("_", " ")
    return f"{who}: {what}"


def kind_name(kind: str, words: Words = ENGLISH) -> str:
    """An alert kind's short name in ``words``' language.

    >>> kind_name("night_wandering"), kind_name("night_wandering", Words("es"))
    ('night wandering', 'deambulación nocturna')
    """
    return words.gettext(KIND_NAMES[kind]) if kind in KIND_NAMES else kind.replace("_", " ")


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


def evidence_lines(
    evidence: Mapping[str, Any], tz: str, words: Words = ENGLISH
) -> list[tuple[str, str]]:
    """The evidence a person can check, as ``(label, words)``; working figures left out.

    >>> evidence_lines({"tap_litres": 0.8, "tap_litres_usual": 2.4, "index": 0.33}, "UTC")
    [('Water drawn from the tap', '0.8 litres (usually 2.4 litres)')]
    >>> evidence_lines({"out_of_bed_since": 1_763_170_000.0}, "Europe/London")
    [('Out of bed since', '01:26')]
    >>> evidence_lines({"tap_litres": 0.8, "tap_litres_usual": 2.4}, "UTC", Words("es"))
    [('Agua sacada del grifo', '0,8 litros (normalmente 2,4 litros)')]
    """
    lines = []
    for key, (label, shown, usual_key) in WORDED.items():
        value = evidence.get(key)
        if value is None or isinstance(value, (list, dict)):
            continue
        said = shown(value, tz, words)
        usual = evidence.get(usual_key) if usual_key else None
        if isinstance(usual, (int, float)) and not isinstance(usual, bool):
            said += " " + words.gettext("(usually %(usual)s)") % {"usual": shown(usual, tz, words)}
        lines.append((words.gettext(label), said))
    return lines


def explanation(alert: AlertRow, words: Words = ENGLISH) -> str:
    """What the detector said, in ``words``' language (as stored, for an alert without
    phrases: one from before D132).

    >>> from carewatch.phrases import N_
    >>> high = N_("Heart rate very high: %(bpm).0f bpm since %(since)s.", bpm=151.0, since="03:12")
    >>> row = AlertRow(explanation="(as stored)", phrases=msgspec.to_builtins([high]))
    >>> explanation(row)
    'Heart rate very high: 151 bpm since 03:12.'
    >>> explanation(row, Words("es"))
    'Frecuencia cardiaca muy alta: 151 lpm desde las 03:12.'
    """
    if not alert.phrases:
        return alert.explanation
    return word(msgspec.convert(alert.phrases, list[Phrase]), words)


def state_words(alert: AlertRow, now: float, words: Words = ENGLISH) -> str:
    """Where an alert stands, saying how old a state is once it is no longer fresh.

    A day-old alert nobody acknowledged is not "new": it is one nobody recorded seeing.
    """
    if alert.state == AlertState.RESOLVED:
        when = ago(alert.resolved_at or alert.detected_at, now, words)
        return words.gettext("Dealt with %(when)s") % {"when": when}
    if alert.state == AlertState.ACKNOWLEDGED:
        since = alert.acknowledged_at or alert.detected_at
        when = ago(since, now, words)
        if now - since >= DAY:
            return words.gettext(
                "A carer picked this up %(when)s; not yet marked as dealt with"
            ) % {"when": when}
        return words.gettext("A carer picked this up %(when)s") % {"when": when}
    if now - alert.detected_at < DAY:
        return words.gettext("New: no one has picked this up yet")
    when = ago(alert.detected_at, now, words)
    return words.gettext("No carer has recorded seeing this (raised %(when)s)") % {"when": when}
