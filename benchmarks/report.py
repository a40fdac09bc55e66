"""The benchmark report: every headline figure of docs/performance.md in one run.

1. Ingest: bare paho drain vs ingest with SQLite and with InfluxDB (one process, and
   ``--workers`` processes on a shared subscription), and the ratios
   (``bench_ingest``: one Mosquitto, one influxd, the same pre-loaded messages).
2. Replay: the detection engine's readings/s against a bare decode loop, and its
   checkpoint per home (``bench_replay``: a simulated cohort, 30 days).
3. Latency: reading published -> alert announced by the API, with no load and
   under a 10 000-home load, through Mosquitto, ``carewatch ingest run`` and
   ``carewatch api serve``; ingest's memory with 0 and with N homes
   (``bench_latency``).

Each part is measured ``--rounds`` times (the machine is shared: compare within a
round). Run from the repository root:
``.venv/bin/python benchmarks/report.py [--rounds 2 --messages 20000 --workers 2 --homes 10000
--seconds 90]``
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmark modules

import bench_ingest
import bench_latency
import bench_replay

from carewatch.records import read_readings
from detectors.cli import load_homes


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load} at {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
    )


def replay(homes: int, days: int, seed: int = 5) -> list[str]:
    """bench_replay's figures: engine rate vs the decode loop, checkpoint per home."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        bench_replay.simulate(homes, days, seed, out)
        lines = [line for line in (out / "readings.jsonl").read_bytes().splitlines() if line]
        readings = list(read_readings(out / "readings.jsonl"))
        tz = load_homes(out / "homes.json")
    base = bench_replay.decode_baseline(lines)
    took, _, engine, produced = bench_replay.engine_run(readings, tz)
    rate, base_rate = len(readings) / took, len(readings) / base
    per_home = len(engine.to_bytes()) / len(engine.homes())
    largest = max(engine.home_bytes(home) for home in engine.homes())
    return [
        f"{len(readings):,} readings, {homes} homes x {days} days",
        f"baseline (decode JSON lines): {base_rate:>12,.0f} readings/s",
        f"engine (process + ticks):     {rate:>12,.0f} readings/s "
        f"({rate / base_rate:.2f} x the decode loop); {produced} alerts and summaries",
        f"detector state: {per_home:,.0f} bytes per home (checkpoint), largest {largest:,}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--messages", type=int, default=20_000, help="ingest: messages of 50")
    parser.add_argument("--workers", type=int, default=2, help="ingest: shared-subscription run")
    parser.add_argument("--replay-homes", type=int, default=20)
    parser.add_argument("--replay-days", type=int, default=30)
    parser.add_argument("--homes", type=int, default=10_000, help="latency: homes")
    parser.add_argument("--seconds", type=float, default=90.0, help="latency: load duration")
    parser.add_argument("--only", choices=("ingest", "replay", "latency"), action="append")
    args = parser.parse_args()
    parts = args.only or ["ingest", "replay", "latency"]
    print(machine(), flush=True)
    for round_no in range(1, args.rounds + 1):
        if "ingest" in parts:
            _section(f"ingest, round {round_no}")
            _print(bench_ingest.summary(bench_ingest.measure(args.messages, args.workers)))
        if "replay" in parts:
            _section(f"replay, round {round_no}")
            _print(replay(args.replay_homes, args.replay_days))
        if "latency" in parts:
            _section(f"latency and memory, round {round_no}")
            _print(bench_latency.measure(args.homes, args.seconds).lines())
    print(machine())


def _section(title: str) -> None:
    print(f"\n== {title} ({time.strftime('%H:%M:%S')}, load {os.getloadavg()[0]:.1f})", flush=True)


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line, flush=True)


if __name__ == "__main__":
    main()
