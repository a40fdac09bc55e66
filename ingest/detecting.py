"""The detector thread: readings reach the sink as they are decoded, not once stored.

Storage is batched (up to ``batch_max_age_s``, 1 s by default) and alerts must not wait
for that, so paho's thread hands each accepted message to this thread as well as to
the batcher, and the sink hears it at once. Everything the sink returns is kept in
ingest's state file until the API's receipt (:class:`ingest.deliveries.Deliveries`),
as before. The sink thus runs ahead of the store, so its checkpoint must not: a
snapshot taken after message *n* is written only once the writer reports message *n*
stored. A crash then restarts the sink from a state the store agrees with, and the
broker redelivers (to store and sink alike) whatever was not acknowledged.

Every ``FREEZE_EVERY_S`` the young garbage is collected and what survives is frozen
(``gc.freeze``): the homes' state is long-lived, and a full collection walking 10 000
homes' objects paused this thread for over a second (decision D104).
"""

import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from carewatch.clock import Clock
from carewatch.protocol import AlertKind, Kind, Reading
from carewatch.records import ReadingRecord
from ingest.batcher import StatusEvent
from ingest.metrics import IngestMetrics
from ingest.sink import Checkpointed, ConsentAware, Output, Sink, Tunable
from ingest.writer import OutputSender

log = logging.getLogger(__name__)

POLL_S = 0.05  # how often an idle detector thread checks its tick and a waiting checkpoint
FREEZE_EVERY_S = 10.0  # long-lived state leaves the collector's sight this often
QUEUE_MESSAGES = 4_000  # messages ahead of the sink before paho's thread waits (backpressure)


class Withholding(NamedTuple):
    """Ingest stops collecting ``kinds`` in ``home`` (the consent policy changed)."""

    home: str
    kinds: frozenset[Kind]


class Tuning(NamedTuple):
    """Carers' feedback made ``home``'s detectors ``steps`` stricter (the policy changed)."""

    home: str
    steps: Mapping[AlertKind, int]


Item = tuple[int, str, Sequence[Reading]] | tuple[int, StatusEvent | Withholding | Tuning]


class DetectorThread:
    """Feeds the sink message by message; run :meth:`run` on its own thread."""

    def __init__(
        self,
        sink: Sink,
        outputs: OutputSender,
        metrics: IngestMetrics,
        clock: Clock,
        tick_interval_s: float,
    ) -> None:
        self._sink = sink
        self._outputs = outputs
        self._metrics = metrics
        self._clock = clock
        self._tick_interval_s = tick_interval_s
        self._last_tick = clock()
        self._last_freeze = time.monotonic()  # the process's collector, not event time
        self._queue: queue.Queue[Item] = queue.Queue(QUEUE_MESSAGES)
        self._heard = 0  # the last message index the sink has heard
        self._stored = 0  # the last message index the writer has made durable
        self._snapshot: tuple[int, bytes] | None = None  # waiting for its messages to be stored
        self.closing = threading.Event()  # drain what is queued, checkpoint, return
        self._done = threading.Event()  # run has returned: nothing takes from the queue
        self.sink_ok = True  # False after the sink raised, until it works again
        self.failed = False

    def readings(self, index: int, home: str, readings: Sequence[Reading]) -> None:
        """Message ``index`` (the batcher's number) brought these readings; may block."""
        self._put((index, home, readings))

    def status(self, index: int, event: StatusEvent) -> None:
        """Message ``index`` was a gateway's status."""
        self._put((index, event))

    def withhold(self, home: str, kinds: frozenset[Kind]) -> None:
        """Ingest collects no more ``kinds`` in ``home`` (not a message: no index)."""
        self._put((0, Withholding(home, kinds)))

    def tune(self, home: str, steps: Mapping[AlertKind, int]) -> None:
        """``home``'s detectors are ``steps`` stricter from now (not a message: no index)."""
        self._put((0, Tuning(home, steps)))

    def stored(self, index: int) -> None:
        """Every message up to ``index`` is durable (called from the writer thread)."""
        self._stored = index

    def run(self) -> None:
        """Feed the sink until closing and drained."""
        try:
            while True:
                try:
                    item = self._queue.get(timeout=POLL_S)
                except queue.Empty:
                    if self.closing.is_set():
                        break
                else:
                    self._hear(item)
                self._tick()
                self._freeze()
            self._last_checkpoint()
        except Exception:
            log.exception("the detector thread failed; alerts stop until ingest restarts")
            self.failed = True
        finally:
            self._done.set()

    def _put(self, item: Item) -> None:
        while not self._done.is_set():
            try:
                self._queue.put(item, timeout=POLL_S)
                return
            except queue.Full:
                continue
        # The thread is gone (closing, or failed): the message is not acknowledged after
        # closing, so the broker redelivers it to the next session, which hears it then.

    def _hear(self, item: Item) -> None:
        if len(item) == 3:
            index, home, readings = item
            records = [
                ReadingRecord(home, r.sensor, r.kind, r.ts, r.value, r.resident) for r in readings
            ]
            self._emit(lambda: self._sink.readings(records))
        else:
            index, event = item
            if isinstance(event, Withholding):
                if isinstance(self._sink, ConsentAware):
                    self._sink.withhold(*event)
                return  # not a message: what has been heard is unchanged
            if isinstance(event, Tuning):
                if isinstance(self._sink, Tunable):
                    self._sink.tune(*event)
                return
            self._emit(lambda: self._sink.status(*event))
        self._heard = index

    def _tick(self) -> None:
        now = self._clock()
        if now - self._last_tick >= self._tick_interval_s:
            self._last_tick = now
            self._emit(lambda: self._sink.tick(now))
            if self._snapshot is None and isinstance(self._sink, Checkpointed):
                data = self._sink.due_snapshot(now)
                self._snapshot = None if data is None else (self._heard, data)
        self._write_if_stored()

    def _freeze(self) -> None:
        now = time.monotonic()
        if now - self._last_freeze >= FREEZE_EVERY_S:
            self._last_freeze = now
            gc.collect(1)  # what is garbage already is not frozen with the rest
            gc.freeze()

    def _write_if_stored(self) -> None:
        if self._snapshot is not None and self._snapshot[0] <= self._stored:
            assert isinstance(self._sink, Checkpointed)
            self._sink.write_snapshot(self._snapshot[1])
            self._snapshot = None

    def _last_checkpoint(self) -> None:
        """On closing: the newest snapshot whose readings are all stored."""
        if isinstance(self._sink, Checkpointed) and self._heard <= self._stored:
            data = self._sink.snapshot()
            self._snapshot = None if data is None else (self._heard, data)
        self._write_if_stored()

    def _emit(self, produce: Callable[[], Sequence[Output]]) -> None:
        try:
            outputs = produce()
        except Exception:  # a faulty sink must not stop storing readings…
            log.exception("the sink failed; readings are stored, its outputs are lost")
            self._metrics.sink_failures.inc()
            self.sink_ok = False  # …but no alert may go missing unnoticed: /health says so
            return
        self.sink_ok = True
        if outputs:
            self._outputs.send(outputs)  # kept in the state file until the API confirms
