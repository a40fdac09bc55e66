"""Dead letters stay bounded per gateway and in total; drops are counted, never silent
(issue 14, attack 5)."""

import json
import logging
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from prometheus_client import CollectorRegistry, Counter
from typer.testing import CliRunner

from carewatch.clock import ManualClock
from carewatch.protocol import readings_topic
from carewatch.store import Store
from carewatch.store.factory import open_store
from ingest.cli import app
from ingest.dead_letters import DeadLetterLimits, FloodWatch
from ingest.state import DeadLetter, IngestState
from tests.ingest.helpers import Publisher, metric, running, settings_for, wait_until
from tests.servers import Mosquitto

HOME = "home-1"
FLOOD = readings_topic(HOME, "gw-flood")
OTHER = readings_topic(HOME, "gw-ok")


def letter(topic: str, n: int, size: int = 100) -> DeadLetter:
    return DeadLetter(topic, n.to_bytes(4, "big") + b"x" * (size - 4), "not JSON", float(n))


def watched(path: Path, limits: DeadLetterLimits) -> tuple[IngestState, Counter]:
    dropped = Counter("dropped", "test", registry=CollectorRegistry())
    return IngestState(path, FloodWatch(limits, dropped, ManualClock(0.0))), dropped


def test_the_oldest_go_first_per_gateway_by_count_and_bytes(tmp_path: Path) -> None:
    limits = DeadLetterLimits(per_gateway=5, per_gateway_bytes=10_000, total=100, total_bytes=10**6)
    state, dropped = watched(tmp_path / "state.db", limits)
    state.commit([letter(OTHER, i) for i in range(3)], {})
    for start in range(0, 40, 8):  # several commits, as batches arrive
        state.commit([letter(FLOOD, 100 + i) for i in range(start, start + 8)], {})
    state.commit([letter(FLOOD, 500 + i, size=4_000) for i in range(3)], {})  # 12 kB > 10 kB

    kept = state.dead_letters()
    drops = {d.source: d for d in state.drop_counts()}
    state.close()

    flood = [int.from_bytes(d.payload[:4], "big") for d in kept if d.topic == FLOOD]
    assert flood == [502, 501]  # newest first; the byte limit took the third big one too
    assert len([d for d in kept if d.topic == OTHER]) == 3  # another gateway's are intact
    assert drops["home-1/gw-flood"].letters == 40 + 1 == dropped._value.get()


def test_the_total_limit_spans_gateways(tmp_path: Path) -> None:
    limits = DeadLetterLimits(per_gateway=10, per_gateway_bytes=10**6, total=12, total_bytes=10**6)
    state, _ = watched(tmp_path / "state.db", limits)
    for gateway in range(4):
        topic = readings_topic(HOME, f"gw-{gateway}")
        state.commit([letter(topic, gateway * 10 + i) for i in range(5)], {})

    assert state.dead_letter_count() == 12
    assert sum(d.letters for d in state.drop_counts()) == 8
    state.close()


def test_a_state_file_from_before_the_limits_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE dead_letters (id INTEGER PRIMARY KEY, topic TEXT NOT NULL, "
        "payload BLOB NOT NULL, reason TEXT NOT NULL, received_at REAL NOT NULL)"
    )
    db.executemany(
        "INSERT INTO dead_letters (topic, payload, reason, received_at) VALUES (?,?,?,?)",
        [(FLOOD, b"y" * 50, "bad", float(i)) for i in range(8)],
    )
    db.commit()
    db.close()
    limits = DeadLetterLimits(per_gateway=3, per_gateway_bytes=10**6, total=10, total_bytes=10**6)
    state, _ = watched(path, limits)
    state.commit([letter(FLOOD, 99)], {})

    assert state.dead_letter_count() == 3 and state.dead_letters()[0].payload[:4] == b"\0\0\0c"
    assert state.drop_counts()[0].letters == 6
    state.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    yield store
    store.close()


def test_twenty_thousand_junk_messages_leave_disk_and_memory_bounded(
    mosquitto: Mosquitto,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(
        mosquitto.url,
        tmp_path,
        batch_max_age_s=1.0,  # the default: junk piles up in a batch for a whole second
        dead_letters_per_gateway=500,
        dead_letter_mb_per_gateway=2.0,
        dead_letters_total=2_000,
        dead_letter_mb_total=8.0,
        dead_letter_buffer_mb=4.0,
    )
    junk = b"{" + b"j" * 8_191  # 8 kB of not-JSON: 160 MB in all
    publisher = Publisher(mosquitto.port)
    process = psutil.Process()
    caplog.set_level(logging.WARNING, logger="ingest.dead_letters")
    with running(settings, store) as service:
        for _ in range(50):
            publisher.publish(OTHER, b"not json from the good gateway")
        publisher.flush()
        wait_until(lambda: metric(service, "carewatch_ingest_dead_letters_total") == 50)
        before = process.memory_info().rss
        peak = before
        for index in range(1, 20_001):
            publisher.publish(FLOOD, junk)
            if index % 500 == 0:  # the publisher's own queue must not count as ingest's
                publisher.flush()
                peak = max(peak, process.memory_info().rss)
        publisher.close()

        def drained() -> bool:
            nonlocal peak
            peak = max(peak, process.memory_info().rss)
            return metric(service, "carewatch_ingest_dead_letters_total") == 20_050

        wait_until(drained, timeout=180, what="all junk dead-lettered")
        port = service.http_port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as response:
            health = json.loads(response.read())
        dropped = metric(service, "carewatch_ingest_dead_letters_dropped_total")

    state_bytes = sum(p.stat().st_size for p in tmp_path.glob("ingest-state.db*"))
    assert state_bytes < 16 * 2**20, f"state file grew to {state_bytes / 2**20:.0f} MB"
    assert (peak - before) / 2**20 < 48, f"ingest grew {(peak - before) / 2**20:.0f} MB"
    state = IngestState(settings.state_path)
    kept = state.dead_letters()
    state.close()
    flood_kept = [d for d in kept if d.topic == FLOOD]
    assert len([d for d in kept if d.topic == OTHER]) == 50  # the good gateway's all kept
    assert len(flood_kept) <= 500 and sum(len(d.payload) for d in flood_kept) <= 2 * 2**20
    assert dropped == 20_000 - len(flood_kept)  # every drop counted
    assert health["dead_letter_floods"]["home-1/gw-flood"]["dropped"] == dropped
    assert any("'home-1/gw-flood' is flooding ingest" in r.message for r in caplog.records)
    monkeypatch.setenv("CAREWATCH_INGEST_STATE_PATH", str(settings.state_path))
    listed = CliRunner().invoke(app, ["dead-letters", "--limit", "1"])
    assert listed.exit_code == 0, listed.output
    assert f"from 'home-1/gw-flood': {int(dropped)} dead letters" in listed.output


def test_ids_with_a_trailing_newline_are_dead_letters_not_new_sensors(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    """Issue 14, attack 7, through a real broker: nothing stored under a spoiled id.
    (Mosquitto itself disconnects a client publishing to a topic with a control
    character; ingest's own refusal of such a topic is in tests/carewatch/protocol.)"""
    from carewatch.protocol import Kind, Reading, ReadingsBatch, encode

    def batch(sensor: str, seq: int) -> bytes:
        reading = Reading(sensor=sensor, kind=Kind.HEART_RATE, ts=1_700_000_000.0, value=70)
        return encode(ReadingsBatch("gw-1", seq, 1_700_000_000.0, [reading]))

    settings = settings_for(mosquitto.url, tmp_path)
    publisher = Publisher(mosquitto.port)
    with running(settings, store) as service:
        for seq, sensor in enumerate(["hr-1\n", "hr-1\r", "hr-1\x00", "hr-1", "hr-１"]):
            publisher.publish(readings_topic(HOME, "gw-1"), batch(sensor, seq))
        publisher.close()
        wait_until(lambda: metric(service, "carewatch_ingest_dead_letters_total") == 4)
        wait_until(lambda: metric(service, "carewatch_ingest_readings_written_total") == 1)

    assert [(s.home, s.sensor) for s in store.sensors()] == [(HOME, "hr-1")]
    state = IngestState(settings.state_path)
    reasons = {d.reason for d in state.dead_letters()}
    state.close()
    assert reasons == {
        "readings[0].sensor: Expected `str` matching regex '^[a-z0-9][a-z0-9-]{0,63}$'"
    }
