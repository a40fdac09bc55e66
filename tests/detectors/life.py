"""Hand-built days of one resident, as readings: a routine plus the departures tests need.

Deterministic (a seeded ``random.Random``), small and readable, so each detector test
says exactly which pattern it feeds: a normal night toilet trip, a long spell up at
night, a raised heart rate in the chair, a day out, a visitor, a cold, an outage.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord

MINUTE = 60.0
HOUR = 3600.0


@dataclass
class Day:
    """How one day (and the night after it) goes; hours are local."""

    wake: float = 7.0
    bed: float = 22.5
    drinks: int = 8
    drink_litres: float = 0.25
    toilets: int = 5
    night_trips: list[float] = field(default_factory=lambda: [3.0])  # toilet trips
    trip_dwell: float = 120.0  # seconds in the bathroom on a night toilet trip
    wander: tuple[float, float, bool] | None = None  # (hour, minutes, door opened)
    sit_up: tuple[float, float] | None = None  # (hour, minutes) up in the night in the chair
    nap: tuple[float, float] | None = None  # (hour, hours) asleep in bed in the day
    stress: tuple[float, float, float] | None = None  # (hour, minutes, bpm rise)
    silence: tuple[float, float] | None = None  # (hour, hours): no sign of life
    out: tuple[float, float] | None = None  # (leave hour, back hour)
    visitor: tuple[float, float] | None = None  # (arrive hour, leave hour)
    hr_extra: float = 0.0  # a cold


class Life:
    """Readings of one home over several days, in time order."""

    def __init__(self, home: str = "h-1", tz: str = "Europe/London", start: str = "2026-01-05"):
        self.home = home
        self.tz = tz
        self.zone = ZoneInfo(tz)
        first = datetime.fromisoformat(start).replace(tzinfo=self.zone)
        self.midnight = first.timestamp()
        self.rng = random.Random(7)
        self.events: list[ReadingRecord] = []
        self.hr_level: list[tuple[float, float]] = []  # (from ts, bpm)
        self.stress: list[tuple[float, float, float]] = []  # (from, to, bpm rise)
        self.days = 0

    def at(self, day: int, hour: float) -> float:
        """The epoch of local ``hour`` on ``day`` (0-based)."""
        base = datetime.fromtimestamp(self.midnight, self.zone) + timedelta(days=day)
        midnight = base.replace(hour=0, minute=0, second=0).timestamp()
        return midnight + hour * HOUR

    def emit(self, ts: float, sensor: str, kind: Kind, value: float = 1.0) -> None:
        self.events.append(ReadingRecord(self.home, sensor, kind, round(ts, 3), value))

    def heart(self, ts: float, bpm: float) -> None:
        self.hr_level.append((ts, bpm))

    def live(self, days: list[Day]) -> list[ReadingRecord]:
        """Every reading of ``days`` in time order (heart rate every 60 s)."""
        for number, day in enumerate(days):
            self._day(self.days + number, day)
        self.days += len(days)
        return self.readings()

    def readings(self) -> list[ReadingRecord]:
        hr = self._heart_readings()
        return sorted(self.events + hr, key=lambda r: r.ts)

    # -- pieces -------------------------------------------------------------------------

    def _walk(self, t: float, rooms: tuple[str, ...]) -> float:
        for room in rooms:
            t += 8.0
            self.emit(t, f"motion-{room}", Kind.MOTION)
        return t + 5.0

    def _toilet(self, t: float, back: str, dwell: float = 120.0) -> float:
        t = self._walk(t, ("hall", "bathroom"))
        for moment in range(60, int(dwell), 60) if dwell > 120.0 else ():
            self.emit(t + moment, "motion-bathroom", Kind.MOTION)  # a long stay shows
        t += dwell
        self.emit(t, "toilet", Kind.TOILET)
        t += 20.0
        self.emit(t, "tap-bathroom", Kind.TAP, 0.4)
        return self._walk(t, ("hall", back))

    def _drink(self, t: float, litres: float) -> float:
        t = self._walk(t, ("hall", "kitchen"))
        t += 30.0
        self.emit(t, "tap-kitchen", Kind.TAP, litres)
        t += 60.0
        self.emit(t, "motion-kitchen", Kind.MOTION)
        return self._walk(t, ("hall", "lounge"))

    def _sit(self, t: float, until: float, bpm: float) -> None:
        self.emit(t, "chair", Kind.CHAIR, 1.0)
        self.heart(t, bpm)
        fidget = t + 11 * MINUTE
        while fidget < until - MINUTE:
            self.emit(fidget, "motion-lounge", Kind.MOTION)
            fidget += 13 * MINUTE
        self.emit(until, "chair", Kind.CHAIR, 0.0)

    def _day(self, d: int, day: Day) -> None:
        rest = 66.0 + day.hr_extra
        wake = self.at(d, day.wake)
        self.emit(wake, "bed", Kind.BED, 0.0)
        self.heart(wake, rest + 14)
        t = self._toilet(wake + 30.0, "bedroom")
        bedtime = self.at(d, day.bed)
        busy = self._busy(d, day)
        errands = [
            (at, what)
            for at, what in self._errands(d, day, t, bedtime - HOUR)
            if not any(s - 10 * MINUTE <= at <= e for s, e, _ in busy)
        ]
        errands += [(start, what) for start, _, what in busy]
        errands.sort()
        for at, what in errands:
            if at > t + 2 * MINUTE:
                self._sit(t + 10.0, at, rest)
                t = at
                self.heart(t, rest + 14)
            t = self._errand(d, day, what, max(t, at))
            self.heart(t, rest + 14)
        if bedtime > t + 2 * MINUTE:
            self._sit(t + 10.0, bedtime - 15 * MINUTE, rest)
        t = max(t, bedtime - 15 * MINUTE)
        self.heart(t, rest + 14)
        t = self._toilet(t, "bedroom")
        self.emit(t + 60.0, "bed", Kind.BED, 1.0)
        self.heart(t + 60.0, rest - 8)
        self._night(d, day, t + 60.0)

    def _busy(self, d: int, day: Day) -> list[tuple[float, float, str]]:
        busy = []
        if day.out is not None:
            busy.append((self.at(d, day.out[0]), self.at(d, day.out[1]), "out"))
        if day.visitor is not None:
            busy.append((self.at(d, day.visitor[0]), self.at(d, day.visitor[1]), "visitor"))
        if day.nap is not None:
            start = self.at(d, day.nap[0])
            busy.append((start, start + day.nap[1] * HOUR + 45 * MINUTE, "nap"))
        if day.silence is not None:
            start = self.at(d, day.silence[0])
            busy.append((start, start + day.silence[1] * HOUR, "silence"))
        if day.stress is not None:
            start = self.at(d, day.stress[0])
            busy.append((start, start + (day.stress[1] + 15) * MINUTE, "stress"))
        return busy

    def _errands(self, d: int, day: Day, start: float, end: float) -> list[tuple[float, str]]:
        todo = [(self.at(d, 12.5), "meal"), (self.at(d, 18.0), "meal")]
        span = end - start
        for i in range(day.drinks):
            todo.append(
                (start + span * (i + 0.5) / day.drinks + self.rng.uniform(-900, 900), "drink")
            )
        for i in range(day.toilets):
            todo.append(
                (start + span * (i + 0.3) / day.toilets + self.rng.uniform(-900, 900), "toilet")
            )
        return sorted(todo)

    def _errand(self, d: int, day: Day, what: str, t: float) -> float:
        if what == "drink":
            return self._drink(t, day.drink_litres * self.rng.uniform(0.8, 1.2))
        if what == "toilet":
            return self._toilet(t, "lounge")
        if what == "meal":
            t = self._walk(t, ("hall", "kitchen"))
            for _ in range(3):
                t += 8 * MINUTE
                self.emit(t, "motion-kitchen", Kind.MOTION)
                self.emit(t + 5.0, "tap-kitchen", Kind.TAP, 0.6)
            return self._drink(t, day.drink_litres)
        return self._special(d, day, what, t)

    def _special(self, d: int, day: Day, what: str, t: float) -> float:
        rest = 66.0 + day.hr_extra
        if what == "stress":
            assert day.stress is not None
            end = t + (day.stress[1] + 15) * MINUTE
            self._sit(t, end, rest)
            self.heart(t + 1.0, rest)
            self.stress.append((t + 5 * MINUTE, t + (5 + day.stress[1]) * MINUTE, day.stress[2]))
            return end
        if what == "out":
            assert day.out is not None
            t = self._walk(t, ("hall",))
            self.emit(t, "door-front", Kind.DOOR, 1.0)
            self.emit(t + 10.0, "door-front", Kind.DOOR, 0.0)
            self.heart(t, 0.0)  # out of range: no heart rate while away
            back = self.at(d, day.out[1])
            self.emit(back, "door-front", Kind.DOOR, 1.0)
            self.emit(back + 10.0, "door-front", Kind.DOOR, 0.0)
            self.heart(back, rest + 14)
            return self._walk(back + 15.0, ("hall", "lounge"))
        if what == "visitor":
            assert day.visitor is not None
            self.emit(t, "door-front", Kind.DOOR, 1.0)
            self.emit(t + 20.0, "door-front", Kind.DOOR, 0.0)
            end = self.at(d, day.visitor[1])
            self._sit(t + 60.0, end - 60.0, rest + 4)
            moment = t + 120.0
            while moment < end - 120.0:
                self.emit(moment, "motion-lounge", Kind.MOTION)
                moment += 120.0
            self.emit(t + 15 * MINUTE, "tap-kitchen", Kind.TAP, 1.0)
            self.emit(end, "door-front", Kind.DOOR, 1.0)
            self.emit(end + 20.0, "door-front", Kind.DOOR, 0.0)
            self.heart(end, rest + 14)
            return end + 30.0
        if what == "nap":
            assert day.nap is not None
            t = self._walk(t, ("hall", "bedroom"))
            self.emit(t, "bed", Kind.BED, 1.0)
            t += day.nap[1] * HOUR
            self.emit(t, "bed", Kind.BED, 0.0)
            for _ in range(10):  # then up and about for a while, no toilet
                t = self._walk(t, ("hall", "kitchen", "lounge")) + 4 * MINUTE
            return t
        assert day.silence is not None
        self.heart(t + 1.0, rest)  # lying still somewhere: a resting heart
        return t + day.silence[1] * HOUR

    def _night(self, d: int, day: Day, asleep: float) -> None:
        sleeping = 58.0 + day.hr_extra
        trips = [
            (self.at(d + 1, h) if h < 12 else self.at(d, h), "toilet") for h in day.night_trips
        ]
        if day.wander is not None:
            h = day.wander[0]
            trips.append((self.at(d + 1, h) if h < 12 else self.at(d, h), "wander"))
        if day.sit_up is not None:
            h = day.sit_up[0]
            trips.append((self.at(d + 1, h) if h < 12 else self.at(d, h), "sit"))
        for start, what in sorted(trips):
            if start <= asleep:
                continue
            self.emit(start, "bed", Kind.BED, 0.0)
            self.heart(start, sleeping + 15)
            if what == "toilet":
                t = self._toilet(start + 10.0, "bedroom", day.trip_dwell)
            elif what == "sit":
                assert day.sit_up is not None
                t = self._walk(start + 10.0, ("hall", "lounge"))
                self._sit(t, t + day.sit_up[1] * MINUTE, sleeping + 8)
                t = self._walk(t + day.sit_up[1] * MINUTE, ("hall", "bedroom"))
            else:
                assert day.wander is not None
                t = start + 10.0
                end = start + day.wander[1] * MINUTE
                rooms = ("hall", "kitchen", "lounge", "hall")
                i = 0
                while t < end:
                    t = self._walk(t, (rooms[i % len(rooms)],)) + 90.0
                    i += 1
                    if day.wander[2] and i == 4:
                        self.emit(t, "door-front", Kind.DOOR, 1.0)
                        self.emit(t + 60.0, "door-front", Kind.DOOR, 0.0)
                t = self._walk(t, ("bedroom",))
            self.emit(t + 30.0, "bed", Kind.BED, 1.0)
            self.heart(t + 30.0, sleeping)

    def _heart_readings(self) -> list[ReadingRecord]:
        levels = sorted(self.hr_level)
        stress = self.stress
        if not levels:
            return []
        out: list[ReadingRecord] = []
        t = levels[0][0]
        end = self.at(self.days, 6.5)  # stop before the next (unsimulated) morning
        i = 0
        bpm = levels[0][1]
        while t < end:
            while i + 1 < len(levels) and levels[i + 1][0] <= t:
                i += 1
            target = levels[i][1]
            if target > 0:
                for start, stop, rise in stress:
                    if start <= t < stop:
                        target += rise
                bpm += (target - bpm) * 0.6
                value = round(bpm + self.rng.gauss(0.0, 1.0))
                out.append(
                    ReadingRecord(self.home, "wrist", Kind.HEART_RATE, t, value, resident="r-1")
                )
            t += 60.0
        return out
