"""What only the InfluxDB backend has: a server that can be down, auth, its own rules."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carewatch.errors import BadData, ConfigError, RetryLater
from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store import open_store
from tests.servers import InfluxDB

T0 = 1_700_000_000.0


def hr(ts: float, value: float = 60.0) -> ReadingRecord:
    return ReadingRecord(home="h-1", sensor="hr-1", kind=Kind.HEART_RATE, ts=ts, value=value)


def influxql(server: InfluxDB, statement: str, **params: str) -> httpx.Response:
    return httpx.post(f"{server.url}/query", params=params, data={"q": statement})


def test_the_database_is_created_on_first_write(shared_influxdb: InfluxDB) -> None:
    store = open_store(f"influxdb://127.0.0.1:{shared_influxdb.port}/fresh_db")
    assert store.query("h-1", Kind.HEART_RATE, 0, 2e9) == []  # missing database reads empty

    store.write([hr(T0)])

    names = influxql(shared_influxdb, "SHOW DATABASES").json()
    assert ["fresh_db"] in names["results"][0]["series"][0]["values"]
    assert store.query("h-1", Kind.HEART_RATE, 0, 2e9) == [hr(T0)]
    store.close()


def test_points_are_one_measurement_tagged_home_kind_sensor(shared_influxdb: InfluxDB) -> None:
    store = open_store(f"influxdb://127.0.0.1:{shared_influxdb.port}/layout")
    store.write([hr(T0 + 0.5, 72.0)])

    answer = influxql(shared_influxdb, "SELECT * FROM reading", db="layout", epoch="ms").json()

    series = answer["results"][0]["series"][0]
    assert series["name"] == "reading"
    row = dict(zip(series["columns"], series["values"][0], strict=True))
    assert row == {
        "time": 1_700_000_000_500,
        "home": "h-1",
        "kind": "heart_rate",
        "sensor": "hr-1",
        "value": 72,
    }
    store.close()


def test_store_down_means_retry_later_and_writes_resume(influxdb: InfluxDB) -> None:
    store = open_store(f"influxdb://127.0.0.1:{influxdb.port}/carewatch?retry=0.3&timeout=1")
    store.write([hr(T0)])
    influxdb.stop()

    with pytest.raises(RetryLater, match="unreachable"):
        store.write([hr(T0 + 1)])
    with pytest.raises(RetryLater):
        store.query("h-1", Kind.HEART_RATE, 0, 2e9)

    influxdb.start()
    store.write([hr(T0 + 1)])
    assert [r.ts for r in store.query("h-1", Kind.HEART_RATE, 0, 2e9)] == [T0, T0 + 1]
    store.close()


def test_a_conflicting_field_type_is_bad_data(shared_influxdb: InfluxDB) -> None:
    influxql(shared_influxdb, "CREATE DATABASE clash")
    httpx.post(  # someone else wrote "value" as an integer into this shard
        f"{shared_influxdb.url}/write",
        params={"db": "clash", "precision": "s"},
        content=b"reading,home=h-1,kind=heart_rate,sensor=x value=60i 1700000000",
    ).raise_for_status()
    store = open_store(f"influxdb://127.0.0.1:{shared_influxdb.port}/clash")

    with pytest.raises(BadData, match="field type conflict"):
        store.write([hr(T0 + 5)])
    store.close()


def test_query_with_a_bad_home_id_is_bad_data(shared_influxdb: InfluxDB) -> None:
    store = open_store(f"influxdb://127.0.0.1:{shared_influxdb.port}/ids")
    with pytest.raises(BadData, match="not an id"):
        store.query("h' OR 1=1 --", Kind.HEART_RATE, 0, 2e9)
    store.close()


@pytest.fixture(scope="module")
def secured_influxdb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InfluxDB]:
    server = InfluxDB(tmp_path_factory.mktemp("influx-auth"), auth=True)
    server.start()
    # with auth on and no users yet, influxd accepts creating the first admin
    create = "CREATE USER admin WITH PASSWORD 's3cret:pw' WITH ALL PRIVILEGES"
    influxql(server, create).raise_for_status()
    yield server
    server.stop()


def test_user_and_password_in_the_url(secured_influxdb: InfluxDB) -> None:
    port = secured_influxdb.port
    store = open_store(f"influxdb://admin:s3cret%3Apw@127.0.0.1:{port}/private")

    store.write([hr(T0)])

    assert store.query("h-1", Kind.HEART_RATE, 0, 2e9) == [hr(T0)]
    store.close()


@pytest.mark.parametrize(
    "credentials", ["", "admin:wrong@", "nobody:s3cret%3Apw@"], ids=["none", "wrong", "unknown"]
)
def test_refused_credentials_name_the_setting(secured_influxdb: InfluxDB, credentials: str) -> None:
    store = open_store(f"influxdb://{credentials}127.0.0.1:{secured_influxdb.port}/private")

    with pytest.raises(ConfigError, match="user:password or \\?token= in the store URL"):
        store.write([hr(T0)])
    store.close()


def test_auth_fixture_really_requires_auth(secured_influxdb: InfluxDB, tmp_path: Path) -> None:
    assert influxql(secured_influxdb, "SHOW DATABASES").status_code == 401


def test_retention_policy_option(shared_influxdb: InfluxDB) -> None:
    influxql(shared_influxdb, "CREATE DATABASE rpdb").raise_for_status()
    create = "CREATE RETENTION POLICY week ON rpdb DURATION 7d REPLICATION 1"
    influxql(shared_influxdb, create).raise_for_status()
    recent = hr(round(time.time() - 60, 3))
    store = open_store(f"influxdb://127.0.0.1:{shared_influxdb.port}/rpdb?rp=week")

    store.write([recent])

    raw = influxql(shared_influxdb, 'SELECT count("value") FROM "week"."reading"', db="rpdb")
    assert raw.json()["results"][0]["series"][0]["values"][0][1] == 1
    assert store.query("h-1", Kind.HEART_RATE, 0, 2e9) == [recent]
    store.close()


def test_a_missing_retention_policy_is_a_config_error(shared_influxdb: InfluxDB) -> None:
    store = open_store(f"influxdb://127.0.0.1:{shared_influxdb.port}/rpdb2?rp=fortnight")

    with pytest.raises(ConfigError, match=r"\?rp= option"):
        store.write([hr(T0)])
    store.close()


def test_a_wrong_path_prefix_is_a_config_error(shared_influxdb: InfluxDB) -> None:
    store = open_store(f"influxdb://127.0.0.1:{shared_influxdb.port}/not/here/carewatch")

    with pytest.raises(ConfigError, match="path in the store URL"):
        store.write([hr(T0)])
    store.close()
