"""Simulate one home: its resident's routine, scenarios, heart and faults, with labels."""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Final

import numpy as np
import numpy.typing as npt

from carewatch.records import LabelRecord, ReadingRecord
from simulators.body import Timeline
from simulators.faults import FaultContext, Label, MalformedRecord, apply_faults
from simulators.heart import heart_rate
from simulators.household import add_household
from simulators.localtime import DAY, FloatArray, LocalClock
from simulators.profiles import HomeProfile
from simulators.routine import Life
from simulators.scenarios import SCENARIO_KINDS, plan_home
from simulators.trace import ENCODER, SensorTable, Trace

DEFAULT_START: Final = date(2025, 3, 3)  # a Monday; a month from it crosses US and EU DST
HR_INTERVAL_RANGE: Final = (1.0, 60.0)  # the protocol's "every 1-60 s" from the wearable


@dataclass
class HomeSimulation:
    """What one simulated home produced.

    ``readings`` are in arrival order (the order a gateway delivers them, so readings
    backfilled after an outage come after later-measured ones); ``labels`` are sorted
    by start; ``malformed`` holds raw bad payloads (written to ``malformed.jsonl``).
    """

    profile: HomeProfile
    trace: Trace
    labels: list[LabelRecord]
    malformed: list[MalformedRecord] = field(default_factory=list)

    @cached_property
    def sensors(self) -> SensorTable:
        """Sensor ids, kinds and wearers of this home by code."""
        return SensorTable(self.profile)

    @cached_property
    def readings(self) -> list[ReadingRecord]:
        """Every reading as a validated record, in arrival order."""
        return list(self.sensors.records(self.trace))

    def jsonl(self) -> bytes:
        """The readings as JSON Lines, exactly as ``readings.jsonl`` holds them."""
        return ENCODER.encode_lines(self.sensors.lines(self.trace))


def check_arguments(days: int, hr_interval: float, scenarios: Sequence[str]) -> None:
    """Refuse arguments the simulation cannot honour, saying which and why."""
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    low, high = HR_INTERVAL_RANGE
    if not low <= hr_interval <= high:
        raise ValueError(f"hr_interval must be between {low:g} and {high:g} s, not {hr_interval}")
    unknown = sorted(set(scenarios) - set(SCENARIO_KINDS))
    if unknown:
        raise ValueError(f"unknown scenario {unknown}; choose from {', '.join(SCENARIO_KINDS)}")


def simulate_home(
    profile: HomeProfile,
    *,
    days: int,
    seed: int,
    start: date = DEFAULT_START,
    scenarios: Sequence[str] = (),
    hr_interval: float = 60.0,
) -> HomeSimulation:
    """Simulate ``days`` local days of ``profile``'s home from ``start``.

    The same ``profile``, ``seed`` and arguments give the same result, whatever
    other homes are simulated alongside. ``scenarios`` are injected on days chosen
    from the seed, after a baseline; everyday confounders happen on their own.

    Examples
    --------
    >>> from simulators.profiles import make_cohort
    >>> sim = simulate_home(make_cohort(1, seed=1)[0], days=2, seed=1, scenarios=["stress"])
    >>> {r.kind.value for r in sim.readings} >= {"bed", "tap", "toilet", "heart_rate"}
    True
    >>> [label.kind for label in sim.labels if label.kind == "stress"]
    ['stress']
    """
    check_arguments(days, hr_interval, scenarios)
    plan_rng, life_rng, heart_rng, fault_rng, others_rng = (
        np.random.default_rng(s)
        for s in np.random.SeedSequence([seed, zlib.crc32(profile.home.encode())]).spawn(5)
    )
    plan = plan_home(days, tuple(scenarios), plan_rng, realistic=profile.realistic)
    clock = LocalClock(profile.tz, start, days)
    timeline = Life(profile, life_rng).live(plan.days, start.weekday())
    add_household(timeline, profile, plan.days, start.weekday(), others_rng)
    end_wall = days * DAY
    span = (clock.epoch(0.0), clock.epoch(end_wall))
    table = SensorTable(profile)

    wall = np.asarray(timeline.event_t)
    # A partial kit: the events of sensors the home lacks are dropped here.
    installed = np.array([table.ids.index(s) if s in table.ids else -1 for s in timeline.sensors])
    codes = installed[np.asarray(timeline.event_sensor, dtype=np.int64)]
    keep = (wall >= 0.0) & (wall < end_wall) & (codes >= 0)
    event_ts = np.round(clock.epochs(wall[keep]), 3)
    hr_ts, hr_bpm = np.empty(0), np.empty(0)
    if profile.wrist in table.ids:
        hr_ts, hr_bpm = heart_rate(
            profile, clock, _segments(timeline), span, hr_interval, heart_rng
        )
    ts = np.concatenate([event_ts, np.round(hr_ts, 3)])
    order = np.argsort(ts, kind="stable")
    sensor = np.concatenate(
        [
            codes[keep].astype(np.int16),
            np.full(len(hr_ts), table.ids.index(profile.wrist) if len(hr_ts) else 0, np.int16),
        ]
    )
    value = np.concatenate([np.asarray(timeline.event_value)[keep], hr_bpm])
    ts = ts[order]
    # Until a fault says otherwise readings arrive when measured: one array serves both.
    trace = Trace(arrival=ts, ts=ts, sensor=sensor[order], value=value[order])

    raw_labels: list[Label] = [
        (kind, clock.epoch(max(0.0, s)), clock.epoch(min(end_wall, e)), detail, None)
        for kind, s, e, detail in timeline.labels
        if e > 0.0 and s < end_wall
    ]
    context = FaultContext(table, clock, days, profile.gateway, profile.wrist, fault_rng)
    trace, fault_labels, malformed = apply_faults(trace, plan.faults, context)
    labels = [
        LabelRecord(profile.home, kind, round(s, 3), round(e, 3), detail, subject)
        for kind, s, e, detail, subject in _join_days(raw_labels) + fault_labels
    ]
    labels.sort(key=lambda label: (label.start, label.kind))
    return HomeSimulation(profile, trace, labels, malformed)


def _segments(timeline: Timeline) -> tuple[FloatArray, npt.NDArray[np.int64], FloatArray]:
    """What the body does, (wall start, state, extra bpm), sorted by start."""
    order = np.argsort(np.asarray(timeline.seg_t), kind="stable")
    return (
        np.asarray(timeline.seg_t)[order],
        np.asarray(timeline.seg_state, dtype=np.int64)[order],
        np.asarray(timeline.seg_extra)[order],
    )


def _join_days(labels: list[Label]) -> list[Label]:
    """One label per episode: whole-day labels of consecutive days become one."""
    joined: list[Label] = []
    for label in sorted(labels, key=lambda item: (item[0], item[1])):
        if joined and joined[-1][0] == label[0] and joined[-1][2] == label[1]:
            joined[-1] = (label[0], joined[-1][1], label[2], label[3], label[4])
        else:
            joined.append(label)
    return joined
