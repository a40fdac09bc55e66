"""Issue 15: ingest against a broker it cannot reach says where and why, and keeps trying."""

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from carewatch.store import Store, open_store
from ingest.service import IngestService
from tests.ingest.helpers import settings_for
from tests.servers import Mosquitto


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'readings.db'}")
    yield store
    store.close()


def test_an_unreachable_broker_is_named_with_the_reason_until_it_comes_up(
    tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    broker = Mosquitto(tmp_path / "broker")  # its port is chosen, the broker not started yet
    service = IngestService(settings_for(broker.url, tmp_path), store)
    caplog.set_level(logging.WARNING, logger="ingest.service")
    service.start()
    try:
        deadline = time.monotonic() + 10
        while len(_failures(caplog)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # paho's own back-off (1 s, then 2 s …) sets the pace
        failures = _failures(caplog)
        assert len(failures) >= 2, "ingest gave up, or said nothing"
        assert broker.url in failures[0] and "Connection refused" in failures[0]
        assert not service.health()[1]["broker_connected"]
        broker.start()
        assert service.wait_connected(40), "ingest did not connect once the broker was up"
    finally:
        service.stop()
        broker.stop()


def _failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "cannot reach the broker" in r.getMessage()]
