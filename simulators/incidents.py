"""Incidents on demand: a spell of night wandering or a stressful sitting, from a given time.

A live demo (:mod:`simulators.live`) splices an incident into the resident's simulated
life: the readings below replace whatever the routine had in ``[start, end]``. Each kind
happens only when it can: night wandering in the middle of the resident's night
(from 1.5 h after their usual bedtime to 1.5 h before they usually get up), a stressful
sitting in their day (from 1 h after getting up to 1 h before bed). :func:`first_moment`
says when that is, so "now" in the afternoon means "tonight" for night wandering.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord
from simulators.profiles import HomeProfile

INCIDENT_KINDS: Final = ("night_wandering", "stress")
MINUTE: Final = 60.0
# The sensor kind without which the detectors cannot see the incident at all.
NEEDS: Final = {"night_wandering": "bed", "stress": "heart_rate"}


@dataclass(frozen=True)
class Incident:
    """What a home's sensors say during one incident, from ``start`` to ``end``."""

    kind: str
    start: float
    end: float
    readings: list[ReadingRecord]


def window(profile: HomeProfile, kind: str) -> tuple[float, float]:
    """The local hours (from, to; ``to`` may be past midnight) in which ``kind`` can happen.

    >>> from simulators.profiles import make_cohort
    >>> profile = make_cohort(1, seed=7)[0]
    >>> [round(h, 2) for h in window(profile, "night_wandering")], profile.bed_h
    ([23.55, 29.14], 22.05)
    """
    if kind == "night_wandering":
        return profile.bed_h + 1.5, 24.0 + profile.wake_h - 1.5
    if kind == "stress":
        return profile.wake_h + 1.0, profile.bed_h - 1.0
    raise ValueError(f"unknown incident {kind!r}; choose from {', '.join(INCIDENT_KINDS)}")


def cannot(profile: HomeProfile, kind: str) -> str | None:
    """Why ``kind`` would go unseen in this home (a sensor it lacks), else ``None``.

    >>> from simulators.profiles import make_cohort
    >>> cannot(make_cohort(1, seed=7)[0], "stress") is None
    True
    """
    if NEEDS[kind] in profile.sensors.values():
        return None
    return f"this home has no {NEEDS[kind].replace('_', '-')} sensor to see {kind} with"


def first_moment(profile: HomeProfile, kind: str, now: float) -> float:
    """The first time from ``now`` (epoch seconds) at which ``kind`` can happen in this home.

    >>> from simulators.profiles import make_cohort
    >>> profile = make_cohort(1, seed=7)[0]  # New York, in bed at 22:03
    >>> noon = datetime(2025, 6, 2, 12, tzinfo=ZoneInfo(profile.tz)).timestamp()
    >>> first_moment(profile, "stress", noon) == noon
    True
    >>> tonight = datetime.fromtimestamp(first_moment(profile, "night_wandering", noon))
    >>> tonight.astimezone(ZoneInfo(profile.tz)).strftime("%d %H:%M")
    '02 23:33'
    """
    low, high = window(profile, kind)
    local = datetime.fromtimestamp(now, ZoneInfo(profile.tz))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    hour = (now - midnight.timestamp()) / 3600.0
    for shift in (-24.0, 0.0):  # a window past midnight began the evening before
        if low + shift <= hour < high + shift:
            return now
    opens = midnight + timedelta(hours=low)  # wall-clock arithmetic: DST-proof enough
    return opens.timestamp() if opens.timestamp() > now else (opens + timedelta(days=1)).timestamp()


def make_incident(
    profile: HomeProfile, kind: str, start: float, rng: np.random.Generator, hr_interval: float
) -> Incident:
    """The readings of ``kind`` from ``start`` in ``profile``'s home (its own kit only)."""
    events, end, raised = _SCRIPTS[kind](start, rng)
    start, end = round(start, 3), round(end, 3)  # as the readings' ts are
    readings = [
        ReadingRecord(profile.home, sensor, _kind(profile, sensor), round(ts, 3), value)
        for ts, sensor, value in events
        if sensor in profile.sensors
    ]
    if profile.wrist in profile.sensors:
        beats = np.arange(start, end, hr_interval)
        bpm = profile.resting_hr + np.where(beats >= raised[0], raised[1], 4.0)
        bpm += rng.normal(0.0, 2.0, len(beats))
        readings += [
            ReadingRecord(
                profile.home, profile.wrist, Kind.HEART_RATE, round(float(t), 3),
                float(np.round(b)), profile.resident,
            )
            for t, b in zip(beats.tolist(), bpm.tolist(), strict=True)
        ]  # fmt: skip
    readings.sort(key=lambda r: r.ts)
    return Incident(kind, start, end, readings)


Event = tuple[float, str, float]
# events, end, and (from when, by how many bpm) the heart is raised
Scripted = tuple[list[Event], float, tuple[float, float]]
Script = Callable[[float, np.random.Generator], Scripted]


def _night_wandering(start: float, rng: np.random.Generator) -> Scripted:
    """Out of bed, room to room for 40-60 minutes, out of the front door early on."""
    events: list[Event] = [(start, "bed", 0.0)]
    t = start
    rooms = ["bedroom", "hall", "kitchen", "hall", "lounge", "kitchen", "hall", "bathroom"]
    for step, room in enumerate(rooms):
        t += float(rng.uniform(10.0, 30.0))
        stay = float(rng.uniform(4.0, 7.0)) * MINUTE
        events += [(t + s, f"motion-{room}", 1.0) for s in np.arange(0.0, stay, 40.0).tolist()]
        if step == 1:  # in the hall: out of the front door and back
            back = t + 30.0 + float(rng.uniform(60.0, 180.0))
            events += [(t + 30.0, "door-front", 1.0), (back, "door-front", 0.0)]
        t += stay
    t += float(rng.uniform(10.0, 30.0))
    events += [(t, "motion-bedroom", 1.0), (t + 20.0, "bed", 1.0)]
    return events, t + 20.0, (start, 25.0)


def _stress(start: float, rng: np.random.Generator) -> Scripted:
    """Sat in the chair, calm for 3 minutes, then the heart races for 20 at rest."""
    end = start + 25 * MINUTE
    events: list[Event] = [(start, "motion-lounge", 1.0), (start + 20.0, "chair", 1.0)]
    events += [(end - 20.0, "chair", 0.0), (end, "motion-lounge", 1.0)]
    return events, end, (start + 3 * MINUTE, float(rng.uniform(28.0, 34.0)))


_SCRIPTS: Final[dict[str, Script]] = {"night_wandering": _night_wandering, "stress": _stress}


def _kind(profile: HomeProfile, sensor: str) -> Kind:
    return Kind(profile.sensors[sensor])
