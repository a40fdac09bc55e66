"""The time-series store contract that every backend meets.

Backends: :mod:`carewatch.store.sqlite` (embedded default) and
:mod:`carewatch.store.influx` (InfluxDB through its v1-compatible HTTP API).
Both pass the same contract tests in ``tests/carewatch/store/``.
"""

from collections.abc import Collection, Sequence
from enum import StrEnum
from typing import Protocol

import msgspec

from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord


class Window(StrEnum):
    """Aggregation window; days are cut at midnight in the home's time zone."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"


class WindowAggregate(msgspec.Struct, frozen=True):
    """Statistics of one kind's values over one window starting at ``start`` (epoch s)."""

    start: float
    count: int
    sum: float
    mean: float
    min: float
    max: float


class SensorSeen(msgspec.Struct, frozen=True):
    """A sensor the store has readings from, and when it last reported."""

    home: str
    sensor: str
    kind: Kind
    last_seen: float


class Store(Protocol):
    """Where readings live. Failures are :class:`carewatch.errors.RetryLater`
    (store unreachable: keep the data, try again) or
    :class:`carewatch.errors.BadData` (the request itself is wrong)."""

    def write(self, readings: Sequence[ReadingRecord]) -> None:
        """Store a batch durably; a reading already stored (same home, sensor, kind,
        ts) is stored once, and writing it again keeps the latest value (so a
        redelivered batch changes nothing). ``ts`` is kept to the microsecond.
        Retries briefly with backoff inside, then raises RetryLater so the caller
        keeps the batch and applies backpressure."""

    def query(
        self,
        home: str,
        kind: Kind,
        start: float,
        end: float,
        *,
        sensors: Collection[str] | None = None,
    ) -> list[ReadingRecord]:
        """One home's readings of ``kind`` with ``start <= ts < end``, oldest first;
        only from ``sensors`` when given (one resident's view of a shared home)."""

    def aggregate(
        self,
        home: str,
        kind: Kind,
        start: float,
        end: float,
        window: Window,
        tz: str = "UTC",
        *,
        sensors: Collection[str] | None = None,
    ) -> list[WindowAggregate]:
        """Per-window statistics over ``[start, end)``; empty windows are left out.
        Only readings from ``sensors`` count when given."""

    def sensors(self, home: str | None = None) -> list[SensorSeen]:
        """Every sensor seen (in one home, or all), with its last reading time."""

    def delete_before(self, cutoff: float, kind: Kind | None = None) -> int:
        """Delete readings with ``ts < cutoff`` (retention), only of ``kind`` when given;
        returns how many went."""

    def close(self) -> None:
        """Release connections and files."""
