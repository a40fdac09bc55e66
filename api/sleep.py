"""Each night's sleep window (in bed to up for the day) from the bed sensor's readings.

A night runs from 18:00 to 14:00 next day, local time. Spells in bed separated by less
than :data:`TRIP` are one night's sleep with trips out of it; the longest such block of
at least :data:`MIN_SLEEP` is the sleep window. The night is named by its morning's date,
like the daily summary that counts its trips.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from carewatch.records import ReadingRecord

TRIP = 90 * 60.0  # a longer spell out of bed ends the night's sleep
MIN_SLEEP = 2 * 3600.0
EVENING, NOON_AFTER = 18, 14


def in_bed_spells(readings: Iterable[ReadingRecord], until: float) -> list[tuple[float, float]]:
    """``(got in, got out)`` spells from bed readings (1 occupied, 0 vacated), oldest first.

    >>> from carewatch.records import ReadingRecord as R
    >>> bed = [R("h", "b", "bed", ts, value) for ts, value in ((10.0, 1), (50.0, 0), (70.0, 1))]
    >>> in_bed_spells(bed, until=100.0)
    [(10.0, 50.0), (70.0, 100.0)]
    """
    spells, since = [], None
    for reading in sorted(readings, key=lambda r: r.ts):
        if reading.value >= 0.5 and since is None:
            since = reading.ts
        elif reading.value < 0.5 and since is not None:
            spells.append((since, reading.ts))
            since = None
    if since is not None and since < until:
        spells.append((since, until))
    return spells


def sleep_window(
    spells: Sequence[tuple[float, float]], morning: date, tz: str
) -> tuple[float, float] | None:
    """The night before ``morning``: when they went to bed and got up, or ``None``.

    >>> from datetime import date
    >>> t = datetime(2025, 11, 13, 22, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    >>> hour = 3600
    >>> spells = [(t, t + 3 * hour), (t + 3.2 * hour, t + 9 * hour), (t + 12 * hour, t + 13 * hour)]
    >>> window = sleep_window(spells, date(2025, 11, 14), "UTC")
    >>> [datetime.fromtimestamp(s, ZoneInfo("UTC")).strftime("%H:%M") for s in window]
    ['22:00', '07:00']
    """
    zone = ZoneInfo(tz)
    start = datetime.combine(morning - timedelta(days=1), time(EVENING), zone).timestamp()
    end = datetime.combine(morning, time(NOON_AFTER), zone).timestamp()
    blocks: list[list[float]] = []
    for got_in, got_out in spells:
        got_in, got_out = max(got_in, start), min(got_out, end)
        if got_out <= got_in:
            continue
        if blocks and got_in - blocks[-1][1] < TRIP:
            blocks[-1][1] = max(blocks[-1][1], got_out)
        else:
            blocks.append([got_in, got_out])
    longest = max(blocks, key=lambda b: b[1] - b[0], default=None)
    if longest is None or longest[1] - longest[0] < MIN_SLEEP:
        return None
    return longest[0], longest[1]


def hours_after_evening(ts: float, morning: date, tz: str) -> float:
    """Hours from 18:00 the evening before ``morning`` to ``ts`` (for the sleep chart)."""
    evening = datetime.combine(morning - timedelta(days=1), time(EVENING), ZoneInfo(tz))
    return (ts - evening.timestamp()) / 3600.0
