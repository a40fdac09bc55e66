"""Which days of a home's simulation carry which scenario, chosen reproducibly.

Three families of labelled episode:

- alert kinds, what the detectors should raise: ``dehydration``, ``night_wandering``,
  ``stress``, ``inactivity``, ``night_toileting`` (night visits rising over nights);
- faults of the data path: ``sensor_dead``, ``sensor_misses`` and ``sensor_stuck`` (a
  bed or chair mat), ``gateway_offline``, ``clock_drift``, ``duplicate``, ``malformed``;
- confounders, normal life that fools naive detectors: ``hot_day``, ``day_out``,
  ``visitor``, ``cold``, ``away`` (days away), ``visitor_overnight``, ``bad_night`` (one
  night of extra toilet trips). They also happen on their own at everyday rates (bad
  nights only when asked for, then at least one).

In a realistic home (``realistic=True``) half the alert episodes are small (a rise of
8-15 bpm, a spell of about 20 minutes, drinking down to about 75 %).

Episodes of life (alerts and confounders) never share a day, so a false alert on a
confounder can be counted; faults avoid them when the simulation is long enough.
"""

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from simulators.toileting import BAD_NIGHT_RATE, NIGHTS, bad_night, rising_nights

ALERT_KINDS: Final = (
    "dehydration",
    "night_wandering",
    "stress",
    "inactivity",
    "night_toileting",
)
FAULT_KINDS: Final = (
    "sensor_dead",
    "sensor_misses",
    "sensor_stuck",
    "gateway_offline",
    "clock_drift",
    "duplicate",
    "malformed",
)
CONFOUNDER_KINDS: Final = (
    "hot_day",
    "day_out",
    "visitor",
    "cold",
    "away",
    "visitor_overnight",
    "bad_night",
)
SCENARIO_KINDS: Final = ALERT_KINDS + FAULT_KINDS + CONFOUNDER_KINDS

# Days an episode spans (low, high inclusive); dehydration keeps one spare day after
# it so that the next episode does not start while the person is recovering.
_SPANS: Final[dict[str, tuple[int, int]]] = {
    "dehydration": (4, 6),
    "night_wandering": (1, 2),
    "stress": (1, 1),
    "inactivity": (1, 1),
    "sensor_dead": (1, 3),
    "sensor_misses": (4, 7),
    "sensor_stuck": (2, 5),
    "gateway_offline": (1, 1),
    "clock_drift": (2, 3),
    "duplicate": (1, 1),
    "malformed": (1, 1),
    "hot_day": (1, 1),
    "day_out": (1, 1),
    "visitor": (1, 1),
    "cold": (3, 5),
    "away": (2, 3),  # a weekend; WEEK_AWAY of absences last a week instead
    "visitor_overnight": (2, 2),  # arrives one afternoon, leaves the next morning
    "night_toileting": NIGHTS,
    "bad_night": (1, 1),
}
# Placed after everything else, so adding them left every other plan as it was (D117).
LATE_KINDS: Final = ("night_toileting", "bad_night")
WEEK_AWAY: Final = 0.3
ROOMY: Final = ("away", "visitor_overnight")  # left out when no free days remain
SMALL_SHARE: Final = 0.5  # of alert episodes that are small, in a realistic home
SLEEPLESS_SHARE: Final = 0.3  # of realistic night-wandering episodes: up soon, in the chair

# Daily chance of each confounder happening on its own on a free day.
EVERYDAY_RATES: Final = {"hot_day": 0.03, "day_out": 0.06, "visitor": 0.08, "cold": 0.01}
# A realistic home also goes away (≈4 times a year) and has a guest to stay (≈5 a year).
REALISTIC_RATES: Final = {**EVERYDAY_RATES, "away": 0.011, "visitor_overnight": 0.014}

# Scenarios start after this (or half the run if shorter): the detectors' default
# learning period (14 days) and a spare day, so a cohort replayed on the defaults has
# every episode judged.
BASELINE_DAYS: Final = 15


@dataclass
class DayPlan:
    """How one local day (and the night after it) departs from the routine."""

    drink: float = 1.0  # multiplier of drinks per day and litres per drink
    toilet: float = 1.0  # multiplier of toilet visits
    hr_extra: float = 0.0  # bpm added all day (a cold)
    sleep_extra_min: float = 0.0  # later up and earlier to bed (a cold)
    wander_night: bool = False  # long spells out of bed in the night before this day
    stress: bool = False
    inactivity: str | None = None  # "late_wake" or "silence"
    day_out: bool = False
    visitor: bool = False
    size: str | None = None  # "small" or "large" alert episode (realistic homes only)
    sleepless: bool = False  # the night's spell is spent in the chair, soon after bedtime
    away: str | None = None  # "leave", "gone" (all day) or "back"
    guest: str | None = None  # an overnight visitor: "arrive" (this day), "leave" (this day)
    night_extra: float = 0.0  # night toilet visits added, the night before this day
    night_why: str | None = None  # … and why: "night_toileting" or "bad_night" (its label)
    day_labels: list[tuple[str, str | None]] = field(default_factory=list)  # whole-day labels


@dataclass
class Fault:
    """A data-path fault starting on ``day`` and lasting ``span`` days."""

    kind: str
    day: int
    span: int


@dataclass
class Plan:
    """The scenario plan of one home."""

    days: list[DayPlan]
    faults: list[Fault]


def plan_home(
    days: int, kinds: tuple[str, ...], rng: np.random.Generator, *, realistic: bool = False
) -> Plan:
    """Place the requested ``kinds`` on free days, then everyday confounders.

    ``realistic`` mixes small alert episodes with large ones and adds the realistic
    everyday confounders (days away, overnight guests).

    Examples
    --------
    >>> plan = plan_home(30, ("dehydration", "duplicate"), np.random.default_rng(1))
    >>> [round(d.drink, 2) for d in plan.days if d.drink < 1][-1] <= 0.6
    True
    >>> [f.kind for f in plan.faults]
    ['duplicate']
    """
    unknown = set(kinds) - set(SCENARIO_KINDS)
    if unknown:
        raise ValueError(f"unknown scenario kinds {sorted(unknown)}; known: {SCENARIO_KINDS}")
    plan = Plan(days=[DayPlan() for _ in range(days)], faults=[])
    life = np.zeros(days, dtype=bool)
    faults = np.zeros(days, dtype=bool)
    earliest = min(BASELINE_DAYS, days // 2)
    for kind in SCENARIO_KINDS:  # a fixed order keeps plans reproducible
        if kind not in kinds or kind in LATE_KINDS:
            continue
        span = min(_span(kind, rng), days - earliest)
        if kind in FAULT_KINDS:
            day = _free_start(faults | life, span, earliest, rng, fallback=faults)
            faults[day : day + span] = True
            plan.faults.append(Fault(kind, day, span))
        else:
            if kind in ROOMY:  # an empty home says nothing of a faulty sensor: apart if room
                day = _free_start(life | _reach(faults), span, earliest, rng, fallback=life)
            else:
                day = _free_start(life, span, earliest, rng, fallback=None)
            if kind in ROOMY and life[day : day + span].any():
                continue  # no room left: days away would swallow another episode
            life[day : day + span] = True
            _apply(plan.days, kind, day, span, rng)
            if realistic and kind in ALERT_KINDS:
                size = "small" if rng.random() < SMALL_SHARE else "large"
                _size(kind, plan.days[day : day + span], size, rng)
    rates = REALISTIC_RATES if realistic else EVERYDAY_RATES
    _everyday_confounders(plan.days, life, _reach(faults), rng, rates)
    _late(plan.days, kinds, life, earliest, rng)
    return plan


def _late(
    days: list[DayPlan],
    kinds: tuple[str, ...],
    life: np.ndarray,
    earliest: int,
    rng: np.random.Generator,
) -> None:
    """Night toileting episodes and bad nights, on days still free, drawn last."""
    if "night_toileting" in kinds:
        span = min(_span("night_toileting", rng), len(days) - earliest)
        day = _free_start(life, span, earliest, rng, fallback=None)
        life[day : day + span] = True
        for plan, extra in zip(days[day : day + span], rising_nights(span, rng), strict=False):
            plan.night_extra, plan.toilet = extra.night, extra.day
            plan.night_why = "night_toileting"
    if "bad_night" in kinds:  # at everyday rates, and at least one when asked for
        free = ~life
        free[:earliest] = False
        chosen = np.flatnonzero(free & (rng.random(len(days)) < BAD_NIGHT_RATE)).tolist()
        for d in chosen or [_free_start(life, 1, earliest, rng, fallback=None)]:
            days[d].night_extra, days[d].night_why = bad_night(rng), "bad_night"


def _reach(faults: np.ndarray) -> np.ndarray:
    """Fault days and the day after each (a dead or stuck sensor is mended the next day)."""
    reach = faults.copy()
    reach[1:] |= faults[:-1]
    return reach


def _span(kind: str, rng: np.random.Generator) -> int:
    low, high = _SPANS[kind]
    if kind == "away" and rng.random() < WEEK_AWAY:
        return 7
    return int(rng.integers(low, high + 1))


def _size(kind: str, days: list[DayPlan], size: str, rng: np.random.Generator) -> None:
    """Mark an alert episode's days small or large; a small decline ends near 75 %."""
    sleepless = kind == "night_wandering" and rng.random() < SLEEPLESS_SHARE
    for day in days:
        day.size = size
        day.sleepless = sleepless
    if kind == "dehydration":
        low = (0.7, 0.8) if size == "small" else (0.4, 0.6)
        _dehydration(days, 0, max(1, len(days) - 1), rng, low, relabel=True)


def _free_start(
    busy: np.ndarray,
    span: int,
    earliest: int,
    rng: np.random.Generator,
    fallback: np.ndarray | None,
) -> int:
    """A random first day of ``span`` free days (after the baseline), else any."""
    days = len(busy)
    starts = [d for d in range(earliest, days - span + 1) if not busy[d : d + span].any()]
    if not starts and fallback is not None:
        starts = [d for d in range(earliest, days - span + 1) if not fallback[d : d + span].any()]
    if not starts:
        starts = list(range(earliest, max(earliest, days - span) + 1))
    return starts[int(rng.integers(len(starts)))]


def _apply(days: list[DayPlan], kind: str, first: int, span: int, rng: np.random.Generator) -> None:
    if kind == "dehydration":
        _dehydration(days, first, max(1, span - 1), rng)
    elif kind == "night_wandering":
        for d in range(first, first + span):
            days[d].wander_night = True
    elif kind == "stress":
        days[first].stress = True
    elif kind == "inactivity":
        days[first].inactivity = "late_wake" if rng.random() < 0.5 else "silence"
    elif kind == "hot_day":
        days[first].drink = float(rng.uniform(1.2, 1.4))
        days[first].day_labels.append(("hot_day", None))
    elif kind == "day_out":
        days[first].day_out = True
    elif kind == "visitor":
        days[first].visitor = True
    elif kind == "cold":
        _cold(days, first, span, rng)
    elif kind == "away":
        for d in range(first, first + span):
            days[d].away = "gone"
        days[first].away = "leave"
        if span > 1:  # else the run ends while they are away
            days[first + span - 1].away = "back"
    elif kind == "visitor_overnight":
        days[first].guest = "arrive"
        if first + 1 < len(days):
            days[first + 1].guest = "leave"


def _dehydration(
    days: list[DayPlan],
    first: int,
    span: int,
    rng: np.random.Generator,
    low: tuple[float, float] = (0.4, 0.6),
    *,
    relabel: bool = False,
) -> None:
    """Drinking and voiding fall steadily to ``low`` (40-60 %) of normal over ``span`` days."""
    target = float(rng.uniform(*low))
    for i in range(span):
        factor = 1.0 - (1.0 - target) * (i + 1) / span
        day = days[first + i]
        day.drink = factor
        day.toilet = factor**0.7  # voids fall less than intake (food water, concentration)
        detail = None if day.size is None else f"size={day.size} lowest={target:.2f}"
        if relabel:
            day.day_labels = [label for label in day.day_labels if label[0] != "dehydration"]
        day.day_labels.append(("dehydration", detail))


def _cold(days: list[DayPlan], first: int, span: int, rng: np.random.Generator) -> None:
    """A few days of slightly raised resting HR and longer sleep."""
    rise = float(rng.uniform(3.0, 7.0))
    for d in range(first, min(first + span, len(days))):
        days[d].hr_extra = rise
        days[d].sleep_extra_min = float(rng.uniform(45.0, 90.0))
        days[d].day_labels.append(("cold", None))


def _everyday_confounders(
    days: list[DayPlan],
    life: np.ndarray,
    faults: np.ndarray,
    rng: np.random.Generator,
    rates: dict[str, float],
) -> None:
    """Normal life's hot days, outings, visitors and colds (and more) on days left free."""
    draws = rng.random((len(days), len(rates)))
    for d in range(len(days)):
        for (kind, rate), draw in zip(rates.items(), draws[d], strict=True):
            if life[d] or draw >= rate:
                continue
            span = int(rng.integers(3, 5)) if kind == "cold" else 1
            if kind in ("away", "visitor_overnight"):
                span = _span(kind, rng)
                if d + span > len(days) or faults[d : d + span].any():
                    continue  # an empty home says nothing of a faulty sensor
            if life[d : d + span].any():
                continue
            life[d : d + span] = True
            _apply(days, kind, d, span, rng)
