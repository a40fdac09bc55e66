"""Episodes and confounders of a day: stress, a silence, a day out, a visitor, naps, leaving.

Each is a move of :class:`simulators.body.Moves` that :mod:`simulators.routine` calls
as an errand of the day; each labels itself where it is ground truth.
"""

from simulators.body import ACTIVE, AWAY, HOUR, MINUTE, REST, SIT, SLEEP, Moves
from simulators.scenarios import DayPlan


class Outings(Moves):
    """What takes a day out of the ordinary."""

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
