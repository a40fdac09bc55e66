"""The writer thread: store each batch durably, then acknowledge it, then say it is stored.

Order matters for "nothing lost, nothing doubled": readings reach the store
(idempotent) before ingest's own state (dead letters, sequence numbers) is
committed, and both before each gateway gets its receipt (``…/acks``: delete these
batches from your outbox) and before any message of the batch is acknowledged to
the broker. A crash anywhere in between makes the broker redeliver or the gateway
re-send, and both are harmless.

Store writes run on one helper thread, in batch order, so the writer can encode
the next batch and acknowledge the previous one while a write waits on the store
(with InfluxDB that wait was half the writer's time). At most
:data:`IN_FLIGHT` batches are between the batcher and their acknowledgement.

The detectors do not wait for this: they hear each message as it is decoded
(:mod:`ingest.detecting`); the writer only tells them how far the store has got, so
their checkpoint never runs ahead of it.
"""

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

import msgspec
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential

from carewatch.clock import Clock
from carewatch.errors import BadData, RetryLater
from carewatch.protocol import Receipt, acks_topic, encode
from carewatch.protocol.messages import MAX_RECEIPT_SEQS
from carewatch.store import Store
from ingest.batcher import Ack, Batch, Batcher, HomeReadings
from ingest.dead_letters import FloodWatch
from ingest.metrics import IngestMetrics
from ingest.sink import Output
from ingest.state import DeadLetter, IngestState

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_S = 0.05  # how often an idle writer checks batch age and the sink's tick
IN_FLIGHT = 2  # batches taken and not yet acknowledged: one being stored, one encoded
STORE_TOPIC = "(store)"  # dead letters the store itself refused have no MQTT topic


@runtime_checkable
class GroupedStore(Protocol):
    """A store that takes wire readings grouped by home (both backends do)."""

    def write_grouped(self, groups: Sequence[HomeReadings]) -> None: ...


@runtime_checkable
class StagedStore(Protocol):
    """A store whose write can be encoded in one thread and sent from another (InfluxDB)."""

    def encode_grouped(self, groups: Sequence[HomeReadings]) -> bytes: ...

    def write_body(self, body: bytes) -> None: ...


class OutputSender(Protocol):
    """Where the sink's alerts and summaries go (:class:`ingest.deliveries.Deliveries`)."""

    def send(self, outputs: Sequence[Output]) -> None: ...

    def poll(self) -> None: ...


Pending = deque[tuple[Batch, "Future[DeadLetter | None]"]]


class Writer:
    """Drains the batcher into the store; run :meth:`run` on its own thread."""

    def __init__(
        self,
        *,
        store: Store,
        state_path: Path,
        batcher: Batcher,
        ack: Callable[[Ack], None],
        publish: Callable[[str, bytes], None],
        outputs: OutputSender,
        metrics: IngestMetrics,
        clock: Clock,
        retry_max_wait_s: float,
        flood_watch: FloodWatch | None = None,
        stored: Callable[[int], None] = lambda index: None,
    ) -> None:
        self._store = store
        self._state_path = state_path
        self._flood_watch = flood_watch  # bounds the dead letters kept, reports drops
        self._batcher = batcher
        self._stored = stored  # every message up to this number is durable
        self._ack = ack
        self._publish = publish
        self._outputs = outputs
        self._metrics = metrics
        self._clock = clock
        self._retry_max_wait_s = retry_max_wait_s
        self.closing = threading.Event()  # flush what is buffered, then return
        self.abort = threading.Event()  # give up retrying: leave the rest to redelivery
        self.store_ok = True
        self.failed = False  # an unexpected error ended the writer: ingest must stop

    def run(self) -> None:
        """Write batches until closing and drained, or aborted."""
        state = IngestState(self._state_path, self._flood_watch)
        # One worker: writes reach the store in the order the batches were taken.
        storing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-store")
        pending: Pending = deque()
        try:
            while not self.abort.is_set():
                if len(pending) < IN_FLIGHT:
                    batch = self._batcher.take(timeout=0 if pending else POLL_S)
                    if batch is not None:
                        pending.append((batch, storing.submit(self._storing(batch))))
                        continue
                if pending:
                    self._finish_oldest(pending, state)
                self._outputs.poll()  # alerts and summaries the API has not confirmed for a while
                if self.closing.is_set() and not pending and self._batcher.empty():
                    return
        except RetryLater:
            log.warning("stopped while the store was down; unwritten messages stay with the broker")
        except Exception:
            log.exception("the writer failed; nothing more is acknowledged")
            self.failed = True
            self.abort.set()  # a write still in flight must stop retrying so we can return
        finally:
            storing.shutdown(wait=True, cancel_futures=True)
            state.close()

    def _storing(self, batch: Batch) -> Callable[[], DeadLetter | None]:
        """The store write of ``batch``, to run on the storing thread; encoded here first."""
        if not batch.count:
            return lambda: None
        store = self._store
        try:
            if isinstance(store, StagedStore):
                send = partial(store.write_body, store.encode_grouped(batch.readings))
            elif isinstance(store, GroupedStore):
                send = partial(store.write_grouped, batch.readings)
            else:
                send = partial(store.write, batch.records)
        except BadData as error:  # the store refuses an id the protocol accepted
            refused = self._refused(batch, error)
            return lambda: refused
        return partial(self._retrying, partial(self._write_records, batch, send))

    def _finish_oldest(self, pending: Pending, state: IngestState) -> None:
        """Once the oldest batch is stored: commit our state, acknowledge, say so."""
        batch, stored = pending[0]
        try:
            refused = stored.result(timeout=POLL_S)
        except TimeoutError:
            return  # still being written; meanwhile keep ticking
        pending.popleft()
        dead_letters = batch.dead_letters if refused is None else [*batch.dead_letters, refused]
        self._retrying(lambda: _commit(state, dead_letters, batch))
        self._confirm(batch)  # queued before the broker acks: a crash between redelivers
        for ack in batch.acks:
            self._ack(ack)
        self._batcher.done(batch)
        self._account(batch, len(dead_letters))
        self._stored(batch.last_index)

    def _confirm(self, batch: Batch) -> None:
        """Tell each gateway which of its messages are durable (its outbox deletes them)."""
        for (home, gateway), seqs in batch.receipts.items():
            unique = sorted(set(seqs))
            for start in range(0, len(unique), MAX_RECEIPT_SEQS):
                chunk = unique[start : start + MAX_RECEIPT_SEQS]
                self._publish(acks_topic(home, gateway), encode(Receipt(gateway, chunk)))

    def _write_records(self, batch: Batch, send: Callable[[], None]) -> DeadLetter | None:
        started = time.perf_counter()
        try:
            send()
        except BadData as error:  # the store refuses what the protocol accepted: keep it aside
            return self._refused(batch, error)
        self._metrics.batch_write_seconds.observe(time.perf_counter() - started)
        return None

    def _refused(self, batch: Batch, error: BadData) -> DeadLetter:
        log.error("store refused a batch of %d readings: %s", batch.count, error)
        payload = msgspec.json.encode(batch.records)
        return DeadLetter(STORE_TOPIC, payload, f"store refused: {error}", self._clock())

    def _retrying(self, operation: Callable[[], T]) -> T:
        """Run ``operation`` until it stops raising RetryLater (or we abort)."""
        retrying = Retrying(
            retry=retry_if_exception_type(RetryLater),
            wait=wait_exponential(multiplier=0.05, max=self._retry_max_wait_s),
            stop=self._aborted,
            sleep=self._pause,
            before_sleep=self._failed,
            reraise=True,
        )
        result = retrying(operation)
        if not self.store_ok:
            log.info("store is back")
        self.store_ok = True
        self._metrics.store_up.set(1)
        return result

    def _aborted(self, _: RetryCallState) -> bool:
        return self.abort.is_set()

    def _pause(self, seconds: float) -> None:
        self.abort.wait(seconds)

    def _failed(self, retry_state: RetryCallState) -> None:
        self._metrics.store_errors.inc()
        self._metrics.store_up.set(0)
        if self.store_ok:
            error = retry_state.outcome.exception() if retry_state.outcome else None
            log.warning("store unavailable, holding the batch and retrying: %s", error)
        self.store_ok = False

    def _account(self, batch: Batch, dead_letters: int) -> None:
        self._metrics.readings_written.inc(batch.count)
        self._metrics.dead_letters.inc(dead_letters)
        now = self._clock()
        for ts in batch.newest_ts:
            self._metrics.lag_seconds.observe(max(0.0, now - ts))


def _commit(state: IngestState, dead_letters: list[DeadLetter], batch: Batch) -> None:
    try:
        state.commit(dead_letters, batch.sequences)
    except sqlite3.OperationalError as error:  # disk full, file locked: may pass
        raise RetryLater(f"ingest state file: {error}") from error
