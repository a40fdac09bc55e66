"""Every benchmark runs end to end at a tiny size, so none can rot unnoticed.

The figures printed are not checked (benchmarks measure, tests do not time); what is
checked is that each script finishes and prints the lines its docs quote.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import require_binary

ROOT = Path(__file__).resolve().parents[2]
CAREWATCH = str(Path(sys.executable).with_name("carewatch"))


def run(*args: str, timeout: float = 300.0) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


@pytest.mark.e2e
def test_the_report_runs_every_part() -> None:
    require_binary("mosquitto", "mosquitto")
    require_binary("influxd", "influxdb")
    sizes = ["--rounds", "1", "--messages", "200", "--workers", "2", "--replay-homes", "2"]
    sizes += ["--replay-days", "3", "--homes", "50", "--seconds", "3"]

    out = run("benchmarks/report.py", *sizes)

    for part in ("== ingest, round 1", "== replay, round 1", "== latency and memory, round 1"):
        assert part in out
    assert "ingest+SQLite / minimal pipeline" in out
    assert "engine (process + ticks)" in out
    assert "alert latency, no load (baseline)" in out


def test_replay_benchmark() -> None:
    out = run("benchmarks/bench_replay.py", "--homes", "2", "--days", "3")

    assert "baseline (decode JSON lines)" in out
    assert "x the decode loop" in out


def test_simulate_benchmark() -> None:
    out = run("benchmarks/bench_simulate.py", "--homes", "2", "--days", "3")

    assert "ratio simulate+write / baseline" in out


def test_store_benchmark() -> None:
    require_binary("influxd", "influxdb")

    out = run("-m", "benchmarks.bench_store", "--readings", "2000", "--rounds", "1")

    assert "ratio SQLiteStore.write (default: synchronous=FULL) / baseline" in out
    assert "ratio InfluxStore.write / baseline" in out


def test_dehydration_limit_on_a_small_cohort(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort"
    options = ["--homes", "4", "--days", "30", "--seed", "3", "--scenario", "dehydration"]
    subprocess.run(
        [CAREWATCH, "simulate", *options, "--out", str(cohort)],
        check=True,
        capture_output=True,
    )

    out = run("benchmarks/dehydration_limit.py", str(cohort))

    assert "oracle's best median delay" in out
