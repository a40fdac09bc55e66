"""The two kinds of failure every boundary translates library errors into.

Callers decide what to do by kind alone: :class:`RetryLater` means the same
operation may succeed later (a broker or database is down), :class:`BadData`
means it never will (the input is wrong) and the input should be set aside.
"""


class CareWatchError(Exception):
    """Base of every error CareWatch raises on purpose."""


class RetryLater(CareWatchError):
    """A dependency is unavailable; keep the input and try again later."""


class BadData(CareWatchError):
    """The input is invalid; retrying cannot help, so dead-letter or report it."""


class ConfigError(CareWatchError):
    """A setting is missing or invalid; the message names the setting and how to fix it."""
