"""The outbox keeps a batch until ingest confirms it stored it, so a broker crash loses nothing.

Mosquitto acknowledges a QoS 1 message once it is in memory and writes it to disk only
at its next autosave; ``kill -9`` in between loses it. These tests kill the broker
after it acknowledged every batch and before ingest (down) could store any.
"""

import time
from pathlib import Path

import pytest

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord, write_jsonl
from carewatch.store import Store
from carewatch.store.factory import open_store
from tests.gateway.support import Collector, GatewayProcess, write_config
from tests.ingest.helpers import running, settings_for
from tests.servers import Mosquitto

READINGS = 300
OUTBOX = "batch_max_readings = 20\nbatch_max_age_s = 0.2\ninflight_batches = 5\n"


def recorded(path: Path) -> list[ReadingRecord]:
    start = float(int(time.time()) - 3600)  # whole seconds: the store keeps milliseconds
    records = [
        ReadingRecord("home-1", "hr-1", Kind.HEART_RATE, start + 5 * i, 60.0 + i % 30)
        for i in range(READINGS)
    ]
    with path.open("wb") as out:
        write_jsonl(records, out)
    return records


def depth(collector: Collector) -> int | None:
    online = [s for s in collector.statuses if s.state == "online"]
    return online[-1].outbox_depth if online else None


@pytest.mark.parametrize("confirm_by", ["ingest", "broker"])
def test_a_broker_crash_before_ingest_stores_loses_only_without_receipts(
    mosquitto: Mosquitto, tmp_path: Path, confirm_by: str
) -> None:
    records = recorded(tmp_path / "day.jsonl")
    settings = settings_for(mosquitto.url, tmp_path, client_id="ingest-receipts")
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    with running(settings, store):
        pass  # ingest's session exists (the broker saves it on no schedule: see below)
    source = f'[source.file]\npath = "{tmp_path / "day.jsonl"}"\nspeed = 0\n'
    outbox = OUTBOX + f'confirm_by = "{confirm_by}"\nconfirm_timeout_s = 1\n'
    gateway = GatewayProcess(write_config(tmp_path, mosquitto.url, source, outbox=outbox))
    watcher = Collector(mosquitto.url)  # clean session: sees what the broker routes, live
    try:
        watcher.wait(lambda: watcher.last_state() is None, 1, "subscription")
        gateway.start()
        watcher.wait(lambda: watcher.readings_count() == READINGS, 30, "every batch at the broker")
        # The broker has acknowledged every batch; with receipts the outbox still has them.
        expected_depth = READINGS if confirm_by == "ingest" else 0
        watcher.wait(lambda: depth(watcher) == expected_depth, 10, f"outbox {expected_depth}")
        mosquitto.kill()  # a power cut: nothing saved since the broker started
        mosquitto.start()
        with running(settings, store):
            if confirm_by == "ingest":
                _wait_stored(store, READINGS)
                watcher.wait(lambda: depth(watcher) == 0, 30, "the receipts to empty the outbox")
            else:
                time.sleep(3)  # nothing can come: give a wrong answer the chance to show
        assert gateway.terminate() == 0
    finally:
        gateway.ensure_dead()
        watcher.close()
    rows = store.query("home-1", Kind.HEART_RATE, 0, 4e9)
    store.close()
    if confirm_by == "ingest":
        assert rows == records
        assert "sending" in gateway.log.read_text()  # the log says what it re-sent and why
    else:  # the old behaviour, kept for an ingest without receipts: documented as lossy
        assert rows == []


def _wait_stored(store: Store, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(store.query("home-1", Kind.HEART_RATE, 0, 4e9)) < count:
        assert time.monotonic() < deadline, "the gateway's batches never reached the store"
        time.sleep(0.1)
