"""The first sign of the resident each morning, for a home without a bed sensor.

Without a bed, "not up yet" (detectors/inactivity.py) has nothing to read: the night's
silence runs on into the day, and the daytime rule leaves a silence that began in the
night alone (they may be asleep). So the morning is learnt from the other sensors:
each day, the end of the last silence (``DOZED`` or more) that began in the evening or
the night and ended before ``NOON_LIMIT`` is that morning's first sign (a night trip to
the toilet ends an earlier silence, and the sleep after it replaces it). A
morning is learnt once its day is over, with river-style ``Normal`` as the bed's wake
time is. A silence that began in the night and still runs past their usual first sign
plus the late margin is overdue.

Examples
--------
>>> from detectors.calendar import LocalCalendar
>>> cal, first = LocalCalendar("UTC"), FirstSign()
>>> day = 86400.0
>>> for d in range(6):  # asleep 22:30 to 07:00 (a toilet trip at 03:00), then about
...     first.silence_ended(cal, d * day + 22.5 * 3600, d * day + 27 * 3600)
...     first.silence_ended(cal, d * day + 27.1 * 3600, d * day + 31 * 3600)
>>> first.learnt, round(first.usual.get())  # the toilet trip is not the morning
(5, 420)
>>> round(first.overdue(cal, 6 * day + 22.5 * 3600, 7 * day + 9.5 * 3600, 110 * 60))
420
>>> first.overdue(cal, 6 * day + 22.5 * 3600, 7 * day + 8.5 * 3600, 110 * 60) is None
True
"""

from detectors.baselines import Normal
from detectors.calendar import LocalCalendar
from detectors.config import HOUR, MINUTE

SLEPT = 2 * HOUR  # a silence this long, begun in the night, may be sleep (judged)
DOZED = 30 * MINUTE  # … this long after a trip in the night: back to sleep (learnt)
EVENING = 20 * 60  # local minutes from which a silence may be the night's
UNLEARNT_WAKE = 8 * 60.0  # … and until which, before their usual time of getting up is learnt
NOON_LIMIT = 14 * 60  # a first sign later than this is not a morning (and not judged)
MIN_MORNINGS = 5  # mornings learnt before any is judged


def usual_wake() -> Normal:
    """A usual time of getting up (local minutes), 07:00 ± 45 minutes until learnt."""
    return Normal(fading=0.1, prior_mean=7 * 60.0, prior_sd=45.0, floor_sd=15.0)


def in_night_hours(minutes: float, wake: float | None) -> bool:
    """Whether local ``minutes`` fall from the evening until their usual time of getting
    up (``wake``; None until learnt).

    >>> in_night_hours(23 * 60, None), in_night_hours(7 * 60, 6 * 60.0)
    (True, False)
    """
    return minutes >= EVENING or minutes < (UNLEARNT_WAKE if wake is None else wake)


class FirstSign:
    """Each morning's first sign after the night's silence, and their usual one."""

    def __init__(self) -> None:
        self.usual = usual_wake()
        self.learnt = 0  # mornings learnt
        self.day = ""  # the local date of the morning below, not yet learnt
        self.morning = -1.0  # its first sign (local minutes; -1: none yet)

    def silence_ended(self, cal: LocalCalendar, since: float, until: float) -> None:
        """A silence from ``since`` to ``until`` ended: the morning's first sign, if it was
        the night's (a caller may leave out silences shorter than ``DOZED``)."""
        day = cal.date(until)
        if day != self.day:
            self._learn()
            self.day = day
        ended = cal.minutes(until)
        # a later one wins: an earlier was a trip in the night, after which they slept on
        if until - since >= DOZED and self._in_night(cal, since) and ended < NOON_LIMIT:
            self.morning = ended

    def overdue(self, cal: LocalCalendar, since: float, now: float, margin: float) -> float | None:
        """Their usual first sign (local minutes) if a silence from ``since`` that began in
        the night still runs ``margin`` (seconds) past it; else None."""
        if self.learnt < MIN_MORNINGS or now - since < SLEPT or not self._in_night(cal, since):
            return None
        usual = self.usual.get()
        return usual if usual + margin / MINUTE <= cal.minutes(now) < NOON_LIMIT else None

    def _in_night(self, cal: LocalCalendar, ts: float) -> bool:
        usual = self.usual.get() if self.learnt >= MIN_MORNINGS else None
        return in_night_hours(cal.minutes(ts), usual)

    def _learn(self) -> None:
        if self.morning >= 0:
            self.usual.learn_one(self.morning)
            self.learnt += 1
        self.morning = -1.0
