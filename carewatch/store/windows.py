"""Aggregation windows in a home's time zone, shared by every store backend.

Backends group readings by ``(ts + offset) // width`` within *segments* of
constant UTC offset (a segment ends at each daylight-saving change), which
databases do fast; this module finds the segments, turns group numbers into
window starts and merges the pieces of a window that spans a change (a local
day containing the clock change). Minutes and hours are real elapsed time
(the repeated 01:00 hour of an autumn change is two windows); days run from
local midnight to local midnight, so they last 23, 24 or 25 hours.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from carewatch.errors import BadData
from carewatch.store.base import Window, WindowAggregate
from carewatch.zones import first_change, offset_at

WIDTH_S: dict[Window, int] = {Window.MINUTE: 60, Window.HOUR: 3600, Window.DAY: 86400}
_EPOCH_DATE = date(1970, 1, 1)
_PROBE_S = 86400  # clock changes are months apart; probe daily, then bisect


class Segment(msgspec.Struct, frozen=True):
    """``[start, end)`` in epoch seconds, during which the zone's UTC offset is ``offset``."""

    start: float
    end: float
    offset: int


class Partial(msgspec.Struct):
    """Statistics of one group of one segment, before pieces of a window are merged."""

    start: float
    count: int
    sum: float
    min: float
    max: float


def zone(tz: str) -> ZoneInfo:
    """The IANA zone ``tz``, or :class:`BadData` saying what is expected.

    Examples
    --------
    >>> zone("Europe/London").key
    'Europe/London'
    >>> zone("Mars/Olympus")
    Traceback (most recent call last):
    ...
    carewatch.errors.BadData: time zone 'Mars/Olympus' is not an IANA zone such as 'Europe/London'
    """
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"time zone {tz!r} is not an IANA zone such as 'Europe/London'"
        raise BadData(message) from None


def segments(start: float, end: float, tz: ZoneInfo) -> list[Segment]:
    """Split ``[start, end)`` where the UTC offset of ``tz`` changes.

    Examples
    --------
    >>> london = zone("Europe/London")
    >>> day = 1711843200.0  # 2024-03-31 00:00 UTC, the spring change at 01:00 UTC
    >>> [(s.start - day, s.offset) for s in segments(day, day + 86400, london)]
    [(0.0, 0), (3600.0, 3600)]
    """
    result: list[Segment] = []
    seg_start, offset, probe = start, offset_at(tz, start), start
    while probe < end:
        nxt = min(probe + _PROBE_S, end)
        change = first_change(tz, probe, nxt)
        if change is None:
            probe = nxt
        elif change >= end:
            break
        else:
            result.append(Segment(seg_start, change, offset))
            seg_start, offset, probe = change, offset_at(tz, change), change
    result.append(Segment(seg_start, end, offset))
    return result


def window_start(group: int, window: Window, offset: int, tz: ZoneInfo) -> float:
    """Start (epoch s) of the window numbered ``group = (ts + offset) // width``.

    Examples
    --------
    >>> london = zone("Europe/London")
    >>> # 2024-07-01 in London starts at 23:00 UTC the day before (BST = UTC+1)
    >>> window_start(19905, Window.DAY, 3600, london)
    1719788400.0
    """
    width = WIDTH_S[window]
    if window is not Window.DAY:
        return float(group * width - offset)
    local_midnight = datetime.combine(_EPOCH_DATE + timedelta(days=group), datetime.min.time())
    return local_midnight.replace(tzinfo=tz).timestamp()


def merge(partials: Iterable[Partial]) -> list[WindowAggregate]:
    """Combine pieces with the same start into whole windows, oldest first."""
    merged: dict[float, Partial] = {}
    for part in partials:
        seen = merged.get(part.start)
        if seen is None:
            merged[part.start] = Partial(part.start, part.count, part.sum, part.min, part.max)
        else:
            seen.count += part.count
            seen.sum += part.sum
            seen.min = min(seen.min, part.min)
            seen.max = max(seen.max, part.max)
    return [
        WindowAggregate(p.start, p.count, p.sum, p.sum / p.count, p.min, p.max)
        for p in sorted(merged.values(), key=lambda p: p.start)
        if p.count
    ]
