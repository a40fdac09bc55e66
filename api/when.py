"""Times as people read them: "3 hours ago", with the full date and year alongside."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MINUTE, HOUR, DAY = 60, 3600, 86_400
# (from this age on, count in this unit): "10 days ago" says more than "1 week ago"
_STEPS = (
    (365 * DAY, 365 * DAY, "year"),
    (60 * DAY, 30 * DAY, "month"),
    (14 * DAY, 7 * DAY, "week"),
)


def ago(ts: float, now: float) -> str:
    """How long before ``now`` the moment ``ts`` was, in words.

    Examples
    --------
    >>> now = 1_763_200_000.0
    >>> [ago(now - s, now) for s in (20, 60, 7_200, 10_799, 86_400, 10 * 86_400, 70 * 86_400)]
    ['just now', '1 minute ago', '2 hours ago', '2 hours ago', 'yesterday', '10 days ago', \
'2 months ago']
    >>> ago(now + 600, now)
    'in 10 minutes'
    """
    seconds = now - ts
    if seconds < 0:
        return f"in {_count(-seconds / MINUTE, 'minute')}" if seconds < -MINUTE else "just now"
    if seconds < MINUTE:
        return "just now"
    if seconds < HOUR:
        return f"{_count(seconds / MINUTE, 'minute')} ago"
    if seconds < DAY:
        return f"{_count(seconds / HOUR, 'hour')} ago"
    if seconds < 2 * DAY:
        return "yesterday"
    for start, size, unit in _STEPS:
        if seconds >= start:
            return f"{_count(seconds / size, unit)} ago"
    return f"{_count(seconds / DAY, 'day')} ago"


def _count(amount: float, unit: str) -> str:
    whole = int(amount)
    return f"{whole} {unit}" if whole == 1 else f"{whole} {unit}s"


def full(ts: float, tz: str) -> str:
    """The local date and time with the year, e.g. ``'Sat 15 Nov 2025, 09:46'``.

    >>> full(1_763_200_000.0, "Europe/London")
    'Sat 15 Nov 2025, 09:46'
    """
    return local(ts, tz).strftime("%a %d %b %Y, %H:%M")


def day_label(date: str) -> str:
    """A ``YYYY-MM-DD`` date as people write it: ``'14 Nov'``.

    >>> day_label("2025-11-04")
    '4 Nov'
    """
    return f"{int(date[8:10])} {datetime.strptime(date, '%Y-%m-%d').strftime('%b')}"


def date_words(date: str) -> str:
    """A ``YYYY-MM-DD`` date in full: ``'Fri 14 Nov 2025'``.

    >>> date_words("2025-11-14")
    'Fri 14 Nov 2025'
    """
    return datetime.strptime(date, "%Y-%m-%d").strftime("%a %d %b %Y")


def local(ts: float, tz: str) -> datetime:
    """``ts`` (epoch seconds) as an aware local datetime in ``tz``."""
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(tz))


def clock_time(ts: float, tz: str) -> str:
    """The local clock time, ``'06:05'``."""
    return local(ts, tz).strftime("%H:%M")
