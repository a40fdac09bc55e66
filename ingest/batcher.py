"""Batches of decoded messages between the MQTT thread and the store writer.

The MQTT thread adds what each message carries (readings, a status, a dead
letter, and always its acknowledgement); the writer takes sealed batches. A
batch is sealed when it holds ``size`` readings or is ``max_age_s`` old by the
injected clock. Once ``limit`` readings, or ``dead_letter_bytes`` of dead letters
(a gateway flooding junk), wait in memory (the store is down or slow),
:meth:`Batcher.add` blocks the MQTT thread: the broker then queues messages for us
instead, which is the backpressure.
"""

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from carewatch.clock import Clock
from carewatch.protocol import GatewayStatus, Reading
from carewatch.records import ReadingRecord
from ingest.sequences import GatewayKey, SequenceState
from ingest.state import DeadLetter

HomeReadings = tuple[str, Sequence[Reading]]
"""One message's readings as decoded, with the home they came from."""


class Ack(NamedTuple):
    """An MQTT message to acknowledge, from connection ``generation``."""

    generation: int
    mid: int
    qos: int


class StatusEvent(NamedTuple):
    """A gateway status message for the sink."""

    home: str
    status: GatewayStatus
    received_at: float


@dataclass
class Batch:
    """Everything to make durable, then acknowledge, together."""

    opened_at: float
    last_index: int = 0  # the batcher's number of the newest message in this batch
    readings: list[HomeReadings] = field(default_factory=list)
    count: int = 0  # readings in ``readings``
    acks: list[Ack] = field(default_factory=list)
    newest_ts: list[float] = field(default_factory=list)  # per readings message, for lag
    dead_letters: list[DeadLetter] = field(default_factory=list)
    dead_bytes: int = 0  # sizes of ``dead_letters``
    sequences: dict[GatewayKey, SequenceState] = field(default_factory=dict)
    receipts: dict[GatewayKey, list[int]] = field(default_factory=dict)  # seqs to confirm

    @property
    def records(self) -> list[ReadingRecord]:
        """The readings as records, built on demand (stores take the wire readings)."""
        return [
            ReadingRecord(home, r.sensor, r.kind, r.ts, r.value, r.resident)
            for home, readings in self.readings
            for r in readings
        ]


class Batcher:
    """Size- and age-bounded batches with a bounded buffer, shared by two threads.

    Examples
    --------
    >>> from carewatch.clock import ManualClock
    >>> clock = ManualClock(0.0)
    >>> batcher = Batcher(size=2, max_age_s=1.0, limit=10, clock=clock)
    >>> batcher.add(ack=Ack(0, 1, 1))
    1
    >>> batcher.take(timeout=0) is None  # neither full nor old yet
    True
    >>> clock.advance(1.0)
    >>> batcher.take(timeout=0).acks
    [Ack(generation=0, mid=1, qos=1)]
    """

    def __init__(
        self,
        size: int,
        max_age_s: float,
        limit: int,
        clock: Clock,
        dead_letter_bytes: int = 16 * 2**20,
    ) -> None:
        self._size = size
        self._max_age_s = max_age_s
        self._limit = max(limit, size)
        self._dead_limit = dead_letter_bytes
        self._dead_bytes = 0  # dead letters' bytes added and not yet done
        self._clock = clock
        self._open: Batch | None = None
        self._sealed: deque[Batch] = deque()
        self._buffered = 0  # readings added and not yet done
        self._added = 0  # messages added so far: each one's number (see ``Batch.last_index``)
        self._closed = False
        self._changed = threading.Condition()

    @property
    def depth(self) -> int:
        """Readings held in memory, not yet written."""
        return self._buffered

    def add(
        self,
        *,
        ack: Ack | None = None,
        readings: HomeReadings | None = None,
        sequence: tuple[GatewayKey, SequenceState] | None = None,
        receipt: tuple[GatewayKey, int] | None = None,
        dead_letter: DeadLetter | None = None,
    ) -> int:
        """Add one message's worth and return its number; blocks while the buffer is full.

        Numbers count up from 1 in the order messages are added, so "every message up
        to ``n`` is stored" is one number (the detector thread's checkpoint waits on it).
        """
        with self._changed:
            batch = self._open
            if batch is None:
                batch = self._open = Batch(self._clock())
            self._added += 1
            batch.last_index = index = self._added
            if readings is not None and readings[1]:
                batch.readings.append(readings)
                batch.newest_ts.append(readings[1][-1].ts)
                batch.count += len(readings[1])
                self._buffered += len(readings[1])
            if ack is not None:
                batch.acks.append(ack)
            if sequence is not None:
                batch.sequences[sequence[0]] = sequence[1]
            if receipt is not None:
                batch.receipts.setdefault(receipt[0], []).append(receipt[1])
            if dead_letter is not None:
                batch.dead_letters.append(dead_letter)
                batch.dead_bytes += dead_letter.size
                self._dead_bytes += dead_letter.size
            if batch.count >= self._size or batch.dead_bytes >= self._dead_limit // 2:
                self._seal()
            if self._full():
                self._seal()  # so the writer can drain everything we hold
                self._changed.wait_for(lambda: not self._full() or self._closed)
            return index

    def take(self, timeout: float) -> Batch | None:
        """The next sealed batch (sealing the open one if old enough), or ``None``."""
        with self._changed:
            if not self._sealed:
                self._seal_if_due()
            if not self._sealed and timeout > 0:
                self._changed.wait(timeout)
                self._seal_if_due()
            return self._sealed.popleft() if self._sealed else None

    def done(self, batch: Batch) -> None:
        """The writer has made ``batch`` durable: room for more."""
        with self._changed:
            self._buffered -= batch.count
            self._dead_bytes -= batch.dead_bytes
            self._changed.notify_all()

    def close(self) -> None:
        """Stop blocking producers; seal what is open so it can be flushed."""
        with self._changed:
            self._closed = True
            self._seal()
            self._changed.notify_all()

    def empty(self) -> bool:
        """Nothing open or sealed is waiting."""
        with self._changed:
            return self._open is None and not self._sealed

    def _full(self) -> bool:
        return self._buffered >= self._limit or self._dead_bytes >= self._dead_limit

    def _seal_if_due(self) -> None:
        batch = self._open
        if batch is not None and (
            self._closed or self._clock() - batch.opened_at >= self._max_age_s
        ):
            self._seal()

    def _seal(self) -> None:
        if self._open is not None:
            self._sealed.append(self._open)
            self._open = None
            self._changed.notify_all()
