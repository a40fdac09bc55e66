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
def test_the_report_runs_every_part_and_judges_every_goal() -> None:
    require_binary("mosquitto", "mosquitto")
    require_binary("influxd", "influxdb")
    sizes = ["--rounds", "1", "--messages", "200", "--workers", "2", "--replay-homes", "2"]
    sizes += ["--replay-days", "3", "--scale-homes", "2", "3", "--scale-days", "2"]
    sizes += ["--homes", "50", "--seconds", "3", "--gateway-days", "1"]

    out = run("benchmarks/report.py", *sizes)

    for part in ("ingest", "replay", "scale", "latency", "gateway"):
        assert f"== {part}, round 1" in out
    goals = out.split("== goals (", 1)[1]
    assert goals.startswith("10, ")
    for goal in (
        "ingest + SQLite, detectors on >= 1.0x the naive peer",
        "ingest + SQLite, detectors off >= 1.0x the naive peer",
        "ingest + InfluxDB, detectors on >= 0.4x the bare drain",
        "ingest + InfluxDB, detectors off >= 0.4x the bare drain",
        "replay from the file >= 300,000 readings/s",
        "replay at 3 homes >= 0.8x at 2",
        "RSS growth <= 16 KB per home (3 homes x 2 days)",
        "p99 published -> alert at the API <= 200 ms",
        "gateway peak RSS <= 40 MB",
        "gateway drains 1 days' outbox",
    ):
        line = next(line for line in goals.splitlines() if goal in line)
        assert "; baseline " in line
        assert line.endswith(("-> met", "-> NOT met"))


def test_replay_benchmark_times_from_the_file() -> None:
    out = run("benchmarks/bench_replay.py", "--homes", "2", "--days", "3")

    assert "baseline (read and decode the file)" in out
    assert "replay from the file (decode + engine)" in out
    assert "x the decode loop" in out


def test_scale_benchmark_measures_rss_growth_in_children() -> None:
    options = ["--homes", "2", "3", "--days", "2", "--gc", "default", "daily"]

    out = run("benchmarks/bench_scale.py", *options)

    assert "3 homes x 2 days, gc daily" in out
    assert "RSS growth" in out
    assert "detector checkpoint (compressed, not memory)" in out
    assert "gc default: replay at 3 homes / at 2 homes = " in out


def test_gateway_benchmark() -> None:
    require_binary("mosquitto", "mosquitto")

    out = run("benchmarks/bench_gateway.py", "--days", "1", "--fsync-readings", "20")

    assert "drain / bare paho baseline" in out
    assert "peak RSS" in out


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
