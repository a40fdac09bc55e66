"""Fixtures shared by the whole suite: real brokers and databases, started and stopped here."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import InfluxDB, Mosquitto


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    """A fresh Mosquitto on a free port; tests may stop, kill and start it."""
    broker = Mosquitto(tmp_path / "mosquitto")
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def influxdb(tmp_path: Path) -> Iterator[InfluxDB]:
    """A fresh influxd on a free port with temporary data; tests may stop and start it."""
    server = InfluxDB(tmp_path / "influxdb")
    server.start()
    yield server
    server.stop()
