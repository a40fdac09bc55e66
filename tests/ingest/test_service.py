"""Ingest against a real Mosquitto and a real SQLite store."""

import json
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from carewatch.clock import ManualClock
from carewatch.protocol import (
    ALERTS_SUBSCRIPTION,
    SUMMARIES_SUBSCRIPTION,
    Alert,
    AlertKind,
    DailySummary,
    GatewayStatus,
    Kind,
    Severity,
    decode,
    encode,
    readings_topic,
    status_topic,
)
from carewatch.records import ReadingRecord
from carewatch.store import Store
from carewatch.store.factory import open_store
from ingest.sink import Output
from ingest.state import IngestState
from tests.ingest.helpers import (
    T0,
    Publisher,
    Subscriber,
    expected_records,
    metric,
    readings_message,
    running,
    settings_for,
    wait_until,
)
from tests.servers import Mosquitto

HOME = "home-1"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    yield store
    store.close()


def stored(store: Store, home: str = HOME) -> list[ReadingRecord]:
    return store.query(home, Kind.HEART_RATE, 0, 4e9)


def test_stores_valid_distinct_readings_and_dead_letters_the_rest(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    settings = settings_for(mosquitto.url, tmp_path)
    publisher = Publisher(mosquitto.port)
    good = [("gw-1", seq) for seq in range(30)] + [("gw-2", seq) for seq in range(30)]
    malformed = {
        "not JSON": (readings_topic(HOME, "gw-3"), b'{"gateway": "gw-3", "seq": '),
        "kind": (
            readings_topic(HOME, "gw-3"),
            readings_message("gw-3", 1).replace(b"heart_rate", b"heart_rat", 1),
        ),
        "outside 20..250": (
            readings_topic(HOME, "gw-3"),
            readings_message("gw-3", 2).replace(b'"value":60', b'"value":900', 1),
        ),
        "differs from topic gateway": (readings_topic(HOME, "gw-3"), readings_message("gw-9", 3)),
        "exceeds": (readings_topic(HOME, "gw-3"), b" " * (300 * 1024)),
        "must match [a-z0-9-]": (
            "carewatch/v1/Mrs-Smith/gw-3/readings",
            readings_message("gw-3", 4),
        ),
    }
    with running(settings, store) as service:
        for index, (gateway, seq) in enumerate(good):
            publisher.publish(readings_topic(HOME, gateway), readings_message(gateway, seq))
            if index % 10 == 5:  # re-sent batches: same seq, same readings
                publisher.publish(readings_topic(HOME, gateway), readings_message(gateway, seq))
        for topic, payload in malformed.values():
            publisher.publish(topic, payload)
        publisher.close()
        wait_until(lambda: metric(service, "carewatch_ingest_dead_letters_total") == 6)
        wait_until(lambda: metric(service, "carewatch_ingest_readings_written_total") == 3300)
        assert metric(service, "carewatch_ingest_duplicate_messages_total") == 6
        assert metric(service, "carewatch_ingest_missing_messages_total") == 0

    expected = sorted(
        (r for gateway, seq in good for r in expected_records(HOME, gateway, seq)),
        key=lambda r: (r.ts, r.sensor),
    )
    assert sorted(stored(store), key=lambda r: (r.ts, r.sensor)) == expected
    state = IngestState(settings.state_path)
    letters = state.dead_letters()
    state.close()
    assert len(letters) == len(malformed)
    by_payload = {letter.payload: letter for letter in letters}
    for reason_part, (topic, payload) in malformed.items():
        letter = by_payload[payload]
        assert letter.topic == topic
        assert reason_part in letter.reason


def test_gaps_and_duplicates_survive_a_restart(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    settings = settings_for(mosquitto.url, tmp_path)
    publisher = Publisher(mosquitto.port)
    topic = readings_topic(HOME, "gw-1")

    def written(service: object) -> float:
        return metric(service, "carewatch_ingest_readings_written_total")  # type: ignore[arg-type]

    with running(settings, store) as service:
        for seq in (0, 1, 2, 6, 4):  # 3..5 missing, then 4 arrives late
            publisher.publish(topic, readings_message("gw-1", seq))
        publisher.flush()
        wait_until(lambda: written(service) == 250)
        assert metric(service, "carewatch_ingest_missing_messages_total") == 3
        assert metric(service, "carewatch_ingest_late_messages_total") == 1
    with running(settings, store) as service:  # a restart remembers: 7 is no gap, 4 no news
        # (a duplicate is written again all the same: the store keeps it once)
        for seq in (7, 4, 3):
            publisher.publish(topic, readings_message("gw-1", seq))
        publisher.flush()
        wait_until(lambda: written(service) == 150)
        wait_until(lambda: metric(service, "carewatch_ingest_duplicate_messages_total") == 1)
        assert metric(service, "carewatch_ingest_missing_messages_total") == 0
        assert metric(service, "carewatch_ingest_late_messages_total") == 1
    publisher.close()
    assert len(stored(store)) == 7 * 50


def test_a_batch_waits_for_size_or_age_by_the_injected_clock(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    clock = ManualClock(T0 + 10_000)
    settings = settings_for(mosquitto.url, tmp_path, batch_size=5_000, batch_max_age_s=60)
    publisher = Publisher(mosquitto.port)
    with running(settings, store, clock=clock) as service:
        publisher.publish(readings_topic(HOME, "gw-1"), readings_message("gw-1", 0))
        publisher.flush()
        wait_until(lambda: metric(service, "carewatch_ingest_readings_received_total") == 50)
        assert service.health()[1]["buffer_depth"] == 50
        assert metric(service, "carewatch_ingest_readings_written_total") == 0
        clock.advance(60)
        wait_until(lambda: metric(service, "carewatch_ingest_readings_written_total") == 50)
        lag_count = metric(service, "carewatch_ingest_lag_seconds_count")
        assert lag_count == 1
    publisher.close()


def test_status_tracking_from_retained_status_and_will(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    settings = settings_for(mosquitto.url, tmp_path)
    online = encode(GatewayStatus(gateway="gw-1", state="online", tz="Europe/London"))
    offline = encode(GatewayStatus(gateway="gw-2", state="offline"))
    retained = Publisher(mosquitto.port, "retained")
    retained.publish(status_topic(HOME, "gw-1"), online, retain=True)
    retained.close()
    with running(settings, store) as service:  # retained status arrives on subscribe
        wait_until(lambda: service.gateways.by_state()["online"] == ["home-1/gw-1"])
        gateway = Publisher(
            mosquitto.port, "gw-2", topic=status_topic(HOME, "gw-2"), payload=offline,
            qos=1, retain=True,
        )  # fmt: skip
        gateway.publish(status_topic(HOME, "gw-2"), encode(GatewayStatus("gw-2", "online")), True)
        gateway.flush()
        wait_until(lambda: service.gateways.by_state()["online"] == ["home-1/gw-1", "home-1/gw-2"])
        gateway.kill()  # no DISCONNECT: the broker publishes the will
        wait_until(lambda: service.gateways.by_state()["offline"] == ["home-1/gw-2"])
        status = service.gateways.get((HOME, "gw-1"))
        assert status is not None and status.status.tz == "Europe/London"
        assert metric(service, "carewatch_ingest_gateways", state="offline") == 1

        port = service.http_port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as response:
            health = json.load(response)
        assert health["healthy"] is True
        assert health["broker_connected"] is True and health["store_ok"] is True
        assert health["gateways"] == {"online": ["home-1/gw-1"], "offline": ["home-1/gw-2"]}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as response:
            text = response.read().decode()
        assert 'carewatch_ingest_messages_received_total{channel="status"}' in text
        assert "carewatch_ingest_batch_write_seconds_bucket" in text
        assert "carewatch_ingest_buffer_depth 0.0" in text
    assert not service.health()[0]  # stopped: disconnected and not writing


class ThresholdSink:
    """Alerts when a heart rate reaches 180; a daily summary on every tick."""

    def __init__(self) -> None:
        self.statuses: list[tuple[str, str]] = []

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        return [
            Alert(
                home=r.home, kind=AlertKind.STRESS, detected_at=r.ts, start=r.ts,
                severity=Severity.HIGH, explanation=f"heart rate {r.value:g} at rest",
                evidence={"bpm": r.value},
            )
            for r in records
            if r.kind is Kind.HEART_RATE and r.value >= 180
        ]  # fmt: skip

    def status(self, home: str, status: GatewayStatus, received_at: float) -> Sequence[Output]:
        self.statuses.append((home, status.state))
        return ()

    def tick(self, now: float) -> Sequence[Output]:
        return [
            DailySummary(
                home=HOME, date="2023-11-14", tap_litres=1.5, tap_uses=3, toilet_day=4,
                toilet_night=1, chair_minutes=240,
            )
        ]  # fmt: skip


def test_sink_outputs_are_published(mosquitto: Mosquitto, store: Store, tmp_path: Path) -> None:
    clock = ManualClock(T0 + 10_000)
    settings = settings_for(mosquitto.url, tmp_path, tick_interval_s=3600, batch_max_age_s=0.001)
    sink = ThresholdSink()
    alerts = Subscriber(mosquitto.port, ALERTS_SUBSCRIPTION)
    summaries = Subscriber(mosquitto.port, SUMMARIES_SUBSCRIPTION)
    publisher = Publisher(mosquitto.port)
    with running(settings, store, sink=sink, clock=clock) as service:
        calm = readings_message("gw-1", 0)
        clock.advance(1)  # any open batch is old enough to go
        publisher.publish(readings_topic(HOME, "gw-1"), calm)
        publisher.publish(
            readings_topic(HOME, "gw-1"),
            readings_message("gw-1", 1).replace(b'"value":60', b'"value":185', 1),
        )
        publisher.publish(status_topic(HOME, "gw-1"), encode(GatewayStatus("gw-1", "online")))
        publisher.flush()
        wait_until(lambda: metric(service, "carewatch_ingest_readings_received_total") == 100)
        clock.advance(1)
        wait_until(lambda: len(alerts.received) == 1, what="the alert")
        assert summaries.received == []
        clock.advance(3600)
        wait_until(lambda: len(summaries.received) == 1, what="the summary")
        wait_until(lambda: sink.statuses == [(HOME, "online")])
    publisher.close()
    alerts.close()
    summaries.close()
    topic, payload = alerts.received[0]
    alert = decode(payload, Alert, clock=clock)
    assert topic == "carewatch/v1/home-1/alerts"
    assert alert.evidence == {"bpm": 185.0} and alert.home == HOME
    assert summaries.received[0][0] == "carewatch/v1/home-1/summaries"


class BrokenSink(ThresholdSink):
    """A sink (think: the detectors) that fails on readings until it is mended."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = True

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        if self.broken:
            raise RuntimeError("detector bug")
        return super().readings(records)


def test_a_failing_sink_keeps_storing_but_makes_ingest_unhealthy(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    sink = BrokenSink()
    publisher = Publisher(mosquitto.port)
    with running(settings_for(mosquitto.url, tmp_path), store, sink=sink) as service:
        publisher.publish(readings_topic(HOME, "gw-1"), readings_message("gw-1", 0))
        publisher.flush()
        wait_until(lambda: metric(service, "carewatch_ingest_sink_failures_total") == 1)
        healthy, details = service.health()
        assert not healthy and details["sink_ok"] is False
        # The detectors hear readings before they are stored; storing goes on all the same.
        wait_until(lambda: stored(store) == expected_records(HOME, "gw-1", 0), what="stored")

        sink.broken = False
        publisher.publish(readings_topic(HOME, "gw-1"), readings_message("gw-1", 1))
        publisher.flush()
        wait_until(lambda: service.health()[0], what="healthy again once the sink works")
    publisher.close()
