"""The writer pipeline: writes in batch order, acks in arrival order, refusals kept."""

import threading
from collections.abc import Sequence
from pathlib import Path

from carewatch.clock import system_clock
from carewatch.errors import BadData
from carewatch.protocol import Kind, Reading
from carewatch.store.sqlite import SQLiteStore
from ingest.batcher import Ack, Batcher, HomeReadings
from ingest.metrics import IngestMetrics
from ingest.sink import Output
from ingest.state import IngestState
from ingest.writer import Writer


class GatedStore(SQLiteStore):
    """A real SQLite store whose first write waits for a gate, and which refuses one home."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.gate = threading.Event()
        self.first_write_started = threading.Event()
        self.order: list[str] = []

    def write_grouped(self, groups: Sequence[HomeReadings]) -> None:
        homes = [home for home, _ in groups]
        if not self.first_write_started.is_set():
            self.first_write_started.set()
            assert self.gate.wait(10)
        if "home-refused" in homes:
            raise BadData("series limit reached")
        self.order.extend(homes)
        super().write_grouped(groups)


class NoOutputs:
    """No sink here: nothing to send."""

    def send(self, outputs: Sequence[Output]) -> None:
        raise AssertionError(f"the writer sent {outputs}")

    def poll(self) -> None:
        pass


def readings(home: str, first_ts: float) -> HomeReadings:
    return home, [Reading("pir-1", Kind.MOTION, first_ts + i, 1.0) for i in range(10)]


def test_writes_land_in_batch_order_and_acks_follow_arrival_order(tmp_path: Path) -> None:
    store = GatedStore(tmp_path / "readings.db")
    batcher = Batcher(size=10, max_age_s=60, limit=1_000, clock=system_clock)
    acked: list[int] = []
    stored: list[int] = []
    writer = Writer(
        store=store, state_path=tmp_path / "state.db", batcher=batcher,
        ack=lambda ack: acked.append(ack.mid), publish=lambda topic, payload: None,
        outputs=NoOutputs(), metrics=IngestMetrics(), clock=system_clock,
        retry_max_wait_s=0.1, stored=stored.append,
    )  # fmt: skip
    thread = threading.Thread(target=writer.run)
    thread.start()
    try:
        batcher.add(ack=Ack(0, 1, 1), readings=readings("home-a", 1e9))  # sealed: 10 readings
        assert store.first_write_started.wait(10)
        # While the first write hangs, two more batches arrive; one the store will refuse.
        batcher.add(ack=Ack(0, 2, 1), readings=readings("home-refused", 1e9))
        batcher.add(ack=Ack(0, 3, 1), readings=readings("home-b", 1e9))
        assert acked == []  # nothing is acknowledged before its batch is durable
        store.gate.set()
        writer.closing.set()
        thread.join(10)
    finally:
        writer.abort.set()
        thread.join()
    assert not writer.failed
    assert store.order == ["home-a", "home-b"]
    assert acked == [1, 2, 3]
    assert stored == [1, 2, 3]  # the detectors are told how far the store got, batch by batch
    assert len(store.query("home-b", Kind.MOTION, 0, 2e9)) == 10
    state = IngestState(tmp_path / "state.db")
    try:
        (refused,) = state.dead_letters()
    finally:
        state.close()
    assert refused.reason == "store refused: series limit reached"
    assert b"home-refused" in refused.payload
    store.close()
