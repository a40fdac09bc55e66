"""Injected time, so time-dependent logic is tested without sleeping."""

import time
from collections.abc import Callable

Clock = Callable[[], float]
"""A function returning the current time as UTC epoch seconds."""


def system_clock() -> float:
    """The wall clock, as UTC epoch seconds."""
    return time.time()


class ManualClock:
    """A clock that only moves when told to; for tests and replays.

    Examples
    --------
    >>> clock = ManualClock(100.0)
    >>> clock.advance(5)
    >>> clock()
    105.0
    """

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
