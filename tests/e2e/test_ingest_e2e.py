"""Ingest end to end: real Mosquitto, real influxd, 100 000 readings, an influxd outage."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from carewatch.protocol import Kind, readings_topic
from carewatch.records import ReadingRecord
from carewatch.store import Store
from carewatch.store.factory import open_store
from ingest.state import IngestState
from tests.ingest.helpers import (
    Publisher,
    expected_records,
    metric,
    readings_message,
    running,
    settings_for,
    wait_until,
)
from tests.servers import InfluxDB, Mosquitto

pytestmark = pytest.mark.e2e

GATEWAYS = [(f"home-{n // 2}", f"gw-{n}") for n in range(10)]  # 5 homes, 2 gateways each


@pytest.fixture
def store(influxdb: InfluxDB) -> Iterator[Store]:
    # short client-side retries, so an outage reaches ingest's own backoff quickly
    store = open_store(f"influxdb://127.0.0.1:{influxdb.port}/carewatch?retry=0.5&timeout=2")
    yield store
    store.close()


def stored(store: Store) -> list[ReadingRecord]:
    homes = sorted({home for home, _ in GATEWAYS})
    rows = [r for home in homes for r in store.query(home, Kind.HEART_RATE, 0, 4e9)]
    return sorted(rows, key=lambda r: (r.home, r.sensor, r.ts))


def expected(messages: list[tuple[str, str, int]]) -> list[ReadingRecord]:
    rows = [r for home, gw, seq in messages for r in expected_records(home, gw, seq)]
    return sorted(set(rows), key=lambda r: (r.home, r.sensor, r.ts))


def malformed(index: int) -> tuple[str, bytes, str]:
    """One of six kinds of bad message: (topic, payload, part of the reason)."""
    home, gateway = GATEWAYS[index % len(GATEWAYS)]
    topic = readings_topic(home, gateway)
    good = readings_message(gateway, 10_000 + index)
    return [
        (topic, good[:-7], "not JSON"),
        (topic, good.replace(b"heart_rate", b"pulse", 1), "kind"),
        (topic, good.replace(b'"value":60', b'"value":900', 1), "outside 20..250"),
        (topic, readings_message("gw-99", index), "differs from topic gateway"),
        (topic, good + b" " * (260 * 1024), "exceeds"),
        (f"carewatch/v1/{home}/GW_X/readings", good, "must match"),
    ][index % 6]


def test_100k_readings_with_duplicates_and_one_percent_malformed(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    settings = settings_for(mosquitto.url, tmp_path, batch_size=5_000, buffer_limit=50_000)
    messages = [(home, gw, seq) for seq in range(200) for home, gw in GATEWAYS]  # 100 000
    resent = messages[::50]  # 40 duplicates
    bad = [malformed(i) for i in range(20)]  # 1% of the 2 000 messages
    publisher = Publisher(mosquitto.port)
    with running(settings, store) as service:
        for index, (home, gw, seq) in enumerate(messages):
            publisher.publish(readings_topic(home, gw), readings_message(gw, seq))
            if index % 100 == 0:
                topic, payload, _ = bad[index // 100]
                publisher.publish(topic, payload)
        for home, gw, seq in resent:
            publisher.publish(readings_topic(home, gw), readings_message(gw, seq))
        publisher.close()
        total = 50 * (len(messages) + len(resent))
        wait_until(lambda: metric(service, "carewatch_ingest_readings_written_total") == total)
        wait_until(lambda: metric(service, "carewatch_ingest_dead_letters_total") == len(bad))
        assert metric(service, "carewatch_ingest_duplicate_messages_total") == len(resent)
        assert metric(service, "carewatch_ingest_missing_messages_total") == 0
    rows = stored(store)
    assert len(rows) == 100_000
    assert rows == expected(messages)
    state = IngestState(settings.state_path)
    letters = {letter.payload: letter for letter in state.dead_letters()}
    state.close()
    assert len(letters) == len(bad)
    for topic, payload, reason in bad:
        assert letters[payload].topic == topic
        assert reason in letters[payload].reason


def test_influxd_down_for_30_s_mid_stream_loses_nothing(
    mosquitto: Mosquitto, influxdb: InfluxDB, store: Store, tmp_path: Path
) -> None:
    limit = 2_000
    settings = settings_for(
        mosquitto.url, tmp_path, batch_size=500, buffer_limit=limit, retry_max_wait_s=1.0
    )
    messages = [(home, gw, seq) for seq in range(120) for home, gw in GATEWAYS]  # 60 000
    publisher = Publisher(mosquitto.port)

    def stream() -> None:
        for index, (home, gw, seq) in enumerate(messages):
            publisher.publish(readings_topic(home, gw), readings_message(gw, seq))
            if index % 20 == 19:
                time.sleep(0.02)
        publisher.flush()

    with running(settings, store) as service:
        streaming = threading.Thread(target=stream)
        streaming.start()
        wait_until(lambda: metric(service, "carewatch_ingest_readings_written_total") >= 2_000)
        influxdb.stop()
        outage_ends = time.monotonic() + 30
        deepest = 0
        while time.monotonic() < outage_ends:
            healthy, details = service.health()
            deepest = max(deepest, details["buffer_depth"])
            time.sleep(0.1)
        assert not healthy and details["store_ok"] is False
        assert streaming.is_alive() or metric(
            service, "carewatch_ingest_readings_received_total"
        ) < 50 * len(messages), "the broker, not ingest, should hold the backlog"
        assert limit <= deepest <= limit + 50  # bounded: at most one message over the limit
        influxdb.start()
        streaming.join()
        wait_until(
            lambda: metric(service, "carewatch_ingest_readings_written_total") >= 50 * len(messages)
        )
        assert service.health()[0]
        assert metric(service, "carewatch_ingest_store_errors_total") > 0
    assert stored(store) == expected(messages)
