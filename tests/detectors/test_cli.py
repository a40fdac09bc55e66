"""``carewatch replay`` and ``carewatch evaluate`` end to end on a small simulated run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carewatch.protocol import Alert, DailySummary
from carewatch.records import read_records
from detectors.cli import evaluate, replay

app = typer.Typer()
app.command(name="replay")(replay)
app.command(name="evaluate")(evaluate)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    carewatch = Path(sys.executable).with_name("carewatch")
    scenarios = ["--scenario", "night_wandering", "--scenario", "stress"]
    subprocess.run(
        [
            str(carewatch),
            "simulate",
            "--homes",
            "3",
            "--days",
            "14",
            "--seed",
            "3",
            *scenarios,
            "--population",  # full kits and large episodes: these assertions need every alert
            "classic",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def test_replay_then_evaluate(simulated: Path, tmp_path: Path) -> None:
    alerts, summaries, report = tmp_path / "a.jsonl", tmp_path / "s.jsonl", tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        ["replay", str(simulated / "readings.jsonl"), "--out", str(alerts), "--summaries",
         str(summaries), "--homes", str(simulated / "homes.json"), "--learning-period", "4d"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "replayed 3 homes" in result.output
    found = list(read_records(alerts, Alert))
    days = list(read_records(summaries, DailySummary))
    assert {a.kind.value for a in found} >= {"night_wandering", "stress"}
    assert all(a.explanation and a.evidence for a in found)
    assert len(days) >= 3 * 13 and all(d.tap_uses > 0 for d in days)

    result = CliRunner().invoke(
        app, ["evaluate", "--labels", str(simulated / "labels.jsonl"), "--alerts", str(alerts),
              "--learning-period", "4d", "--draws", "20", "--out", str(report)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "| stress |" in result.output
    assert "3 residents x 10.0 days after learning = 30 resident-days" in result.output
    written = json.loads(report.read_text())
    figures = written["kinds"]
    assert 29.9 < written["resident_days"] <= 30.0
    assert figures["night_wandering"]["recall"] == 1.0
    assert figures["stress"]["recall"] == 1.0
    assert figures["stress"]["delay_median_min"] <= 10
    assert figures["stress"]["chance"]["recall"]["mean"] < 0.5  # the random alerter, beside it


def test_evaluate_needs_the_readings_for_the_span(simulated: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_bytes((simulated / "labels.jsonl").read_bytes())
    result = CliRunner().invoke(app, ["evaluate", "--labels", str(labels), "--alerts", str(labels)])
    assert result.exit_code != 0
    assert f"{tmp_path / 'readings.jsonl'}: no such file (--readings)" in str(result.exception)


def test_replay_finds_the_time_zones_beside_the_readings(simulated: Path, tmp_path: Path) -> None:
    alerts = {}
    for name, extra in (("given", ["--homes", str(simulated / "homes.json")]), ("found", [])):
        alerts[name] = tmp_path / f"{name}.jsonl"
        result = CliRunner().invoke(
            app,
            ["replay", str(simulated / "readings.jsonl"), "--out", str(alerts[name]),
             "--learning-period", "4d", *extra],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert f"time zones from {simulated / 'homes.json'}" in result.output
    assert alerts["found"].read_bytes() == alerts["given"].read_bytes()
    assert alerts["found"].read_bytes()  # a replay that raised nothing would prove nothing


def test_replay_skips_bad_lines_and_says_so(tmp_path: Path) -> None:
    readings = tmp_path / "r.jsonl"
    readings.write_text(
        '{"home": "h-1", "sensor": "bed", "kind": "bed", "ts": 1767600000, "value": 1}\n'
        '{"home": "h-1", "sensor": "hr", "kind": "heart_rate", "ts": 1767600060, "value": 900}\n'
        "not json\n"
    )
    result = CliRunner().invoke(
        app, ["replay", str(readings), "--out", str(tmp_path / "a"), "--tz", "UTC"]
    )
    assert result.exit_code == 0
    assert "2 unreadable lines skipped" in result.output
    assert "every home in UTC (--tz)" in result.output


def test_replay_without_time_zones_is_refused_and_says_how_to_fix_it(tmp_path: Path) -> None:
    # issue 15: it used to judge every home's nights in UTC without a word
    readings = tmp_path / "r.jsonl"
    readings.write_text(
        '{"home": "h-1", "sensor": "bed", "kind": "bed", "ts": 1767600000, "value": 1}\n'
    )
    out = tmp_path / "a.jsonl"
    result = CliRunner().invoke(app, ["replay", str(readings), "--out", str(out)])
    assert result.exit_code != 0 and not out.exists()
    message = str(result.exception)
    assert f"no homes.json beside {readings}" in message
    assert "--homes" in message and "--tz" in message
    bad = CliRunner().invoke(
        app, ["replay", str(readings), "--out", str(out), "--tz", "Mars/Olympus"]
    )
    assert bad.exit_code != 0 and "--tz: 'Mars/Olympus' is not an IANA time zone" in str(
        bad.exception
    )
    missing = CliRunner().invoke(
        app, ["replay", str(readings), "--out", str(out), "--homes", str(tmp_path / "nope.json")]
    )
    assert missing.exit_code != 0 and "--homes:" in str(missing.exception)


def test_replay_refuses_a_home_its_homes_json_does_not_list(tmp_path: Path) -> None:
    readings = tmp_path / "r.jsonl"
    readings.write_text(
        '{"home": "h-2", "sensor": "bed", "kind": "bed", "ts": 1767600000, "value": 1}\n'
    )
    (tmp_path / "homes.json").write_text('[{"home": "h-1", "tz": "Europe/Paris"}]')
    out = tmp_path / "a.jsonl"
    result = CliRunner().invoke(app, ["replay", str(readings), "--out", str(out)])
    assert result.exit_code != 0 and "home 'h-2' is not in the homes.json" in str(result.exception)
    zoned = CliRunner().invoke(app, ["replay", str(readings), "--out", str(out), "--tz", "UTC"])
    assert zoned.exit_code == 0, zoned.output


def test_progress_goes_to_stderr_only_when_asked(simulated: Path, tmp_path: Path) -> None:
    alerts = str(tmp_path / "a.jsonl")
    args = ["replay", str(simulated / "readings.jsonl"), "--out", alerts, "--learning-period", "4d"]
    shown = CliRunner().invoke(app, [*args, "--progress"])
    assert shown.exit_code == 0, shown.output
    assert "replaying readings.jsonl" in shown.stderr and "readings, done" in shown.stderr
    assert "replaying" not in shown.stdout
    quiet = CliRunner().invoke(app, args)  # not a terminal: no progress
    assert quiet.exit_code == 0 and "replaying" not in quiet.stderr
    labels = str(simulated / "labels.jsonl")
    scored = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--labels",
            labels,
            "--alerts",
            alerts,
            "--learning-period",
            "4d",
            "--progress",
        ],
    )
    assert scored.exit_code == 0, scored.output
    assert "scoring, with" in scored.stderr and "scoring" not in scored.stdout


def test_a_bad_learning_period_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["replay", str(tmp_path / "none.jsonl"), "--out", "x", "--learning-period", "two weeks"],
    )
    assert result.exit_code != 0
    assert "two weeks" in str(result.exception)
