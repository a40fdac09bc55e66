"""The resident's sleep window, learnt from the bed sensor at whatever hours they keep.

Bed spells less than an hour apart are one sleep (three hours when they were up in the
night: a sleepless spell does not split it). Once a day (half a day after their usual
mid-sleep, when they are most likely up) the longest sleep of 3 to 16 hours that ended
since the last look is taken as the main sleep, and its start and end teach two usual
times of day, on the circle (a late riser asleep 02:00 to 11:00 and an afternoon
sleeper alike). Shorter sleeps are naps; longer "sleeps" are a bed sensor stuck pressed.
From these the day splits into three parts: the *core* of the night (from shortly
before the usual start to the morning boundary), its *early* margin (an evening in bed
that becomes the night only after a while), and the *day*. Until three main sleeps are
learnt the night rules use a fixed evening-to-morning split and raise nothing.
"""

from detectors.baselines import Normal
from detectors.calendar import LocalCalendar
from detectors.config import DAY, HOUR, MINUTE

CIRCLE = 1440.0  # minutes in a day
MERGE = 60 * MINUTE  # out of bed less than this: the same sleep
NIGHT_MERGE = 3 * HOUR  # … or this, up in the night (a sleepless spell splits no night)
MAIN_MIN = 3 * HOUR  # shorter than this is a nap, never the main sleep
MAIN_MAX = 16 * HOUR  # "asleep" longer than this is a sensor stuck pressed, not a sleep
MIN_NIGHTS = 3  # main sleeps learnt before the window is the resident's own
DEFAULT = (18 * 60.0, 22 * 60.0, 5 * 60.0)  # early, core, day from: until learnt
EARLY, CORE = 120.0, 30.0  # minutes before the usual start: early margin, core begins
MAX_MARGIN = 240.0  # a very irregular sleeper's margins stop here


def wrap(minutes: float) -> float:
    """A difference of times of day, as the shorter way round the clock.

    >>> wrap(120.0 - 1380.0), wrap(1380.0 - 120.0)
    (180.0, -180.0)
    """
    return (minutes + CIRCLE / 2) % CIRCLE - CIRCLE / 2


def inside(minutes: float, start: float, end: float) -> bool:
    """Whether a time of day lies in ``[start, end)``, going forward round the clock.

    >>> inside(60.0, 1320.0, 300.0), inside(720.0, 1320.0, 300.0)
    (True, False)
    """
    return (minutes - start) % CIRCLE < (end - start) % CIRCLE


class ClockTime:
    """A usual time of day: a river-backed :class:`Normal` of times unwrapped around it."""

    __slots__ = ("normal",)

    def __init__(self) -> None:
        self.normal = Normal(fading=0.1, floor_sd=30.0)

    @property
    def count(self) -> int:
        """Times learnt."""
        return self.normal.count

    def learn_one(self, minutes: float) -> None:
        """Teach one time of day (minutes after midnight)."""
        if self.normal.count:
            minutes = self.normal.get() + wrap(minutes - self.normal.get())
        self.normal.learn_one(minutes)

    def get(self) -> float:
        """The usual time, minutes after midnight."""
        return self.normal.get() % CIRCLE

    def sd(self) -> float:
        """Its usual spread in minutes."""
        return self.normal.sd()


class SleepWindow:
    """When the main sleep usually starts and ends, and which part of the day a time is in."""

    def __init__(self) -> None:
        self.start = ClockTime()
        self.end = ClockTime()
        self.since = 0.0  # the sleep going on began (0: none)
        self.until = 0.0  # … and they last got out of bed (0: in bed now)
        self.astray = False  # … that in the night (a spell up, not the morning)
        self.best = (0.0, 0.0)  # the longest sleep since the last review
        self.review_at = 0.0

    @property
    def ready(self) -> bool:
        """Enough main sleeps learnt for the window to be the resident's own."""
        return self.start.count >= MIN_NIGHTS

    def bed(self, ts: float, in_bed: bool, astray: bool = False) -> None:
        """The bed sensor said in (or out) at ``ts``; ``astray``: out in the night, not risen."""
        if in_bed:
            if self.until and ts - self.until >= self._merge():
                self._close()
            if not self.until and ts - self.since > MAIN_MAX:
                self.since = 0.0  # "in" again after a day "in": it missed the rising
            self.since = self.since or ts
            self.until = 0.0
        elif self.since:
            self.until = ts
            self.astray = astray

    def _merge(self) -> float:
        return NIGHT_MERGE if self.astray else MERGE

    def _close(self) -> None:
        length = self.until - self.since
        if MAIN_MIN <= length <= MAIN_MAX and length > self.best[1] - self.best[0]:
            self.best = (self.since, self.until)
        self.since = self.until = 0.0

    def review(self, cal: LocalCalendar, now: float) -> bool | None:
        """Once a day, learn the main sleep: whether one was learnt (None: not the time)."""
        if self.until and now - self.until >= self._merge():
            self._close()
        if now < self.review_at:
            return None
        start, end = self.best
        if end:
            self.start.learn_one(cal.minutes(start))
            self.end.learn_one(cal.minutes(end))
        self.best = (0.0, 0.0)
        if self.ready:
            mid = self.start.get() + wrap(self.end.get() - self.start.get()) / 2
        else:
            mid = 3 * 60.0
        self.review_at = cal.at_minutes(now, (mid + CIRCLE / 2) % CIRCLE)
        if self.review_at <= now:
            self.review_at += DAY
        return bool(end)

    def bounds(self, wake_margin: float) -> tuple[float, float, float]:
        """Where the early margin, the core of the night and the day begin (minutes).

        The day begins at the usual end less max(``wake_margin`` minutes, 3 sd).
        """
        if not self.ready:
            return DEFAULT
        start, sd = self.start.get(), self.start.sd()
        late = min(max(wake_margin, 3.0 * self.end.sd()), MAX_MARGIN)
        early = min(max(EARLY, 3.0 * sd), MAX_MARGIN)
        core = min(max(CORE, 1.5 * sd), early)
        return (start - early) % CIRCLE, (start - core) % CIRCLE, (self.end.get() - late) % CIRCLE

    def part(self, minutes: float, wake_margin: float) -> str:
        """``"core"``, ``"early"`` or ``"day"``: where a time of day falls."""
        early, core, day = self.bounds(wake_margin)
        if inside(minutes, core, day):
            return "core"
        return "early" if inside(minutes, early, core) else "day"
