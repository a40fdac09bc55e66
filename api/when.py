"""Times as people read them: "3 hours ago", with the full date and year alongside,
in the reader's language (CLDR's day, month and unit names through Babel)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from api.i18n import ENGLISH, Words

MINUTE, HOUR, DAY = 60, 3600, 86_400
# (from this age on, count in this unit): "10 days ago" says more than "1 week ago"
_STEPS = (
    (365 * DAY, 365 * DAY, "year"),
    (60 * DAY, 30 * DAY, "month"),
    (14 * DAY, 7 * DAY, "week"),
)


def ago(ts: float, now: float, words: Words = ENGLISH) -> str:
    """How long before ``now`` the moment ``ts`` was, in words.

    Examples
    --------
    >>> now = 1_763_200_000.0
    >>> [ago(now - s, now) for s in (20, 60, 7_200, 10_799, 86_400, 10 * 86_400, 70 * 86_400)]
    ['just now', '1 minute ago', '2 hours ago', '2 hours ago', 'yesterday', '10 days ago', \
'2 months ago']
    >>> ago(now + 600, now), ago(now - 7_200, now, Words("es"))
    ('in 10 minutes', 'hace 2 horas')
    """
    seconds = now - ts
    if seconds < -MINUTE:
        amount = _count(-seconds / MINUTE, "minute", words)
        return words.gettext("in %(amount)s") % {"amount": amount}
    if seconds < MINUTE:
        return words.gettext("just now")
    if DAY <= seconds < 2 * DAY:
        return words.gettext("yesterday")
    size, unit = (MINUTE, "minute") if seconds < HOUR else (HOUR, "hour")
    if seconds >= DAY:
        size, unit = next(((s, u) for start, s, u in _STEPS if seconds >= start), (DAY, "day"))
    return words.gettext("%(amount)s ago") % {"amount": _count(seconds / size, unit, words)}


def _count(amount: float, unit: str, words: Words) -> str:
    return words.amount(int(amount), f"duration-{unit}")


def full(ts: float, tz: str, words: Words = ENGLISH) -> str:
    """The local date and time with the year, e.g. ``'Sat 15 Nov 2025, 09:46'``.

    >>> full(1_763_200_000.0, "Europe/London"), full(1_763_200_000.0, "UTC", Words("es"))
    ('Sat 15 Nov 2025, 09:46', 'sáb 15 nov 2025, 09:46')
    """
    return words.date(local(ts, tz), "EEE dd MMM y, HH:mm")


def day_label(date: str, words: Words = ENGLISH) -> str:
    """A ``YYYY-MM-DD`` date as people write it: ``'14 Nov'``.

    >>> day_label("2025-11-04"), day_label("2025-11-04", Words("es"))
    ('4 Nov', '4 nov')
    """
    return words.date(datetime.strptime(date, "%Y-%m-%d"), "d MMM")


def date_words(date: str, words: Words = ENGLISH) -> str:
    """A ``YYYY-MM-DD`` date in full: ``'Fri 14 Nov 2025'``.

    >>> date_words("2025-11-14"), date_words("2025-11-14", Words("es"))
    ('Fri 14 Nov 2025', 'vie 14 nov 2025')
    """
    return words.date(datetime.strptime(date, "%Y-%m-%d"), "EEE dd MMM y")


def local(ts: float, tz: str) -> datetime:
    """``ts`` (epoch seconds) as an aware local datetime in ``tz``."""
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(tz))


def clock_time(ts: float, tz: str) -> str:
    """The local clock time, ``'06:05'``."""
    return local(ts, tz).strftime("%H:%M")
