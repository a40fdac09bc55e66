"""The detectors run inside ingest: alerts reach MQTT, learning survives a restart."""

from collections.abc import Iterator
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
from carewatch.records import ReadingRecord
from carewatch.store import Store
from carewatch.store.factory import open_store
from detectors import Engine
from ingest.detector_sink import DetectorSink
from tests.ingest.helpers import Publisher, Subscriber, running, settings_for, wait_until
from tests.servers import Mosquitto

T0 = 1_767_571_200.0  # 2026-01-05 00:00 UTC


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    yield store
    store.close()


def racing_heart(start: float, seconds: int, bpm: float = 175.0) -> list[Reading]:
    return [
        Reading(sensor="hr-wrist", kind=Kind.HEART_RATE, ts=start + i, value=bpm, resident="r-1")
        for i in range(seconds)
    ]


def test_alert_raised_inside_ingest_is_published_for_the_home(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    subscriber = Subscriber(mosquitto.port, ALERTS_SUBSCRIPTION)
    publisher = Publisher(mosquitto.port)
    sink = DetectorSink(Engine())
    with running(settings_for(mosquitto.url, tmp_path), store, sink=sink):
        readings = racing_heart(T0, 300)
        for seq, start in enumerate(range(0, 300, 100)):
            batch = ReadingsBatch(
                gateway="gw-1", seq=seq, sent=T0 + 300, readings=readings[start : start + 100]
            )
            publisher.publish(readings_topic("home-7", "gw-1"), encode(batch))
        publisher.flush()
        wait_until(lambda: subscriber.received, what="an alert on carewatch/v1/home-7/alerts")
    subscriber.close()
    publisher.close()
    topic, payload = subscriber.received[0]
    alert = decode(payload, Alert)
    assert topic == "carewatch/v1/home-7/alerts"
    assert alert.kind is AlertKind.STRESS
    assert alert.home == "home-7"
    assert "175 bpm" in alert.explanation
    assert len(subscriber.received) == 1  # one alert per episode, not one per reading


def test_checkpoint_restores_learning_after_restart(tmp_path: Path) -> None:
    checkpoint = tmp_path / "detectors.ckpt"
    clock = ManualClock(T0)
    sink = DetectorSink.resume(checkpoint, checkpoint_every_s=60)
    sink.readings(
        [ReadingRecord("home-1", "bed-1", Kind.BED, T0 + i * 3_600, float(i % 2)) for i in range(6)]
    )
    assert sink.due_snapshot(clock()) is None  # the first tick starts the interval
    clock.advance(59)
    assert sink.due_snapshot(clock()) is None  # not yet due
    clock.advance(2)
    snapshot = sink.due_snapshot(clock())
    assert snapshot is not None and not checkpoint.exists()  # ingest writes it, once stored
    sink.write_snapshot(snapshot)

    restored = DetectorSink.resume(checkpoint)
    assert restored.engine.homes() == ["home-1"]
    # compared once both are restored: pickle shares equal strings only within one object graph
    assert restored.engine.to_bytes() == Engine.from_bytes(sink.engine.to_bytes()).to_bytes()


def test_event_time_ticks_use_the_newest_reading_not_the_wall_clock(tmp_path: Path) -> None:
    wall = DetectorSink(Engine())
    replay = DetectorSink(Engine(), event_time=True)
    for sink in (wall, replay):
        sink.readings([ReadingRecord("home-1", "motion-1", Kind.MOTION, T0, 1.0)])
    # A month of wall-clock silence would be news only if it were event time.
    far_future = T0 + 30 * 86_400
    assert replay.tick(far_future) == []
    assert any(isinstance(o, Alert) for o in wall.tick(far_future))


def test_event_time_waits_for_the_slowest_home() -> None:
    sink = DetectorSink(Engine(), event_time=True)
    # Three days of both homes reporting every 10 minutes: health checks are live.
    history = [
        ReadingRecord(home, "motion-1", Kind.MOTION, T0 + i * 600, 1.0)
        for i in range(3 * 144)
        for home in ("home-1", "home-2")
    ]
    sink.readings(history)
    sink.tick(T0 + 3 * 86_400)
    # home-2's batches race six hours ahead; home-1's are still in flight.
    ahead = T0 + 3 * 86_400 + 6 * 3_600
    sink.readings([ReadingRecord("home-2", "motion-1", Kind.MOTION, ahead, 1.0)])
    assert sink.tick(ahead + 60) == []
