"""A time zone's UTC offset at an instant, and the instant it next changes.

One place for the search both the store's local windows and the recordings' wall clocks
need (a daylight-saving change, found to the second without a table of transitions).

Examples
--------
>>> from zoneinfo import ZoneInfo
>>> london = ZoneInfo("Europe/London")
>>> offset_at(london, 1719792000.0)  # 2024-07-01: BST
3600
>>> first_change(london, 1711843200.0, 1711929600.0)  # 2024-03-31, at 01:00 UTC
1711846800.0
>>> first_change(london, 1719792000.0, 1719878400.0) is None
True
"""

from datetime import datetime
from zoneinfo import ZoneInfo


def offset_at(tz: ZoneInfo, ts: float) -> int:
    """UTC offset of ``tz`` at instant ``ts``, in whole seconds."""
    delta = datetime.fromtimestamp(ts, tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def first_change(tz: ZoneInfo, low: float, high: float) -> float | None:
    """The first whole second in ``(low, high]`` whose offset differs from ``low``'s."""
    offset = offset_at(tz, low)
    if offset_at(tz, high) == offset:
        return None
    lo, hi = int(low), int(high)  # invariant: offset(lo) == offset, offset(hi) != offset
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if offset_at(tz, mid) == offset:
            lo = mid
        else:
            hi = mid
    return float(hi)
