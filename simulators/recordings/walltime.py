"""Recorded local wall-clock times to UTC epoch seconds, daylight saving decided openly.

Recordings stamp events with the home's wall clock and no offset. Two cases need a rule:

- a wall time that never happened (the spring-forward gap, e.g. 02:30 in Madrid on the
  last Sunday of March) is taken as the transition instant itself, as the simulator does
  (``simulators.localtime``): the hour that was skipped collapses, order is kept;
- a wall time that happened twice (the repeated autumn hour) is taken as the earliest of
  its two instants that is not before ``not_before``: a caller passes the previous
  event's UTC time (or an interval's start for its end), so a recording that runs
  through the repeated hour in order is placed in order, and an isolated ambiguous time
  gets its first occurrence.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from carewatch.zones import first_change

_UTC = ZoneInfo("UTC")


def to_utc(local: datetime, zone: ZoneInfo, not_before: float | None = None) -> float:
    """UTC epoch seconds of the naive wall time ``local`` in ``zone``.

    Examples
    --------
    >>> madrid = ZoneInfo("Europe/Madrid")
    >>> to_utc(datetime(2011, 11, 28, 2, 27, 59), madrid)  # CET, UTC+1
    1322443679.0
    >>> gap = to_utc(datetime(2012, 3, 25, 2, 30), madrid)  # skipped: the transition instant
    >>> gap == to_utc(datetime(2012, 3, 25, 3, 0), madrid)
    True
    >>> first = to_utc(datetime(2012, 10, 28, 2, 30), madrid)  # repeated: first time round
    >>> to_utc(datetime(2012, 10, 28, 2, 10), madrid, not_before=first) - first  # second
    2400.0
    """
    early = local.replace(tzinfo=zone, fold=0).timestamp()
    late = local.replace(tzinfo=zone, fold=1).timestamp()
    if early == late:
        return early
    if early > late:  # fold=0 is after fold=1 only in a gap (the pre-transition offset)
        change = first_change(zone, late, early)
        return early if change is None else change
    if not_before is not None and early < not_before:
        return late
    return early
