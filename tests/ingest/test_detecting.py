"""Alerts do not wait for storage batching; checkpoints never run ahead of the store."""

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from carewatch.clock import ManualClock
from carewatch.protocol import (
    ALERTS_SUBSCRIPTION,
    Alert,
    AlertKind,
    Kind,
    Reading,
    ReadingsBatch,
    decode,
    encode,
    readings_topic,
)
from carewatch.store.sqlite import SQLiteStore
from detectors import Engine
from ingest.batcher import HomeReadings
from ingest.detecting import DetectorThread
from ingest.detector_sink import DetectorSink
from ingest.metrics import IngestMetrics
from ingest.sink import Output
from tests.ingest.helpers import Publisher, Subscriber, running, settings_for, wait_until
from tests.servers import Mosquitto

T0 = 1_767_571_200.0  # 2026-01-05 00:00 UTC
HOME = "home-7"


class GatedStore(SQLiteStore):
    """A real SQLite store whose writes wait until the test opens the gate."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.gate = threading.Event()
        self.writing = threading.Event()

    def write_grouped(self, groups: Sequence[HomeReadings]) -> None:
        self.writing.set()
        assert self.gate.wait(30)
        super().write_grouped(groups)


class WatchedSink(DetectorSink):
    """The real detector sink, noting whether the store held everything at each checkpoint."""

    def __init__(self, store: GatedStore, path: Path) -> None:
        super().__init__(Engine(), checkpoint_path=path, checkpoint_every_s=10)
        self.store = store
        self.written_while_storing: list[bool] = []
        self.snapshot_taken = threading.Event()
        self.checked = threading.Event()  # a tick has asked whether a checkpoint is due

    def due_snapshot(self, now: float) -> bytes | None:
        data = super().due_snapshot(now)
        self.checked.set()
        if data is not None:
            self.snapshot_taken.set()
        return data

    def write_snapshot(self, data: bytes) -> None:
        self.written_while_storing.append(not self.store.gate.is_set())
        super().write_snapshot(data)


class Sent:
    """Outputs the detector thread sends (stands in for the deliveries table)."""

    def __init__(self) -> None:
        self.outputs: list[Output] = []

    def send(self, outputs: Sequence[Output]) -> None:
        self.outputs.extend(outputs)

    def poll(self) -> None:
        pass


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GatedStore]:
    store = GatedStore(tmp_path / "readings.db")
    yield store
    store.gate.set()
    store.close()


def racing_heart(seq: int) -> bytes:
    readings = [
        Reading("hr-wrist", Kind.HEART_RATE, T0 + seq * 100 + i, 175.0, resident="r-1")
        for i in range(100)
    ]
    return encode(ReadingsBatch(gateway="gw-1", seq=seq, sent=T0 + 300, readings=readings))


def test_the_alert_is_published_while_its_readings_wait_for_the_store(
    mosquitto: Mosquitto, store: GatedStore, tmp_path: Path
) -> None:
    clock = ManualClock(T0 + 1_000)
    checkpoint = tmp_path / "detectors.ckpt"
    sink = WatchedSink(store, checkpoint)
    settings = settings_for(mosquitto.url, tmp_path, batch_max_age_s=30, tick_interval_s=10)
    alerts = Subscriber(mosquitto.port, ALERTS_SUBSCRIPTION)
    publisher = Publisher(mosquitto.port)
    with running(settings, store, sink=sink, clock=clock):
        for seq in range(3):
            publisher.publish(readings_topic(HOME, "gw-1"), racing_heart(seq))
        publisher.flush()
        wait_until(lambda: alerts.received, what="the alert, with no batch sealed yet")
        assert not store.writing.is_set()  # the batch is 30 s from sealing by its clock
        assert store.query(HOME, Kind.HEART_RATE, 0, 2e9) == []

        clock.advance(31)  # the batch seals; its write waits at the gate; the first tick
        wait_until(store.writing.is_set, what="the store write")
        wait_until(sink.checked.is_set, what="the first tick (it starts the checkpoint clock)")
        clock.advance(11)  # a checkpoint is due, but the store does not hold its readings
        wait_until(sink.snapshot_taken.is_set, what="the checkpoint's snapshot")
        store.gate.set()
        wait_until(checkpoint.exists, what="the checkpoint, once the readings are stored")
    alerts.close()
    publisher.close()
    assert decode(alerts.received[0][1], Alert).kind is AlertKind.STRESS
    assert len(alerts.received) == 1
    assert sink.written_while_storing and not any(sink.written_while_storing)
    assert len(store.query(HOME, Kind.HEART_RATE, 0, 2e9)) == 300


def heard(thread: DetectorThread, index: int) -> None:
    readings = [Reading("pir-1", Kind.MOTION, T0 + index * 60, 1.0)]
    thread.readings(index, HOME, readings)


def test_closing_checkpoints_only_what_the_store_holds(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    path = tmp_path / "detectors.ckpt"

    behind = DetectorThread(
        DetectorSink(Engine(), checkpoint_path=path), Sent(), IngestMetrics(), clock, 60
    )
    heard(behind, 1)
    heard(behind, 2)
    behind.stored(1)  # message 2 was heard, not stored: the broker will redeliver it
    behind.closing.set()
    behind.run()
    assert not path.exists()

    caught_up = DetectorThread(
        DetectorSink(Engine(), checkpoint_path=path), Sent(), IngestMetrics(), clock, 60
    )
    heard(caught_up, 1)
    heard(caught_up, 2)
    caught_up.stored(2)
    caught_up.closing.set()
    caught_up.run()
    assert not caught_up.failed
    restored = DetectorSink.resume(path)
    assert restored.engine.homes() == [HOME]
