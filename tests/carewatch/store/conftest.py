"""Store fixtures: one influxd for the module's tests, a fresh database per test."""

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from carewatch.store import Store, open_store
from tests.servers import InfluxDB

_names = itertools.count()


@pytest.fixture(scope="session")
def shared_influxdb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InfluxDB]:
    """One real influxd for the whole store suite (a fresh database name per test)."""
    server = InfluxDB(tmp_path_factory.mktemp("influxdb"))
    server.start()
    yield server
    server.stop()


StoreFactory = Callable[[], Store]


@pytest.fixture(params=["sqlite", "influxdb"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Open fresh, empty stores of the parametrised backend; closes them afterwards."""
    opened: list[Store] = []

    def factory() -> Store:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path}/readings-{next(_names)}.db"
        else:
            server: InfluxDB = request.getfixturevalue("shared_influxdb")
            url = f"influxdb://127.0.0.1:{server.port}/test{next(_names)}?retry=1"
        store = open_store(url)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(new_store: StoreFactory) -> Store:
    """A fresh, empty store of each backend."""
    return new_store()
