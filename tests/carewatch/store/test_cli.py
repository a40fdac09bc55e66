"""``carewatch store`` on a real SQLite file and a real (stopped) influxd."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carewatch.clock import ManualClock
from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store import open_store
from carewatch.store.cli import app, prune_older_than
from tests.servers import InfluxDB

DAY = 1711843200.0  # 2024-03-31 00:00 UTC (London's spring change is at 01:00 UTC)
runner = CliRunner()


def hr(ts: float, value: float = 60.0) -> ReadingRecord:
    return ReadingRecord(home="h-1", sensor="hr-1", kind=Kind.HEART_RATE, ts=ts, value=value)


@pytest.fixture
def url(tmp_path: Path) -> str:
    store_url = f"sqlite:///{tmp_path}/readings.db"
    store = open_store(store_url)
    store.write([hr(DAY + i * 1800, 60 + i) for i in range(48)])  # every 30 min for a day
    store.close()
    return store_url


def lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_query_prints_readings_as_json_lines(url: str) -> None:
    result = runner.invoke(
        app,
        ["query", "--home", "h-1", "--kind", "heart_rate", "--since", "2024-03-31T00:00:00Z",
         "--until", str(DAY + 3600), "--store", url],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        {"home": "h-1", "sensor": "hr-1", "kind": "heart_rate", "ts": DAY, "value": 60.0},
        {"home": "h-1", "sensor": "hr-1", "kind": "heart_rate", "ts": DAY + 1800, "value": 61.0},
    ]


def test_query_per_local_day(url: str) -> None:
    result = runner.invoke(
        app,
        ["query", "--home", "h-1", "--kind", "heart_rate", "--since", str(DAY - 86400),
         "--until", str(DAY + 2 * 86400), "--window", "day", "--tz", "Europe/London",
         "--store", url],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    # London's 31 March runs 00:00-23:00 UTC (23 h): 46 readings, then 2 on 1 April
    assert [(d["start"], d["count"]) for d in lines(result.stdout)] == [
        (DAY, 46),
        (DAY + 23 * 3600, 2),
    ]


def test_store_url_from_the_environment(url: str) -> None:
    result = runner.invoke(
        app,
        ["query", "--home", "h-1", "--kind", "heart_rate", "--since", str(DAY)],
        env={"CAREWATCH_STORE_URL": url},
    )

    assert result.exit_code == 0, result.output
    assert len(lines(result.stdout)) == 48


def test_sensors(url: str) -> None:
    result = runner.invoke(app, ["sensors", "--store", url])

    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        {"home": "h-1", "sensor": "hr-1", "kind": "heart_rate", "last_seen": DAY + 47 * 1800}
    ]


def test_prune_with_an_injected_clock(url: str) -> None:
    cutoff = prune_older_than("12h", url, ManualClock(DAY + 86400))

    store = open_store(url)
    kept = store.query("h-1", Kind.HEART_RATE, 0, 2e9)
    store.close()
    assert cutoff == DAY + 43200
    assert [r.ts for r in kept] == [DAY + i * 1800 for i in range(24, 48)]


def test_prune_command_deletes_everything_older(url: str) -> None:
    result = runner.invoke(app, ["prune", "--older-than", "1d", "--store", url])

    assert result.exit_code == 0, result.output
    assert "deleted 48 readings from before" in result.stdout
    assert open_store(url).query("h-1", Kind.HEART_RATE, 0, 2e9) == []  # all from 2024


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "is not a time"),
        (["--since", "2024-03-31T00:00"], "has no time zone"),
        (["--since", "2d", "--until", "3d"], "--until must be after --since"),
        (["--since", "1d", "--kind", "pulse"], "pulse"),
    ],
)
def test_bad_options_say_what_is_wrong(url: str, args: list[str], message: str) -> None:
    base = ["query", "--home", "h-1", "--kind", "heart_rate", "--store", url]

    result = runner.invoke(app, base + args)

    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("command", [["sensors"], ["prune", "--older-than", "1d"]])
def test_a_mistyped_store_path_is_an_error_not_a_new_store(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "readngs.db"

    result = runner.invoke(app, [*command, "--store", f"sqlite:///{missing}"])

    assert result.exit_code == 2
    assert f"no store at '{missing}'" in result.output
    assert not missing.exists()


def test_prune_needs_a_duration(url: str) -> None:
    result = runner.invoke(app, ["prune", "--older-than", "a month", "--store", url])

    assert result.exit_code == 2
    assert "is not a duration such as 90s" in result.output


def test_store_down_is_a_message_and_exit_1(influxdb: InfluxDB) -> None:
    influxdb.stop()
    url = f"influxdb://127.0.0.1:{influxdb.port}/carewatch?retry=0.2"

    result = runner.invoke(app, ["sensors", "--store", url])

    assert result.exit_code == 1
    assert "unreachable" in result.output
    assert "try again when the store is reachable" in result.output
