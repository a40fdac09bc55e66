"""Others in the home: a second occupant, an overnight guest, a pet, each labelled.

They set off the same PIRs, taps and toilet as the resident, but never the resident's
bed or chair mat or wrist sensor, and have no heart rate here. They share nothing
with the resident's routine but the home: their events come from their own random
stream and are added to the resident's :class:`simulators.routine.Timeline`. While the
resident is away (the household travels together) or in a labelled ``silence`` (so the
alert episode stays what it is), their events are left out.
"""

from typing import Final

import msgspec
import numpy as np

from simulators.body import HOUR, MINUTE, Timeline
from simulators.localtime import DAY
from simulators.profiles import ROOMS, HomeProfile, make_profile
from simulators.routine import Life
from simulators.scenarios import DayPlan

# Bursts of PIR triggers from a pet, per hour by day (07-22 h) and by night.
PET_BURSTS_PER_H: Final = (1.2, 0.4)
_RESIDENT_ONLY: Final = ("bed", "chair")


class Others(Life):
    """Someone else about the home: movement, taps, flushes; not the resident's sensors."""

    def emit(self, t: float, sensor: str, value: float = 1.0) -> None:
        """Only the shared sensors: not the resident's mats or wrist."""
        if sensor not in _RESIDENT_ONLY and not sensor.startswith("wrist-"):
            super().emit(t, sensor, value)

    def state(self, t: float, state: int, extra: float = 0.0) -> None:
        """No heart rate is measured for them."""

    def label(self, kind: str, start: float, end: float, detail: str | None = None) -> None:
        """Their life is not an episode."""


def add_household(
    timeline: Timeline,
    profile: HomeProfile,
    plans: list[DayPlan],
    first_weekday: int,
    rng: np.random.Generator,
) -> None:
    """Add the second occupant, guests and pet of ``profile`` to ``timeline``, labelled."""
    days = len(plans)
    others = Others(profile, rng)
    if profile.second_occupant:
        partner = msgspec.structs.replace(
            make_profile(1, rng),
            tz=profile.tz,
            residents=profile.residents,
            sensors=profile.sensors,
        )
        partner_life = Others(partner, rng)
        partner_life.tl = others.tl
        partner_life.live([DayPlan() for _ in plans], first_weekday)
        timeline.labels.append(("second_occupant", 0.0, days * DAY, None))
    for day, plan in enumerate(plans):
        if plan.guest == "arrive":
            timeline.labels.append(guest(others, day, rng))
    if profile.pet:
        pet(others, days, rng)
        timeline.labels.append(("pet", 0.0, days * DAY, "sets off motion sensors day and night"))
    _merge(timeline, others.tl)


def guest(others: Others, day: int, rng: np.random.Generator) -> tuple[str, float, float, None]:
    """A visitor who arrives in the afternoon, stays the night and leaves next morning."""
    t = day * DAY + float(rng.uniform(15.0, 18.0)) * HOUR
    arrived = t
    others.emit(t, "door-front", 1.0)
    t += float(rng.uniform(10.0, 40.0))
    others.emit(t, "door-front", 0.0)
    t = others.walk(t, ("hall", "lounge"))
    bedtime = day * DAY + float(rng.uniform(22.0, 23.5)) * HOUR
    others.stay("lounge", t, bedtime - t, every=300.0)
    tea = t + float(rng.uniform(10.0, 30.0)) * MINUTE
    others.tap(others.walk(tea, ("hall", "kitchen")), "tap-kitchen", others.lognormal(1.0))
    others.toilet(float(rng.uniform(t + HOUR, bedtime - HOUR)), "lounge", "lounge")
    others.toilet(bedtime - 15 * MINUTE, "lounge", "hall")
    morning = (day + 1) * DAY + float(rng.uniform(7.0, 9.0)) * HOUR
    trips = int(rng.integers(1, 3))  # at least once in the night: what makes a guest a confounder
    for trip in np.sort(rng.uniform(bedtime + HOUR, morning - HOUR, trips)).tolist():
        others.toilet(trip, "hall", "hall")
    t = others.toilet(morning, "hall", "bathroom")
    t = others.tap(t + 30.0, "tap-bathroom", others.lognormal(3.0, 0.4))
    t = others.walk(t, ("hall", "kitchen"))
    t = others.tap(t + 20.0, "tap-kitchen", others.lognormal(0.5))
    t = others.stay("kitchen", t, float(rng.uniform(20.0, 60.0)) * MINUTE)
    t = others.walk(max(t, (day + 1) * DAY + float(rng.uniform(10.0, 12.5)) * HOUR), ("hall",))
    others.emit(t, "door-front", 1.0)
    t += float(rng.uniform(10.0, 40.0))
    others.emit(t, "door-front", 0.0)
    return ("visitor_overnight", arrived, t, None)


def pet(others: Others, days: int, rng: np.random.Generator) -> None:
    """A cat or small dog wandering the rooms: short bursts of PIR triggers, day and night."""
    hours = np.arange(days * 24, dtype=np.float64)
    by_day = (hours % 24 >= 7) & (hours % 24 < 22)
    bursts = rng.poisson(np.where(by_day, PET_BURSTS_PER_H[0], PET_BURSTS_PER_H[1]))
    starts = np.repeat(hours, bursts) * HOUR + rng.uniform(0.0, HOUR, int(bursts.sum()))
    triggers = 1 + rng.poisson(1.5, len(starts))
    rooms = rng.choice([r for r in ROOMS if r != "bathroom"], len(starts))
    times = np.repeat(starts, triggers) + rng.uniform(0.0, 60.0, int(triggers.sum()))
    for moment, room in zip(times.tolist(), np.repeat(rooms, triggers).tolist(), strict=True):
        others.emit(moment, f"motion-{room}")


def _merge(timeline: Timeline, theirs: Timeline) -> None:
    """Add ``theirs`` events, except while the resident is away or in a labelled silence."""
    quiet = [
        (start, end)
        for kind, start, end, detail in timeline.labels
        if kind == "away" or (kind == "inactivity" and detail == "silence")
    ]
    t = np.asarray(theirs.event_t)
    keep = np.ones(len(t), dtype=bool)
    for start, end in quiet:
        keep &= ~((t >= start) & (t <= end))
    index = np.flatnonzero(keep).tolist()
    timeline.event_t.extend(theirs.event_t[i] for i in index)
    timeline.event_sensor.extend(theirs.event_sensor[i] for i in index)
    timeline.event_value.extend(theirs.event_value[i] for i in index)
