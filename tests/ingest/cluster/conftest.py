from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.nats_cluster import NatsCluster

PARTITIONS = 4


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    cluster = NatsCluster(tmp_path / "nats", PARTITIONS)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
