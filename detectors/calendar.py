"""Local time for one home: hours of the day, midnights and "06:00" in plain words.

Night and days are local notions (daylight saving included); zone look-ups are costly,
so a home asks only when an hour or a day turns over.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


class LocalCalendar:
    """Local time helpers for one IANA zone.

    Examples
    --------
    >>> cal = LocalCalendar("Europe/London")
    >>> cal.hhmm(1_700_000_000.0)  # 2023-11-14 22:13:20 UTC, GMT in winter
    '22:13'
    >>> cal.hour(1_700_000_000.0), cal.date(1_700_000_000.0)
    (22, '2023-11-14')
    >>> cal.next_midnight(1_700_000_000.0) - 1_700_000_000.0
    6400.0
    """

    __slots__ = ("_zone", "tz")

    def __init__(self, tz: str) -> None:
        self.tz = tz
        self._zone = ZoneInfo(tz)

    def local(self, ts: float) -> datetime:
        """The local date and time of ``ts``."""
        return datetime.fromtimestamp(ts, self._zone)

    def hour(self, ts: float) -> int:
        """The local hour of the day (0–23)."""
        return self.local(ts).hour

    def minutes(self, ts: float) -> float:
        """Minutes since local midnight."""
        t = self.local(ts)
        return t.hour * 60.0 + t.minute + t.second / 60.0

    def hhmm(self, ts: float) -> str:
        """The local clock time, e.g. ``'06:00'``."""
        return self.local(ts).strftime("%H:%M")

    def date(self, ts: float) -> str:
        """The local date, ``YYYY-MM-DD``."""
        return self.local(ts).strftime("%Y-%m-%d")

    def next_midnight(self, ts: float) -> float:
        """The UTC epoch of the first local midnight after ``ts``."""
        day = self.local(ts).date() + timedelta(days=1)
        return datetime(day.year, day.month, day.day, tzinfo=self._zone).timestamp()

    def at_minutes(self, ts: float, minutes: float) -> float:
        """The UTC epoch of ``minutes`` after local midnight on ``ts``'s local day."""
        day = self.local(ts).date()
        midnight = datetime(day.year, day.month, day.day, tzinfo=self._zone)
        return midnight.timestamp() + minutes * 60.0

    def __getstate__(self) -> str:
        return self.tz

    def __setstate__(self, tz: str) -> None:
        self.tz = tz
        self._zone = ZoneInfo(tz)
