"""Whether the bed sensor can be believed: does it agree with the home's other sensors?

Two contradictions are scored. *Stuck*: it has said "in bed" for 16 hours while the
other sensors show the resident up (signs of use, a chair, tap, toilet or door, in 5
different hours, or motion in 10). *Misses*: on a night it says nobody is in bed (out
of bed 20 minutes or more with nothing stirring anywhere, or never in bed while the
home sleeps, 3 hours of stillness in the core of the night): a bad night, and a second
bad night within a week (a faulty mat misses some nights, not all) is judged at once, so
the report comes while it is still missing nights. Either is reported once as a sensor
problem, and the night rules pause until it reads normally again: a whole normal night
learnt after it came unstuck, or three good nights in a row.
"""

from collections.abc import Callable
from typing import Any

from carewatch.phrases import N_
from carewatch.protocol import AlertKind, Kind, Phrase, Severity
from detectors.alerts import Value, make_alert
from detectors.config import HOUR
from detectors.view import HomeView, Output

STUCK_AFTER = 16 * HOUR
SIGN_HOURS, MOTION_HOURS = 5, 10  # hours with signs of being up that contradict "in bed"
ASLEEP_UNSEEN = 3 * HOUR  # the home this still in the night, and the bed says empty
NIGHTS = 7  # nights looked back on, tonight included (a week)
BAD_NIGHTS, GOOD_NIGHTS = 2, 3  # bad nights in NIGHTS that lose trust; good ones that regain it
STUCK, UNSTUCK, MISSES = "stuck", "unstuck", "misses"


class BedTrust:
    """The bed sensor's standing with the rest of the home."""

    voided = False  # its "in bed" found void, until the home takes that (Home.night_check)

    def __init__(self) -> None:
        self.heard = False  # a bed sensor has spoken in this home
        self.doubt = ""  # why it is not trusted ("" while it is)
        self.nights: list[bool] = []  # whether each night scored was bad, oldest first
        self.hours = [0, 0, -1, -1]  # sign hours, motion hours, last of each counted
        self.bad_tonight = False

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]  # a checkpoint from before nights were counted
        state.pop("bad", None)  # its bad-night rate (a river EWMean) is not carried over
        self.__dict__.update(state)

    @property
    def bad_nights(self) -> int:
        """Bad nights among the last ``NIGHTS``, tonight included."""
        return sum(self.nights[-(NIGHTS - 1) :]) + self.bad_tonight

    @property
    def trusted(self) -> bool:
        """Whether the night rules may rely on the bed sensor."""
        return not self.doubt

    def on_bed(self) -> None:
        """The bed sensor spoke: it is not stuck since (but trusted after a normal night)."""
        self.heard = True
        if self.doubt == STUCK:
            self.doubt = UNSTUCK
        self.hours = [0, 0, -1, -1]

    def silent_out(self) -> None:
        """Tonight it said "out of bed" while nothing stirred anywhere."""
        self.bad_tonight = True

    def watch(self, home: HomeView, now: float, core: Callable[[float], bool], out: Output) -> None:
        """Count the signs of someone up while it says "in bed"; look for a still night.

        ``core(ts)`` says whether a moment is in the core of the resident's night.
        """
        if not self.heard or now - home.first_ts < home.cfg.health_learning:
            return
        if Kind.BED in home.withheld:
            return  # not collected (no consent): its last word stands, and says nothing now
        if not home.in_bed:
            since = home.quiet_since()
            still = now - since >= ASLEEP_UNSEEN and not (home.away or home.in_chair)
            if still and core(since) and core(now):
                self.bad_tonight = True  # asleep somewhere the bed cannot feel
            if self.bad_tonight and not self.doubt and self.bad_nights >= BAD_NIGHTS:
                self.doubt = MISSES
                self._report(
                    home,
                    now,
                    N_(
                        "misses the resident in bed: on %(bad)d of the last %(nights)d nights "
                        "it said nobody was in bed while nothing stirred anywhere in the home",
                        bad=self.bad_nights,
                        nights=NIGHTS,
                    ),
                    out,
                )
            return
        hours = self.hours
        for index, ts in ((0, max(home.last_activity, home.last_door)), (1, home.last_motion)):
            hour = int(ts // HOUR)
            if ts > home.bed_at and hour != hours[index + 2]:
                hours[index + 2] = hour
                hours[index] += 1
        stuck = hours[0] >= SIGN_HOURS or hours[1] >= MOTION_HOURS
        if stuck and now - home.bed_at >= STUCK_AFTER and self.doubt not in (STUCK, UNSTUCK):
            self.doubt = STUCK
            self.voided = True  # its "in bed" is void: movement counts as someone up again
            hours_in = (now - home.bed_at) / HOUR
            self._report(
                home,
                now,
                N_(
                    "has said someone is in bed since %(since)s (%(hours).0f hours) while the "
                    "other sensors show them up and about",
                    since=home.cal.hhmm(home.bed_at),
                    hours=hours_in,
                ),
                out,
            )

    def night_over(self, learnt: bool) -> None:
        """Once a day: score the night gone; regain trust after good nights."""
        if not self.heard:
            return
        self.nights = [*self.nights[-(NIGHTS - 1) :], self.bad_tonight]
        self.bad_tonight = False
        recovered = len(self.nights) >= GOOD_NIGHTS and not any(self.nights[-GOOD_NIGHTS:])
        if (self.doubt == UNSTUCK and learnt) or (self.doubt == MISSES and recovered):
            self.doubt = ""

    def _report(self, home: HomeView, now: float, what: Phrase, out: Output) -> None:
        beds = [(s.heard, name) for name, s in home.sensors.items() if s.kind is Kind.BED]
        sensor = max(beds)[1]  # the one last heard (there is one: it was heard)
        state = home.sensors[sensor]
        if state.alerted:
            return  # already reported as silent, until it speaks again
        state.alerted = True  # one report: not again as a silent sensor
        said = N_(
            "The bed sensor '%(sensor)s' seems to be wrong: it %(what)s. Night-time alerts "
            "that rely on it are paused until it reads normally again. Check its position "
            "under the mattress and its battery.",
            sensor=sensor,
            what=what,
        )
        evidence: dict[str, Value] = {
            "subject": sensor,
            "problem": self.doubt,
            "bad_nights": self.bad_nights,
        }
        out.append(
            make_alert(home.id, AlertKind.SENSOR_HEALTH, now, now, Severity.LOW, [said], evidence)
        )
