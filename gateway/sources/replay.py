"""Replay a JSON Lines readings file (``carewatch.records`` format) through the gateway.

Useful for recorded data and for deterministic tests: readings are emitted in file
order, paced by their ``ts`` divided by ``speed`` (``speed = 0``: no pacing), and
after a restart the replay resumes after the last reading already in the outbox.

``[source.file]`` options: ``path``, ``speed`` (default 1.0).
"""

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Protocol

import msgspec

from carewatch.clock import Clock
from carewatch.errors import ConfigError
from carewatch.protocol import Reading
from carewatch.records import ReadingRecord, read_readings
from gateway.config import Section, parse_section
from gateway.sources.base import Sink, SourceContext


class FileOptions(Section):
    """``[source.file]``."""

    path: str
    speed: Annotated[float, msgspec.Meta(ge=0)] = 1.0


class PacedReplay:
    """Emit records in order, paced by their timestamps, skipping what was already stored.

    With ``clock``, a reading is held until the clock reaches its ``ts``: an
    accelerated replay catches up with the present and then runs in real time.

    Examples
    --------
    >>> from carewatch.protocol import Kind
    >>> hr = Kind.HEART_RATE
    >>> records = [ReadingRecord("h-1", "hr-1", hr, 1e9 + i, 70.0 + i) for i in range(3)]
    >>> class Collect(list):
    ...     def reading(self, r): self.append(r.value)
    >>> sink = Collect()
    >>> PacedReplay("file", records, speed=0, resume={"hr-1": 1e9}).run(sink, threading.Event())
    >>> sink
    [71.0, 72.0]
    """

    def __init__(
        self,
        name: str,
        records: Iterable[ReadingRecord],
        *,
        speed: float,
        resume: Mapping[str, float],
        clock: Clock | None = None,
    ) -> None:
        self.name = name
        self._records = records
        self._speed = speed
        self._resume = dict(resume)
        self._clock = clock  # when given, never emit a reading measured in the future

    def run(self, sink: Sink, stop: threading.Event) -> None:
        """Emit until the records end or ``stop`` is set."""
        previous: float | None = None
        for record in self._records:
            if stop.is_set():
                return
            if record.ts <= self._resume.get(record.sensor, float("-inf")):
                continue
            gap = 0.0 if previous is None or self._speed == 0 else record.ts - previous
            if gap > 0 and stop.wait(gap / self._speed):
                return
            previous = record.ts
            if self._clock is not None and stop.wait(max(0.0, record.ts - self._clock())):
                return
            sink.reading(
                Reading(record.sensor, record.kind, record.ts, record.value, record.resident)
            )


class Playable(Protocol):
    """What :class:`ThreadedSource` runs: a named ``run(sink, stop)``."""

    name: str

    def run(self, sink: Sink, stop: threading.Event) -> None:
        """Play into ``sink`` until done or ``stop`` is set."""


class ThreadedSource:
    """Runs a :class:`PacedReplay` (or anything with ``run(sink, stop)``) in a thread."""

    def __init__(self, replay: Playable) -> None:
        self.name = replay.name
        self._replay = replay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, sink: Sink) -> None:
        """Start replaying in a daemon thread."""
        self._thread = threading.Thread(
            target=self._replay.run, args=(sink, self._stop), name=self.name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the replay to finish (tests)."""
        if self._thread is not None:
            self._thread.join(timeout)


def build(options: Mapping[str, Any], context: SourceContext) -> ThreadedSource:
    """Factory for ``[source.file]``."""
    opts = parse_section(FileOptions, options, context.file, "source.file")
    path = Path(opts.path)
    if not path.is_file():
        raise ConfigError(f"{context.file}: [source.file].path: no such file {path}")
    records = (r for r in read_readings(path) if r.home == context.home)
    return ThreadedSource(PacedReplay("file", records, speed=opts.speed, resume=context.resume))
