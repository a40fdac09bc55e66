"""A resident's days and nights as sensor events, in wall seconds of the home's clock.

The person gets up, washes, has breakfast, then spends the day sitting in their
favourite chair between errands (a drink from the kitchen tap, the toilet, meals,
pottering about), and goes to bed; at night they get up to the toilet now and then.
Scenarios from :mod:`simulators.scenarios` bend this routine. Alongside the events
the routine records what the body is doing (asleep, sitting, walking, away, ...) as
segments, from which :mod:`simulators.heart` derives the heart rate.
"""

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from simulators.localtime import DAY
from simulators.profiles import HomeProfile, sensor_layout
from simulators.scenarios import DayPlan

HOUR: Final = 3600.0
MINUTE: Final = 60.0

# What the body is doing; the heart follows (simulators.heart).
SLEEP, REST, SIT, ACTIVE, AWAY = range(5)


@dataclass
class Timeline:
    """Everything a home's routine produced, in wall seconds (see simulators.localtime)."""

    sensors: list[str]
    event_t: list[float] = field(default_factory=list)
    event_sensor: list[int] = field(default_factory=list)
    event_value: list[float] = field(default_factory=list)
    seg_t: list[float] = field(default_factory=list)
    seg_state: list[int] = field(default_factory=list)
    seg_extra: list[float] = field(default_factory=list)  # bpm on top of the state's level
    labels: list[tuple[str, float, float, str | None]] = field(default_factory=list)


class Life:
    """Writes one resident's routine into a :class:`Timeline`."""

    def __init__(self, profile: HomeProfile, rng: np.random.Generator) -> None:
        self.p = profile
        self.rng = rng
        # evenings draw from their own stream, so adding them left every day's events as before
        self.evening_rng = rng.spawn(1)[0]
        # Every sensor a home could have: a partial kit drops the rest afterwards (home.py).
        layout = list(sensor_layout(profile.resident))
        self.tl = Timeline(sensors=layout + [s for s in profile.sensors if s not in layout])
        self._code = {sensor: i for i, sensor in enumerate(self.tl.sensors)}
        self.first_weekday = 0  # of the first simulated day, set by live()
        self.left_at: float | None = None  # when they went away, while away

    # -- primitives ---------------------------------------------------------------

    def emit(self, t: float, sensor: str, value: float = 1.0) -> None:
        """One reading of ``sensor`` at wall time ``t``."""
        self.tl.event_t.append(t)
        self.tl.event_sensor.append(self._code[sensor])
        self.tl.event_value.append(value)

    def state(self, t: float, state: int, extra: float = 0.0) -> None:
        """From ``t`` the body is in ``state`` (heart ``extra`` bpm above its level)."""
        self.tl.seg_t.append(t)
        self.tl.seg_state.append(state)
        self.tl.seg_extra.append(extra)

    def label(self, kind: str, start: float, end: float, detail: str | None = None) -> None:
        """Ground truth: ``kind`` from ``start`` to ``end`` (wall seconds)."""
        self.tl.labels.append((kind, start, end, detail))

    def stay(self, room: str, t: float, seconds: float, every: float = 45.0) -> float:
        """Move about ``room`` for ``seconds``: its PIR fires now and then."""
        n = max(1, int(self.rng.poisson(seconds / every)))
        times = np.sort(self.rng.uniform(t, t + seconds, n))
        times[0] = t + float(self.rng.uniform(1.0, 4.0))
        for moment in times.tolist():
            self.emit(moment, f"motion-{room}")
        return t + seconds

    def walk(self, t: float, rooms: tuple[str, ...]) -> float:
        """Walk through ``rooms`` in turn, a few seconds in each; returns arrival time."""
        for room in rooms:
            t += float(self.rng.uniform(4.0, 12.0))
            self.emit(t, f"motion-{room}")
        return t + float(self.rng.uniform(2.0, 6.0))

    def tap(self, t: float, sensor: str, litres: float) -> float:
        """Run a tap for ``litres`` (≈6 L/min flow); the reading comes when it closes."""
        litres = round(max(0.05, litres), 2)
        end = t + max(3.0, litres / 6.0 * MINUTE)
        self.emit(end, sensor, litres)
        return end

    def count(self, mean: float) -> int:
        """How many times a habit happens today: steadier than Poisson, as habits are."""
        mean = max(0.0, mean)
        return max(0, round(float(self.rng.normal(mean, 0.45 * np.sqrt(mean)))))

    def lognormal(self, mean: float, spread: float = 0.25) -> float:
        """A positive amount around ``mean``."""
        return mean * float(self.rng.lognormal(-spread * spread / 2.0, spread))

    # -- the routine pieces -------------------------------------------------------

    def toilet(self, t: float, from_room: str, back_to: str, *, night: bool = False) -> float:
        """A visit to the toilet: flush, wash hands, go back.

        At night a realistic resident takes their own time (``night_trip_min``).
        """
        t = self.walk(t, (from_room, "hall", "bathroom"))
        if night and self.p.night_trip_min > 0:
            seconds = self.lognormal(self.p.night_trip_min * MINUTE, 0.25)
        else:
            seconds = float(self.rng.uniform(60.0, 240.0))
        t = self.stay("bathroom", t, seconds, every=60.0)
        self.emit(t, "toilet")
        t = self.tap(t + 5.0, "tap-bathroom", self.lognormal(self.p.handwash_litres))
        return self.walk(t, ("hall", back_to))

    def drink(self, t: float, plan: DayPlan) -> float:
        """Fetch a drink (or fill the kettle) at the kitchen tap."""
        t = self.walk(t, ("lounge", "hall", "kitchen"))
        litres = self.lognormal(self.p.litres_per_drink * plan.drink)
        if self.rng.random() < 0.25:  # more in the kettle for a pot of tea
            litres *= 1.8
        t = self.tap(t + float(self.rng.uniform(5.0, 30.0)), "tap-kitchen", litres)
        t = self.stay("kitchen", t, float(self.rng.uniform(60.0, 300.0)))
        return self.walk(t, ("hall", "lounge"))

    def meal(self, t: float, plan: DayPlan, main: bool) -> float:
        """Prepare and eat a meal in the kitchen, with cooking and washing-up water."""
        t = self.walk(t, ("lounge", "hall", "kitchen"))
        minutes = float(self.rng.uniform(35.0, 60.0) if main else self.rng.uniform(15.0, 30.0))
        end = t + minutes * MINUTE
        self.stay("kitchen", t, minutes * MINUTE, every=50.0)
        # Unwell and drinking less, people also cook less: fewer and smaller draws.
        appetite = min(1.0, plan.drink)
        uses = max(1, round(int(self.rng.integers(2, 5)) * appetite))
        share = self.p.cooking_litres * (1.0 if main else 0.4) * appetite / uses
        for moment in np.sort(self.rng.uniform(t, end - 60.0, uses)).tolist():
            self.tap(moment, "tap-kitchen", self.lognormal(share, 0.3))
        self.tap(end - 30.0, "tap-kitchen", self.lognormal(self.p.litres_per_drink * plan.drink))
        return self.walk(end, ("hall", "lounge"))

    def potter(self, t: float) -> float:
        """Busy about the house for a while (tidying, dressing, the post)."""
        room = ("bedroom", "hall", "kitchen", "bathroom")[int(self.rng.integers(4))]
        t = self.walk(t, ("lounge", "hall", room))
        t = self.stay(room, t, float(self.rng.uniform(4.0, 20.0)) * MINUTE)
        if room == "hall" and self.rng.random() < 0.4:  # the post, the bins, a neighbour
            self.emit(t, "door-front", 1.0)
            t += float(self.rng.uniform(15.0, 90.0))
            self.emit(t, "door-front", 0.0)
        return self.walk(t, ("hall", "lounge"))

    def sit(self, t: float, until: float, extra: float = 0.0) -> float:
        """Sit in the favourite chair from ``t`` to ``until``, fidgeting now and then."""
        self.emit(t, "chair", 1.0)
        self.state(t, SIT, extra)
        gap = until - t
        if gap > 5 * MINUTE:
            n = int(self.rng.poisson(gap / (12 * MINUTE)))
            for moment in np.sort(self.rng.uniform(t + 60.0, until - 60.0, n)).tolist():
                self.emit(moment, "motion-lounge")
        self.emit(until, "chair", 0.0)
        self.state(until, ACTIVE)
        return until

    # -- a whole day ----------------------------------------------------------------

    def usual_wake(self, day: int) -> float:
        """The wall time this person usually gets up on ``day`` (later at weekends)."""
        return day * DAY + self.p.wake_h * HOUR + self._weekend(day) * MINUTE

    def _weekend(self, day: int) -> float:
        weekday = (self.first_weekday + day) % 7
        return self.p.weekend_shift_min if weekday >= 5 else 0.0

    def live(self, plans: list[DayPlan], first_weekday: int) -> Timeline:
        """Simulate every day in ``plans`` and the nights between them."""
        self.first_weekday = first_weekday
        days = len(plans)
        sd_wake, sd_bed = self.p.wake_sd_min * MINUTE, self.p.bed_sd_min * MINUTE
        wake_noise = self.rng.normal(0.0, sd_wake, days)
        bed_noise = self.rng.normal(0.0, sd_bed, days)
        self.state(-DAY, SLEEP)
        bedtime = -2 * HOUR  # the night before the first day
        for day, plan in enumerate(plans):
            extra_sleep = plan.sleep_extra_min * MINUTE
            sleep_at = day * DAY + self.p.bed_h * HOUR + self._weekend(day) * 0.5 * MINUTE
            sleep_at += float(np.clip(bed_noise[day], -2 * sd_bed, 2 * sd_bed)) - extra_sleep / 2
            if plan.away == "gone":
                continue
            if plan.away == "back":
                bedtime = self.come_back(day, sleep_at, plan)
                continue
            usual = self.usual_wake(day)
            wake = usual + float(np.clip(wake_noise[day], -2 * sd_wake, 2 * sd_wake))
            wake = max(wake, bedtime + 3 * HOUR)  # irregular sleepers: never up before in bed
            wake += extra_sleep / 2
            if plan.inactivity == "late_wake":
                wake = usual + float(self.rng.uniform(2.5, 4.0)) * HOUR
                self.label("inactivity", usual, wake, "late_wake")
            previous = plans[day - 1] if day else DayPlan()
            night_end = min(wake, usual) if plan.inactivity == "late_wake" else wake
            back = self.night(
                bedtime,
                night_end,
                previous,
                wander=plan.wander_night,
                size=plan.size,
                sleepless=plan.sleepless,
            )
            wake = max(wake, back + float(self.rng.uniform(5.0, 20.0)) * MINUTE)
            if plan.away == "leave":
                self.leave(self.morning(wake, plan), plan)
                continue
            bedtime = self.day(day, wake, sleep_at, plan)
        if self.left_at is None:
            self.night(bedtime, days * DAY + 12 * HOUR, plans[-1], wander=False)
        else:  # still away when the run ends
            self.label("away", self.left_at, days * DAY, "until the end of the run")
        return self.tl

    def day(self, day: int, wake: float, bedtime: float, plan: DayPlan) -> float:
        """From getting up to getting into bed; returns when the lights go out."""
        for kind, detail in plan.day_labels:
            self.label(kind, day * DAY, (day + 1) * DAY, detail)
        return self.rest_of_day(day, self.morning(wake, plan), bedtime, plan)

    def morning(self, wake: float, plan: DayPlan) -> float:
        """Out of bed, toilet, wash, dress, breakfast; returns when back in the lounge."""
        self.emit(wake, "bed", 0.0)
        self.state(wake, ACTIVE, plan.hr_extra)
        t = self.walk(wake, ("bedroom",))
        t = self.toilet(t, "bedroom", "bathroom")
        t = self.tap(t + 30.0, "tap-bathroom", self.lognormal(3.0, 0.4))  # a wash
        t = self.stay("bathroom", t, float(self.rng.uniform(5.0, 15.0)) * MINUTE)
        t = self.walk(t, ("hall", "bedroom"))
        t = self.stay("bedroom", t, float(self.rng.uniform(5.0, 15.0)) * MINUTE)  # dressing
        return self.meal(t, plan, main=False)

    def rest_of_day(self, day: int, t: float, bedtime: float, plan: DayPlan) -> float:
        """Errands between sitting, the evening in the chair, bed; returns when asleep."""
        for start, kind in self.errands(day, t, bedtime, plan):
            if start > t + 2 * MINUTE:
                t = self.sit_until(t, start, plan)
            t = self.errand(kind, max(t, start), plan)
        # the evening: in the chair (TV, fidgets, a stretch) until it is time for bed
        if bedtime - 20 * MINUTE > t + 2 * MINUTE:
            self.rng, day_rng = self.evening_rng, self.rng
            t = self.sit_until(t, bedtime - 20 * MINUTE, plan)
            self.rng = day_rng
        t = self.walk(t, ("lounge", "hall"))
        t = self.toilet(t, "hall", "bathroom")
        t = self.tap(t + 20.0, "tap-bathroom", self.lognormal(0.6))  # teeth
        t = self.walk(t, ("hall", "bedroom"))
        t = self.stay("bedroom", t, float(self.rng.uniform(3.0, 10.0)) * MINUTE)
        self.emit(t, "bed", 1.0)
        self.state(t, REST, plan.hr_extra)
        asleep = t + float(self.rng.uniform(10.0, 30.0)) * MINUTE
        self.state(asleep, SLEEP, plan.hr_extra)
        return asleep

    def errands(
        self, day: int, start: float, bedtime: float, plan: DayPlan
    ) -> list[tuple[float, str]]:
        """What takes the resident out of the chair today, and roughly when."""
        rng, base = self.rng, day * DAY
        end = max(start + HOUR, bedtime - HOUR)
        meals = base + max(0.0, self.p.wake_h - 8.5) * HOUR  # late risers eat later
        todo = [(meals + float(rng.uniform(12.0, 13.5)) * HOUR, "lunch")]
        todo.append((meals + float(rng.uniform(17.0, 18.5)) * HOUR, "dinner"))
        counts = {  # three drinks come with meals, two voids on rising and at bedtime
            "drink": self.count(self.p.drinks_per_day * plan.drink - 3.0),
            "toilet": self.count(self.p.toilet_day * plan.toilet - 2.0),
            "potter": int(rng.poisson(2.0 if plan.hr_extra else 4.0)),
        }
        for kind, count in counts.items():
            todo.extend((float(t), kind) for t in rng.uniform(start, end, int(count)))
        specials = {
            "stress": plan.stress,
            "silence": plan.inactivity == "silence",
            "day_out": plan.day_out,
            "visitor": plan.visitor,
        }
        for kind, wanted in specials.items():
            if wanted:
                at = base + float(rng.uniform(10.0, 15.0)) * HOUR
                if at < start - HOUR:  # a late riser: as late after getting up
                    at += start - base - 10 * HOUR
                todo.append((at, kind))
        if self.p.nap != "none" and rng.random() < self.p.nap_chance:
            todo.append((base + (self.p.nap_h + float(rng.uniform(-0.5, 0.5))) * HOUR, "nap"))
        return sorted(t for t in todo if start - HOUR < t[0] < end + HOUR)

    def sit_until(self, t: float, until: float, plan: DayPlan) -> float:
        """Sit, but stand up for a stretch when a sitting bout runs long."""
        longest = 2.5 * self.p.chair_bout_min * MINUTE
        while until - t > longest:
            bout = self.lognormal(self.p.chair_bout_min * MINUTE * 1.5, 0.3)
            t = self.sit(t, t + min(bout, longest), plan.hr_extra + 2.0)
            t = self.potter(t)
        if until - t > 2 * MINUTE:
            t = self.sit(t, until, plan.hr_extra + 2.0)
        return t

    def errand(self, kind: str, t: float, plan: DayPlan) -> float:
        """Do one errand starting at ``t``; returns when back in the lounge."""
        if kind == "drink":
            return self.drink(t, plan)
        if kind == "toilet":
            return self.toilet(t, "lounge", "lounge")
        if kind in ("lunch", "dinner"):
            return self.meal(t, plan, main=kind == "dinner")
        if kind == "potter":
            return self.potter(t)
        if kind == "stress":
            return self.stress(t, plan)
        if kind == "silence":
            return self.silence(t, plan)
        if kind == "day_out":
            return self.day_out(t)
        if kind == "nap":
            return self.nap(t, plan)
        return self.visitor(t, plan)

    # -- nights -----------------------------------------------------------------------

    def night(
        self,
        asleep: float,
        until: float,
        plan: DayPlan,
        *,
        wander: bool,
        size: str | None = None,
        sleepless: bool = False,
    ) -> float:
        """Toilet trips (and wandering spells) before ``until``; returns the last return.

        A ``sleepless`` spell begins soon after they fall asleep and is spent in the chair.
        """
        rng = self.rng
        first, last = asleep + 30 * MINUTE, until - 30 * MINUTE
        t = asleep
        if last <= first:
            return t
        # Turning over in bed now and then sets off the bedroom PIR.
        restless = rng.uniform(asleep, until, int(rng.poisson(0.4 * (until - asleep) / HOUR)))
        for moment in restless.tolist():
            self.emit(moment, "motion-bedroom")
        wanders = self.wander_spells(first, last, asleep, size == "small") if wander else []
        if wander and sleepless:
            start = asleep + float(rng.uniform(0.0, 15.0)) * MINUTE
            minutes = rng.uniform(18.0, 25.0) if size == "small" else rng.uniform(45.0, 100.0)
            wanders = [(start, min(start + float(minutes) * MINUTE, last))]
        trips = rng.uniform(first, last, self.count(self.p.toilet_night * plan.toilet))
        outings = sorted(
            [(a, "wander", b) for a, b in wanders]
            + [
                (float(moment), "toilet", 0.0)
                for moment in trips
                if not any(a - 20 * MINUTE < moment < b + 15 * MINUTE for a, b in wanders)
            ]
        )
        for start, kind, end in outings:
            if kind == "toilet" and (start < t + 15 * MINUTE or start > last):
                continue
            self.emit(start, "bed", 0.0)
            self.state(start, ACTIVE, plan.hr_extra)
            if kind == "toilet":
                t = self.toilet(start, "bedroom", "bedroom", night=True)
            elif sleepless:
                t = self.sit_up(start, end, plan)
            else:
                t = self.wander(start, end, rng.random() < 0.5)
            t += float(rng.uniform(2.0, 6.0))
            self.emit(t, "bed", 1.0)
            self.state(t, SLEEP, plan.hr_extra)
            if kind == "wander":
                detail = None if size is None else f"size={size} minutes={(t - start) / MINUTE:.0f}"
                detail = f"{detail} where=chair" if sleepless else detail
                self.label("night_wandering", start, t, detail)
        return t

    def wander_spells(
        self, first: float, last: float, asleep: float, small: bool = False
    ) -> list[tuple[float, float]]:
        """One or two long spells up, mostly between 00:30 and 04:00, within the night.

        A ``small`` spell lasts about 20 minutes (18-25) instead of 35-110.
        """
        rng = self.rng
        midnight = float(np.ceil(asleep / DAY)) * DAY
        low = max(first, midnight + 0.5 * HOUR)
        high = min(last - 2 * HOUR, midnight + 4.0 * HOUR)
        if high < low:  # a short night: as early as it allows
            low, high = first, max(first, last - 2 * HOUR)
        spells: list[tuple[float, float]] = []
        for start in np.sort(rng.uniform(low, high, int(rng.integers(1, 3)))).tolist():
            if spells and start < spells[-1][1] + 20 * MINUTE:
                continue
            minutes = rng.uniform(18.0, 25.0) if small else rng.uniform(35.0, 110.0)
            end = min(start + float(minutes) * MINUTE, last)
            if end - start >= (15 if small else 30) * MINUTE:
                spells.append((start, end))
        return spells

    def sit_up(self, t: float, end: float, plan: DayPlan) -> float:
        """A sleepless spell: from bed to the lounge chair, awake, and back to bed."""
        t = self.walk(t, ("bedroom", "hall", "lounge"))
        t = self.sit(t, max(t + 5 * MINUTE, end - 2 * MINUTE), plan.hr_extra)
        return self.walk(t, ("lounge", "hall", "bedroom"))

    def wander(self, t: float, end: float, door: bool) -> float:
        """A long spell up at night, moving from room to room, maybe out of the door."""
        rooms = ("hall", "kitchen", "lounge", "bathroom", "bedroom")
        t = self.walk(t, ("bedroom", "hall"))
        door_at = t + (end - t) * float(self.rng.uniform(0.2, 0.7)) if door else end + DAY
        while t < end - 5 * MINUTE:
            room = rooms[int(self.rng.integers(len(rooms)))]
            t = self.walk(t, (room,))
            dwell = min(float(self.rng.uniform(2.0, 12.0)) * MINUTE, end - 3 * MINUTE - t)
            t = self.stay(room, t, max(30.0, dwell), every=40.0)
            if t >= door_at:
                t = self.walk(t, ("hall",))
                self.emit(t, "door-front", 1.0)
                t += float(self.rng.uniform(20.0, 240.0))
                self.emit(t, "door-front", 0.0)
                t = self.walk(t, ("hall",))
                door_at = end + DAY
        return self.walk(t, ("hall", "bedroom"))

    # -- scenarios and confounders of the day ----------------------------------------

    def stress(self, t: float, plan: DayPlan) -> float:
        """Tens of minutes of raised heart rate while sitting still in the chair."""
        small = plan.size == "small"
        minutes = float(self.rng.uniform(20.0, 45.0) if small else self.rng.uniform(25.0, 60.0))
        rise = float(self.rng.uniform(8.0, 15.0) if small else self.rng.uniform(20.0, 35.0))
        start = t + float(self.rng.uniform(3.0, 8.0)) * MINUTE  # settles first, then it starts
        self.sit(t, start + minutes * MINUTE + 5 * MINUTE, plan.hr_extra + 2.0)
        self.state(start, SIT, plan.hr_extra + 2.0 + rise)
        self.state(start + minutes * MINUTE, SIT, plan.hr_extra + 2.0)
        size = "" if plan.size is None else f"size={plan.size} "
        self.label("stress", start, start + minutes * MINUTE, f"{size}rise_bpm={rise:.0f}")
        end = start + minutes * MINUTE + 5 * MINUTE
        self.state(end, ACTIVE, plan.hr_extra)
        return end

    def silence(self, t: float, plan: DayPlan) -> float:
        """Hours in the day with no sign of life from any home sensor (unwell, a fall)."""
        t = self.walk(t, ("lounge", "hall"))
        self.state(t, REST, plan.hr_extra)
        end = t + float(self.rng.uniform(3.0, 5.0)) * HOUR
        self.label("inactivity", t, end, "silence")
        self.state(end, ACTIVE, plan.hr_extra)
        self.emit(end, "motion-hall")
        return self.walk(end, ("lounge",))

    def day_out(self, t: float) -> float:
        """Out of the house for hours: door out, nothing inside, door back in."""
        t = self.walk(t, ("lounge", "hall"))
        t = self.stay("hall", t, float(self.rng.uniform(2.0, 6.0)) * MINUTE)  # coat and keys
        self.emit(t, "door-front", 1.0)
        left = t
        t += float(self.rng.uniform(5.0, 15.0))
        self.emit(t, "door-front", 0.0)
        self.state(t, AWAY)
        back = t + float(self.rng.uniform(3.0, 6.0)) * HOUR
        self.emit(back, "door-front", 1.0)
        self.state(back, ACTIVE)
        t = back + float(self.rng.uniform(5.0, 15.0))
        self.emit(t, "door-front", 0.0)
        self.label("day_out", left, t)
        t = self.stay("hall", self.walk(t, ("hall",)), float(self.rng.uniform(1.0, 4.0)) * MINUTE)
        return self.walk(t, ("lounge",))

    def visitor(self, t: float, plan: DayPlan) -> float:
        """A visitor for an hour or two: extra movement, a pot of tea, maybe the toilet."""
        t = self.walk(t, ("lounge", "hall"))
        self.emit(t, "door-front", 1.0)
        arrived = t
        t += float(self.rng.uniform(10.0, 40.0))
        self.emit(t, "door-front", 0.0)
        t = self.walk(t, ("hall", "lounge"))
        end = t + float(self.rng.uniform(1.0, 2.0)) * HOUR
        self.sit(t, end, plan.hr_extra + 4.0)  # talking raises the heart a little
        self.stay("lounge", t, end - t, every=120.0)  # the visitor moves about
        tea = t + float(self.rng.uniform(5.0, 20.0)) * MINUTE
        self.stay("kitchen", tea, float(self.rng.uniform(4.0, 10.0)) * MINUTE)
        self.tap(tea + 30.0, "tap-kitchen", self.lognormal(1.0))
        if self.rng.random() < 0.5:
            visit = float(self.rng.uniform(tea + 15 * MINUTE, end - 5 * MINUTE))
            self.emit(visit, "motion-bathroom")
            self.emit(visit + float(self.rng.uniform(60.0, 180.0)), "toilet")
        t = self.walk(end, ("hall",))
        self.emit(t, "door-front", 1.0)
        t += float(self.rng.uniform(10.0, 40.0))
        self.emit(t, "door-front", 0.0)
        self.label("visitor", arrived, t)
        return self.walk(t, ("hall", "lounge"))

    # -- naps and days away -------------------------------------------------------------

    def nap(self, t: float, plan: DayPlan) -> float:
        """An afternoon nap, dozing in the chair or lying down on the bed."""
        minutes = self.lognormal(self.p.nap_min, 0.3) * MINUTE
        if self.p.nap == "chair":
            t = self.walk(t, ("lounge",))
            self.emit(t, "chair", 1.0)
            self.state(t, REST, plan.hr_extra)
            self.state(t + 5 * MINUTE, SLEEP, plan.hr_extra)
            self.emit(t + minutes, "chair", 0.0)
            self.state(t + minutes, ACTIVE, plan.hr_extra)
            return t + minutes
        t = self.walk(t, ("lounge", "hall", "bedroom"))
        self.emit(t, "bed", 1.0)
        self.state(t, REST, plan.hr_extra)
        self.state(t + 10 * MINUTE, SLEEP, plan.hr_extra)
        self.emit(t + minutes, "bed", 0.0)
        self.state(t + minutes, ACTIVE, plan.hr_extra)
        return self.walk(t + minutes, ("bedroom", "hall", "lounge"))

    def leave(self, t: float, plan: DayPlan) -> None:
        """Pack and go away for days (family, a holiday, hospital): the home stays empty."""
        t = self.walk(t, ("lounge", "hall", "bedroom"))
        t = self.stay("bedroom", t, float(self.rng.uniform(10.0, 30.0)) * MINUTE)  # packing
        t = self.stay("hall", self.walk(t, ("hall",)), float(self.rng.uniform(1.0, 5.0)) * MINUTE)
        self.emit(t, "door-front", 1.0)
        t += float(self.rng.uniform(10.0, 40.0))
        self.emit(t, "door-front", 0.0)
        self.state(t, AWAY)
        self.left_at = t

    def come_back(self, day: int, bedtime: float, plan: DayPlan) -> float:
        """Home again in the afternoon, then the evening as usual; returns when asleep."""
        latest = max(day * DAY + 13.5 * HOUR, bedtime - 3 * HOUR)
        t = min(day * DAY + float(self.rng.uniform(13.0, 19.0)) * HOUR, latest)
        self.emit(t, "door-front", 1.0)
        self.state(t, ACTIVE, plan.hr_extra)
        left = self.left_at if self.left_at is not None else 0.0
        self.left_at = None
        self.label("away", left, t, f"days={(t - left) / DAY:.1f}")
        t += float(self.rng.uniform(10.0, 40.0))
        self.emit(t, "door-front", 0.0)
        t = self.stay("hall", self.walk(t, ("hall",)), float(self.rng.uniform(2.0, 6.0)) * MINUTE)
        return self.rest_of_day(day, self.walk(t, ("lounge",)), bedtime, plan)
