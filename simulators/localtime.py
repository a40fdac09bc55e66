"""Local wall-clock time to UTC and back, daylight saving included, for whole arrays.

Residents live by the wall clock (up at 07:00 whatever the season), so routines are
drawn as *wall seconds* since local midnight of the first day and converted to UTC
epoch seconds here. The mapping is piecewise linear between hourly knots taken from
the IANA database, and made monotone so that an event order in wall time is kept in
UTC: the spring-forward gap collapses to the transition instant, the repeated
autumn hour is stretched over the two real hours.
"""

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

DAY = 86_400.0


class LocalClock:
    """Convert between wall seconds (since local midnight of ``start``) and UTC epoch.

    Examples
    --------
    >>> clock = LocalClock("Europe/London", date(2025, 3, 29), days=2)
    >>> clock.epoch(0.0)  # midnight in London in winter is midnight UTC
    1743206400.0
    >>> clock.epoch(DAY + 12 * 3600) - clock.epoch(12 * 3600)  # the day the clocks go forward
    82800.0
    >>> float(clock.wall(np.array([clock.epoch(DAY + 12 * 3600)]))[0]) / 3600
    36.0
    """

    def __init__(self, tz: str, start: date, days: int) -> None:
        zone = ZoneInfo(tz)
        origin = datetime(start.year, start.month, start.day)
        self.origin = float(calendar.timegm(origin.timetuple()))
        hours = np.arange(-24, (days + 2) * 24 + 1, dtype=np.float64)
        offsets = np.array(
            [_offset(origin + timedelta(hours=float(h)), zone) for h in hours], dtype=np.float64
        )
        self._wall_knots = hours * 3600.0
        self._utc_knots = np.maximum.accumulate(self.origin + self._wall_knots - offsets)

    def epochs(self, wall: FloatArray) -> FloatArray:
        """UTC epoch seconds of wall seconds ``wall``."""
        return np.interp(wall, self._wall_knots, self._utc_knots)

    def epoch(self, wall: float) -> float:
        """UTC epoch seconds of one wall time."""
        return float(self.epochs(np.array([wall]))[0])

    def wall(self, epochs: FloatArray) -> FloatArray:
        """Wall seconds of UTC epoch seconds ``epochs`` (for the heart's circadian clock)."""
        return np.interp(epochs, self._utc_knots, self._wall_knots)


def _offset(wall: datetime, zone: ZoneInfo) -> float:
    offset = wall.replace(tzinfo=zone).utcoffset()
    return 0.0 if offset is None else offset.total_seconds()
