"""The Grafana dashboard's InfluxQL against a real influxd holding what the store wrote.

Readings are written by carewatch's own InfluxDB store, so a change to its schema
(measurement, tags, fields) breaks this test rather than the dashboard in production.
Grafana's macros are expanded the way Grafana expands them for InfluxDB.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store import open_store
from tests.deploy.broker import DEPLOY
from tests.servers import InfluxDB

TZ = "Europe/London"
DASHBOARD = json.loads((DEPLOY / "grafana" / "dashboards" / "carewatch-homes.json").read_text())
Row = dict[str, object]


def local_midnight(days_ago: int) -> float:
    today = datetime.now(ZoneInfo(TZ)).date() - timedelta(days=days_ago)
    return datetime(today.year, today.month, today.day, tzinfo=ZoneInfo(TZ)).timestamp()


DAY0 = local_midnight(3)
DAY1 = local_midnight(2)
HOUR = 3600.0


def reading(home: str, sensor: str, kind: Kind, ts: float, value: float) -> ReadingRecord:
    return ReadingRecord(home=home, sensor=sensor, kind=kind, ts=ts, value=value)


READINGS = [
    reading("home-a", "tap-1", Kind.TAP, DAY0 + 8 * HOUR, 1.5),
    reading("home-a", "tap-1", Kind.TAP, DAY0 + 12 * HOUR, 2.0),
    reading("home-a", "tap-1", Kind.TAP, DAY1 + 9 * HOUR, 0.5),
    reading("home-b", "tap-9", Kind.TAP, DAY0 + 8 * HOUR, 4.0),
    *(reading("home-a", "wc-1", Kind.TOILET, DAY0 + h * HOUR, 1) for h in (7, 13, 22)),
    reading("home-a", "hr-1", Kind.HEART_RATE, DAY0 + 10 * HOUR, 60),
    reading("home-a", "hr-1", Kind.HEART_RATE, DAY0 + 10 * HOUR + 30, 70),
]


@pytest.fixture(scope="module")
def influx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InfluxDB]:
    server = InfluxDB(tmp_path_factory.mktemp("influxdb"))
    server.start()
    store = open_store(f"influxdb://127.0.0.1:{server.port}/carewatch")
    try:
        store.write(READINGS)
    finally:
        store.close()
    yield server
    server.stop()


def panel_query(title: str) -> str:
    (panel,) = [p for p in DASHBOARD["panels"] if p["title"] == title]
    (target,) = panel["targets"]
    return str(target["query"])


def expand(query: str, interval: str = "1h") -> str:
    """Grafana's macros for an InfluxDB data source, over the last four days."""
    start_ms = int((DAY0 - 24 * HOUR) * 1000)
    end_ms = int(datetime.now().timestamp() * 1000)
    return (
        query.replace("$timeFilter", f"time >= {start_ms}ms and time <= {end_ms}ms")
        .replace("$__interval", interval)
        .replace("$home", "(home-a|home-b)")  # a multi-value variable, as Grafana writes it
        .replace("$tz", TZ)
    )


def run(influx: InfluxDB, query: str) -> dict[tuple[tuple[str, str], ...], list[Row]]:
    """Series by their tags, each a list of rows (column -> value, time in ms)."""
    response = httpx.get(
        f"{influx.url}/query", params={"db": "carewatch", "q": query, "epoch": "ms"}
    )
    response.raise_for_status()
    (result,) = response.json()["results"]
    assert "error" not in result, result
    return {
        tuple(sorted(series.get("tags", {}).items())): [
            dict(zip(series["columns"], values, strict=True)) for values in series["values"]
        ]
        for series in result.get("series", [])
    }


def at(rows: list[Row], ts: float) -> Row:
    (row,) = [r for r in rows if r["time"] == int(ts * 1000)]
    return row


def test_tap_litres_per_local_day(influx: InfluxDB) -> None:
    series = run(influx, expand(panel_query("Tap litres per day")))
    home_a = series[(("home", "home-a"),)]
    assert at(home_a, DAY0)["sum"] == pytest.approx(3.5)
    assert at(home_a, DAY1)["sum"] == pytest.approx(0.5)
    assert at(series[(("home", "home-b"),)], DAY0)["sum"] == pytest.approx(4.0)


def test_toilet_visits_per_local_day(influx: InfluxDB) -> None:
    series = run(influx, expand(panel_query("Toilet visits per day")))
    assert list(series) == [(("home", "home-a"),)]
    assert at(series[(("home", "home-a"),)], DAY0)["count"] == 3
    assert at(series[(("home", "home-a"),)], DAY1)["count"] == 0


def test_heart_rate_per_home(influx: InfluxDB) -> None:
    series = run(influx, expand(panel_query("Heart rate per home")))
    assert list(series) == [(("home", "home-a"),)]
    rows = series[(("home", "home-a"),)]
    assert rows == [{"time": int((DAY0 + 10 * HOUR) * 1000), "mean": 65.0}]


def test_readings_per_minute_by_kind(influx: InfluxDB) -> None:
    series = run(influx, expand(panel_query("Readings per minute, by kind")))
    totals = {tags[0][1]: sum(int(str(r["count"])) for r in rows) for tags, rows in series.items()}
    assert totals == {"tap": 4, "toilet": 3, "heart_rate": 2}


def test_last_seen_per_sensor(influx: InfluxDB) -> None:
    series = run(influx, expand(panel_query("Last seen, per home and sensor")))
    last_seen = {
        dict(tags)["sensor"]: (dict(tags)["home"], rows[0]["time"]) for tags, rows in series.items()
    }
    assert last_seen == {
        "tap-1": ("home-a", int((DAY1 + 9 * HOUR) * 1000)),
        "tap-9": ("home-b", int((DAY0 + 8 * HOUR) * 1000)),
        "wc-1": ("home-a", int((DAY0 + 22 * HOUR) * 1000)),
        "hr-1": ("home-a", int((DAY0 + 10 * HOUR + 30) * 1000)),
    }


def test_home_variable_lists_the_homes(influx: InfluxDB) -> None:
    (variable,) = [v for v in DASHBOARD["templating"]["list"] if v["name"] == "home"]
    response = httpx.get(f"{influx.url}/query", params={"db": "carewatch", "q": variable["query"]})
    (series,) = response.json()["results"][0]["series"]
    assert [value for _, value in series["values"]] == ["home-a", "home-b"]
