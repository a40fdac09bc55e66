"""A resident's days and nights as sensor events, in wall seconds of the home's clock.

The person gets up, washes, has breakfast, then spends the day sitting in their
favourite chair between errands (a drink from the kitchen tap, the toilet, meals,
pottering about), and goes to bed; at night they get up to the toilet now and then.
Scenarios from :mod:`simulators.scenarios` bend this routine. Alongside the events
the routine records what the body is doing (asleep, sitting, walking, away, ...) as
segments, from which :mod:`simulators.heart` derives the heart rate.
"""

import numpy as np

from simulators.body import ACTIVE, HOUR, MINUTE, REST, SLEEP, Timeline
from simulators.localtime import DAY
from simulators.outings import Outings
from simulators.scenarios import DayPlan


class Life(Outings):
    """Writes one resident's routine into a :class:`simulators.body.Timeline`."""

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
                extra=(plan.night_extra, plan.night_why),
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
        extra: tuple[float, str | None] = (0.0, None),
    ) -> float:
        """Toilet trips (and wandering spells) before ``until``; returns the last return.

        A ``sleepless`` spell begins soon after they fall asleep and is spent in the chair.
        ``extra``: toilet trips added to the usual, and why (the label), else ``None``.
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
        trips = rng.uniform(first, last, self.count(self.p.toilet_night * plan.toilet + extra[0]))
        if extra[1]:
            self.night_label(extra[1], asleep, until, extra[0])
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

    def night_label(self, kind: str, asleep: float, until: float, extra: float) -> None:
        """Label a night of ``kind``: nights of it in a row are one episode, at its peak."""
        labels = self.tl.labels
        for i in range(len(labels) - 1, -1, -1):
            was, start, end, detail = labels[i]
            if was == kind and asleep - end < 20 * HOUR:
                peak = max(extra, float((detail or "peak=+0").split("+")[1].split()[0]))
                labels[i] = (kind, start, until, f"peak=+{peak:.2f}")
                return
        self.label(kind, asleep, until, f"peak=+{extra:.2f}")

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
