"""Retention: how long each kind of record is kept, and the job that deletes the rest.

Every store runs the same :class:`RetentionJob` (decision D108): ingest for the readings
store (per sensor kind) and its dead letters, the API for alerts, audit entries and
summaries. A job holds *sweeps*, each deleting what one store keeps too long; it runs
every ``every_s`` of the injected clock, so tests move a manual clock instead of sleeping.

Examples
--------
>>> from carewatch.clock import ManualClock
>>> clock = ManualClock(1_000.0)
>>> class Counting:
...     def sweep(self, now: float) -> dict[str, int]:
...         return {"things": int(now)}
>>> job = RetentionJob([Counting()], every_s=60.0, clock=clock)
>>> job.run_due()  # the first run is due at once
{'things': 1000}
>>> clock.advance(59); job.run_due() is None
True
>>> clock.advance(1); job.run_due()
{'things': 1060}
"""

import logging
import re
import threading
from collections.abc import Callable, Sequence
from typing import Annotated, Protocol

from pydantic import BeforeValidator, PositiveFloat

from carewatch.clock import Clock
from carewatch.protocol.kinds import Kind
from carewatch.store.base import Store

log = logging.getLogger(__name__)

_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)([smhdw])")  # fullmatch


def parse_duration(text: str) -> float:
    """Seconds in ``text`` such as ``30d`` or ``1.5h``; raises ValueError saying the form.

    Examples
    --------
    >>> parse_duration("30d"), parse_duration("90s"), parse_duration("1.5h")
    (2592000.0, 90.0, 5400.0)
    >>> parse_duration("a month")
    Traceback (most recent call last):
    ...
    ValueError: 'a month' is not a duration such as 90s, 15m, 12h, 30d or 2w
    """
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as 90s, 15m, 12h, 30d or 2w")
    return float(match.group(1)) * _UNITS_S[match.group(2)]


def _seconds(value: object) -> object:
    """A duration setting: ``30d`` and friends, or a number of seconds."""
    return parse_duration(value) if isinstance(value, str) else value


Duration = Annotated[PositiveFloat, BeforeValidator(_seconds)]
"""Seconds, written in settings as ``90s``, ``15m``, ``12h``, ``30d``, ``2w`` or a number."""


class Sweep(Protocol):
    """Deletes what one store keeps beyond its retention; returns counts by what went."""

    def sweep(self, now: float) -> dict[str, int]: ...


class ReadingsSweep:
    """Readings older than their kind's retention (``by_kind``, else ``default_s``)."""

    def __init__(
        self, store: Store, default_s: float | None, by_kind: dict[Kind, float] | None = None
    ) -> None:
        self._store = store
        self._keep = {kind: (by_kind or {}).get(kind, default_s) for kind in Kind}

    def sweep(self, now: float) -> dict[str, int]:
        """Delete each kind's readings measured more than its retention before ``now``."""
        return {
            f"readings.{kind.value}": self._store.delete_before(now - keep, kind)
            for kind, keep in self._keep.items()
            if keep is not None
        }


class RetentionJob:
    """Runs its sweeps every ``every_s`` seconds of ``clock``; the first run at once."""

    def __init__(
        self,
        sweeps: Sequence[Sweep],
        *,
        every_s: float,
        clock: Clock,
        done: Callable[[dict[str, int]], object] | None = None,
    ) -> None:
        self._sweeps = sweeps
        self._every_s = every_s
        self._clock = clock
        self._done = done
        self._next: float | None = None

    def run_due(self) -> dict[str, int] | None:
        """Run every sweep if the job is due (``None`` if not); returns what went."""
        now = self._clock()
        if self._next is not None and now < self._next:
            return None
        self._next = now + self._every_s
        deleted: dict[str, int] = {}
        for sweep in self._sweeps:
            deleted |= sweep.sweep(now)
        if any(deleted.values()):
            log.info("retention deleted %s", {k: n for k, n in deleted.items() if n})
        if self._done is not None:
            self._done(deleted)
        return deleted

    def run_until(self, stop: threading.Event, poll_s: float = 60.0) -> None:
        """Run when due until ``stop`` is set (on a thread); a failed run is retried later."""
        while not stop.is_set():
            try:
                self.run_due()
            except Exception:  # a store that is down now may be back at the next run
                log.exception("retention failed; trying again at the next run")
            stop.wait(min(poll_s, self._every_s))
