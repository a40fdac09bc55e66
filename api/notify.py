"""Sending a notification through Apprise, retried, with every attempt reported."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import apprise

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """The outcome of one try."""

    number: int
    ok: bool
    error: str | None


class Notifier:
    """Delivers to any Apprise URL, trying up to ``attempts`` times with backoff.

    Examples
    --------
    >>> notifier = Notifier(attempts=2, backoff_seconds=0)
    >>> [a.error for a in notifier.send("nonsense://", "t", "b")]
    ['not a usable Apprise URL']
    """

    def __init__(
        self,
        *,
        attempts: int = 3,
        backoff_seconds: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._sleep = sleep

    def send(self, url: str, title: str, body: str) -> list[Attempt]:
        """Try to deliver; returns every attempt (the last one ``ok`` on success)."""
        channel = apprise.Apprise()
        if not channel.add(url):
            return [Attempt(1, False, "not a usable Apprise URL")]
        attempts: list[Attempt] = []
        for number in range(1, self._attempts + 1):
            if number > 1:
                self._sleep(self._backoff * 2 ** (number - 2))  # network backoff, not logic
            ok = bool(channel.notify(title=title, body=body))
            attempts.append(Attempt(number, ok, None if ok else "the service refused or failed"))
            if ok:
                break
        if not attempts[-1].ok:
            log.warning("notification failed after %d attempts", len(attempts))
        return attempts
