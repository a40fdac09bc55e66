"""Fixtures for the deployment tests: the shipped broker configuration, running."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.broker import DeployedMosquitto


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[DeployedMosquitto]:
    """Mosquitto from deploy/mosquitto/ on free ports, with a test CA and service accounts."""
    server = DeployedMosquitto(tmp_path / "broker")
    server.start()
    yield server
    server.stop()
