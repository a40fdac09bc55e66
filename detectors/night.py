"""Night wandering: up in the night for longer than this home's usual trip, or out of the door.

Rule (docs/detectors.md): the night begins when the resident settles into bed inside
their learnt sleep window (:mod:`detectors.sleep`: 10 minutes in bed in its core, 30 in
its early margin) and ends when they get up in the day part of it. A spell up in the
night is wandering once it outlasts the home's usual night trips (:mod:`detectors.trips`:
learnt with and without a flush, 6 to 20 minutes before a flush, 20 to 30 with one);
the front door opening while they are up at night alerts at once. In a home with
motion sensors a spell counts only while something stirs (three signs, none 15 minutes
apart, or sat in the chair; the motion sensor that sees them turn over in bed counts only
when it fires twice within 2 minutes): a bed that says "out" over a still home has
missed them asleep. It is timed from the first sign after a stillness. Up for an hour in
the day part is getting up for the day, and no spell alerts once the day part has begun.
Nothing is raised until three main sleeps are learnt, nor while the bed sensor is in
doubt (:mod:`detectors.bedmat`).
"""

from typing import Any

from carewatch.phrases import N_
from carewatch.protocol import AlertKind, Kind, Severity
from detectors.alerts import make_alert
from detectors.bedmat import STUCK, BedTrust
from detectors.config import MINUTE, EngineConfig
from detectors.contract import Detector
from detectors.morning import usual_wake
from detectors.sleep import SleepWindow
from detectors.trips import FLUSHED_CEILING, TripLengths
from detectors.view import HomeView, Output

STAY_UP = 60 * MINUTE  # up this long in the day part = got up for the day
SETTLE = 10 * MINUTE  # in bed this long in the core of their night = the night began
QUIET = 15 * MINUTE  # nothing stirring this long while "up": asleep after all
BUSY = 2 * MINUTE  # the bedside sensor twice this close: someone moving about the room
SIGNS = 3  # signs of someone up before a spell counts (turning over in bed sets off one)
SILENT_OUT = 20 * MINUTE  # "out of bed" this long with nothing stirring: the bed missed them


class NightWatch(Detector):
    """The night state machine of one home, its sleep window, trips and bed sensor trust."""

    wants = frozenset(kind for kind in Kind if kind is not Kind.HEART_RATE)

    def __init__(self, config: EngineConfig) -> None:
        self.in_night = False
        self.bed_in = 0.0
        self.out_since = 0.0  # out of bed in the night since (0: in bed, or not the night)
        self.up_since = 0.0  # the current run of signs of someone up began
        self.last_sign = 0.0
        self.signs = 0
        self.toilet = False
        self.flush_at = 0.0
        self.rooms = 0
        self.alerted = False
        self.door_alerted = False
        self.got_up = 0.0  # a morning get-up waiting to be confirmed
        self.wake = usual_wake()
        self.window = SleepWindow()
        self.trips = TripLengths()
        self.bed = BedTrust()
        self.stirs: dict[str, int] = {}  # motion per sensor while asleep in bed
        self.bedside = ""  # the sensor that sees them turn over in bed (the most stirs)
        self.bedside_at = 0.0  # … and when it last fired while they were out of bed

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(EngineConfig())  # type: ignore[misc]  # a checkpoint from before some
        self.__dict__.update(state)

    def stir(self, sensor: str) -> None:
        """Motion while they are in bed at night: a sensor that sees the bed."""
        count = self.stirs[sensor] = self.stirs.get(sensor, 0) + 1
        if count > self.stirs.get(self.bedside, 0):
            self.bedside = sensor

    def on_event(self, home: HomeView, kind: Kind, ts: float, value: float, out: Output) -> None:
        """Follow bed, motion, toilet and door through the night."""
        if kind is Kind.BED:
            self.bed.on_bed()
            if value == 1.0:
                self._to_bed(home, ts)
            else:
                self._out_of_bed(home, ts)
            self.window.bed(ts, value == 1.0, astray=bool(self.out_since))
        elif self.out_since:
            if kind is Kind.MOTION and home.motion_sensor == self.bedside:
                busy, self.bedside_at = ts - self.bedside_at < BUSY, ts
                if not busy:
                    return  # turning over in bed sets it off once: not a sign of someone up
            if ts - self.last_sign >= QUIET:  # still since: the bed missed them asleep
                self.up_since, self.signs, self.toilet, self.flush_at = ts, 0, False, 0.0
            self.last_sign = ts
            self.signs += 1
            if kind is Kind.TOILET:
                self.toilet = True
                self.flush_at = self.flush_at or ts
            elif kind is Kind.MOTION:
                self.rooms += 1
            elif kind is Kind.DOOR and value == 1.0:
                self._door(home, ts, out)

    def _to_bed(self, home: HomeView, ts: float) -> None:
        if self.out_since:
            if self.in_night:
                home.tally.night_episode(self.out_since, ts)
                self._learn_trip(home, ts)
            self.out_since = 0.0
        if self.got_up and ts - self.got_up < STAY_UP:
            self.in_night = True  # back to bed soon after an early rise: still the night
            self.got_up = 0.0
        if not self.in_night:
            self.bed_in = ts

    def _learn_trip(self, home: HomeView, ts: float) -> None:
        if not self.signs:
            if home.has_motion and ts - self.out_since >= SILENT_OUT:
                self.bed.silent_out()
            return
        length = ts - self.up_since
        if not self.alerted and length <= FLUSHED_CEILING:
            self.trips.learn_one(length, self.flush_at - self.up_since if self.toilet else None)

    def _out_of_bed(self, home: HomeView, ts: float) -> None:
        if not self.in_night:
            self.bed_in = 0.0
            return
        if self._part(home, ts) == "day":
            self.in_night = False
            self.got_up = ts
            return
        self.out_since = self.up_since = self.last_sign = ts
        self.signs = self.rooms = 0
        self.toilet = self.alerted = self.door_alerted = False
        self.flush_at = 0.0

    def sleep_hours(self, home: HomeView, ts: float) -> bool:
        """Whether ``ts`` falls in the core of their usual night, whatever the bed says."""
        return self._part(home, ts) == "core"

    @property
    def bed_trusted(self) -> bool:
        """Whether the bed sensor agrees with the home's other sensors (detectors/bedmat.py)."""
        return self.bed.trusted

    def _part(self, home: HomeView, ts: float) -> str:
        return self.window.part(home.cal.minutes(ts), home.cfg.wander_wake_margin / MINUTE)

    def _armed(self, home: HomeView) -> bool:
        return not home.learning and self.window.ready and self.bed.trusted

    def _door(self, home: HomeView, ts: float, out: Output) -> None:
        if not self.in_night or self.door_alerted or not self._armed(home):
            return
        self.door_alerted = self.alerted = True
        said = N_(
            "Front door opened at %(door)s in the night; out of bed since %(since)s. Check "
            "they are safe at home.",
            door=home.cal.hhmm(ts),
            since=home.cal.hhmm(self.out_since),
        )
        evidence = {"out_of_bed_since": self.out_since, "door_opened": ts}
        out.append(
            make_alert(
                home.id,
                AlertKind.NIGHT_WANDERING,
                ts,
                self.out_since,
                Severity.HIGH,
                [said],
                evidence,
            )
        )

    def check(self, home: HomeView, now: float, out: Output) -> None:
        """Learn the window, judge the bed sensor, start or end the night; alert on a long spell."""
        learnt = self.window.review(home.cal, now)
        if learnt is not None:
            self.bed.night_over(learnt)
        self.bed.watch(home, now, lambda ts: self._part(home, ts) == "core", out)
        if self.bed.doubt == STUCK:
            self.in_night, self.out_since = False, 0.0  # "in bed" tells nothing
            return
        if not self.in_night:
            self._begin(home, now)
            return
        if not self.out_since:
            return
        daytime = self._part(home, now) == "day"  # their day has begun: up early, not astray
        if daytime and now - self.out_since >= STAY_UP:
            self.in_night = False  # up for the day after all
            self.got_up = self.out_since
            self.out_since = 0.0
            return
        if self.alerted or daytime or not self._armed(home):
            return
        still = now - self.last_sign >= QUIET and not home.in_chair  # (sitting up is up)
        if home.has_motion and (still or self.signs < SIGNS):
            return  # nothing stirs: asleep, whatever the bed says
        has_toilet = any(s.kind is Kind.TOILET for s in home.sensors.values())
        limit = self.trips.limit(self.toilet, has_toilet, home.cfg)
        limit *= home.strictness(AlertKind.NIGHT_WANDERING)
        if now - self.up_since >= limit:
            self._alert(home, now, limit, has_toilet, out)

    def _begin(self, home: HomeView, now: float) -> None:
        if self.got_up and now - self.got_up >= STAY_UP:
            self.wake.learn_one(home.cal.minutes(self.got_up))
            self.got_up = 0.0
        if not (home.in_bed and self.bed_in):
            return
        part = self._part(home, self.bed_in)
        settle = SETTLE if part == "core" else home.cfg.night_min_in_bed
        if part != "day" and now - self.bed_in >= settle:
            self.in_night = True

    def _alert(
        self, home: HomeView, now: float, limit: float, has_toilet: bool, out: Output
    ) -> None:
        self.alerted = True
        minutes = (now - self.up_since) / MINUTE
        if self.toilet:
            where = N_("moving about the home after a toilet visit")
        elif has_toilet:
            where = N_("moving about the home with no toilet visit")
        else:
            where = N_("moving about the home")
        said = N_(
            "Up in the night: out of bed since %(since)s (%(minutes).0f minutes), %(where)s. "
            "Their usual night-time trip is back in bed within %(limit).0f minutes.",
            since=home.cal.hhmm(self.up_since),
            minutes=minutes,
            where=where,
            limit=limit / MINUTE,
        )
        evidence = {
            "out_of_bed_since": self.up_since,
            "minutes_out": minutes,
            "toilet_visit": self.toilet,
            "motion_triggers": self.rooms,
            "usual_limit_minutes": limit / MINUTE,
        }
        out.append(
            make_alert(
                home.id,
                AlertKind.NIGHT_WANDERING,
                now,
                self.up_since,
                Severity.MEDIUM,
                [said],
                evidence,
            )
        )
