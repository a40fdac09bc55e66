"""Night wandering: out of bed at night for longer than a toilet trip, or out of the door.

Rule (docs/detectors.md): the night begins when the resident has been in bed for 30
minutes in the evening and ends at their usual wake time (learnt with river) minus
max(60 minutes, 3 sd). A spell out of bed in the night is wandering once it lasts 6
minutes with no toilet flush, or 20 minutes even with one; the front door opening while
they are up at night alerts at once. A normal trip (bed, bathroom, flush, back to bed)
is over before either. Up for an hour after the morning boundary is getting up for the
day, not wandering.
"""

from typing import TYPE_CHECKING

from carewatch.protocol import AlertKind, Kind, Severity
from detectors.alerts import make_alert
from detectors.baselines import Normal
from detectors.config import MINUTE, EngineConfig

if TYPE_CHECKING:
    from detectors.home import Home, Output

EVENING_FROM = 18 * 60.0  # minutes after midnight: going to bed after this starts a night
EARLY_BEFORE = 4 * 60.0  # … or before this (a late night)
DEFAULT_WAKE = 5 * 60.0  # morning boundary until the wake time is learnt
STAY_UP = 60 * MINUTE  # up this long in the morning = got up for the day


class NightWatch:
    """The night state machine of one home, and its learnt wake time."""

    def __init__(self, config: EngineConfig) -> None:
        self.in_night = False
        self.bed_in = 0.0
        self.out_since = 0.0
        self.toilet = False
        self.rooms = 0
        self.alerted = False
        self.door_alerted = False
        self.got_up = 0.0  # a morning get-up waiting to be confirmed
        self.wake = Normal(fading=0.1, prior_mean=7 * 60.0, prior_sd=45.0, floor_sd=15.0)

    def wake_boundary(self, margin: float) -> float:
        """Minutes after midnight from which getting up is the morning, not the night."""
        if self.wake.count < 5:
            return DEFAULT_WAKE
        return self.wake.get() - max(3.0 * self.wake.sd(), margin / MINUTE)

    def on_event(self, home: "Home", kind: Kind, ts: float, value: float, out: "Output") -> None:
        """Follow bed, motion, toilet and door through the night."""
        if kind is Kind.BED:
            if value == 1.0:
                self._to_bed(home, ts)
            else:
                self._out_of_bed(home, ts)
        elif self.out_since:
            if kind is Kind.TOILET:
                self.toilet = True
            elif kind is Kind.MOTION:
                self.rooms += 1
            elif kind is Kind.DOOR and value == 1.0:
                self._door(home, ts, out)

    def _to_bed(self, home: "Home", ts: float) -> None:
        if self.out_since:
            if self.in_night:
                home.tally.night_episode(self.out_since, ts)
            self.out_since = 0.0
        if self.got_up and ts - self.got_up < STAY_UP:
            self.in_night = True  # back to bed soon after an early rise: still the night
            self.got_up = 0.0
        if not self.in_night:
            self.bed_in = ts

    def _out_of_bed(self, home: "Home", ts: float) -> None:
        if not self.in_night:
            self.bed_in = 0.0
            return
        minutes = home.cal.minutes(ts)
        if EARLY_BEFORE / 2 < minutes < 12 * 60 and minutes >= self.wake_boundary(
            home.cfg.wander_wake_margin
        ):
            self.in_night = False
            self.got_up = ts
            return
        self.out_since = ts
        self.toilet = False
        self.rooms = 0
        self.alerted = False
        self.door_alerted = False

    def _door(self, home: "Home", ts: float, out: "Output") -> None:
        if not self.in_night or self.door_alerted or home.learning:
            return
        self.door_alerted = self.alerted = True
        explanation = (
            f"Front door opened at {home.cal.hhmm(ts)} in the night; out of bed since "
            f"{home.cal.hhmm(self.out_since)}. Check they are safe at home."
        )
        evidence = {"out_of_bed_since": self.out_since, "door_opened": ts}
        out.append(
            make_alert(
                home.id,
                AlertKind.NIGHT_WANDERING,
                ts,
                self.out_since,
                Severity.HIGH,
                explanation,
                evidence,
            )
        )

    def check(self, home: "Home", now: float, out: "Output") -> None:
        """Start or end the night with time; alert on a long spell out of bed."""
        cfg = home.cfg
        if not self.in_night:
            if self.got_up and now - self.got_up >= STAY_UP:
                self.wake.learn_one(home.cal.minutes(self.got_up))
                self.got_up = 0.0
            if home.in_bed and self.bed_in and now - self.bed_in >= cfg.night_min_in_bed:
                minutes = home.cal.minutes(self.bed_in)
                if minutes >= EVENING_FROM or minutes < EARLY_BEFORE:
                    self.in_night = True
            return
        if not self.out_since:
            return
        if (
            now - self.out_since >= STAY_UP
            and home.cal.minutes(now) >= self.wake_boundary(cfg.wander_wake_margin)
            and home.cal.minutes(now) < 14 * 60
        ):
            self.in_night = False  # up for the day after all
            self.got_up = self.out_since
            self.out_since = 0.0
            return
        if self.alerted or home.learning:
            return
        limit = cfg.wander_toilet_after if self.toilet else cfg.wander_after
        if now - self.out_since < limit:
            return
        self.alerted = True
        minutes = (now - self.out_since) / MINUTE
        explanation = (
            f"Up in the night: out of bed since {home.cal.hhmm(self.out_since)} "
            f"({minutes:.0f} minutes), moving about the home"
            + (" after a toilet visit" if self.toilet else " with no toilet visit")
            + ". A usual night-time trip is back in bed within "
            f"{limit / MINUTE:.0f} minutes."
        )
        evidence = {
            "out_of_bed_since": self.out_since,
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
                self.out_since,
                Severity.MEDIUM,
                explanation,
                evidence,
            )
        )
