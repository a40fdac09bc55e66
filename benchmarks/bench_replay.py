"""Replay speed of the detection engine, and its state size, against a bare decode loop.

Simulates a cohort (heart rate every 60 s plus every event sensor, all scenarios),
then on one core in the same run:

1. baseline: a bare loop decoding the same readings from their JSON lines into
   ``ReadingRecord`` (msgspec): what reading the file alone costs;
2. engine: the same readings, already decoded, through ``Engine.process`` with the
   replay's watermark ticks (``detectors.cli.run``), alerts and summaries collected;
3. state: the checkpoint (``Engine.to_bytes``) per home, and the largest home.

The engine's best of three runs is reported in wall time (the goal) and CPU time, which
moves less when other processes share the core.

Run: ``.venv/bin/python benchmarks/bench_replay.py [--homes 20 --days 30]``
Goals: >= 300 000 readings/s through the engine; <= 20 KB of state per home.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from carewatch.records import ReadingRecord, read_readings
from detectors import Engine, EngineConfig
from detectors.cli import load_homes, run
from detectors.config import DAY

GOAL_RATE = 300_000
GOAL_BYTES = 20_000


class _Line(msgspec.Struct):
    home: str
    sensor: str
    kind: str
    ts: float
    value: float
    resident: str | None = None


def simulate(homes: int, days: int, seed: int, out: Path) -> None:
    carewatch = Path(sys.executable).with_name("carewatch")
    options = {"--homes": homes, "--days": days, "--seed": seed, "--scenario": "all", "--out": out}
    subprocess.run(
        [str(carewatch), "simulate", *(str(x) for pair in options.items() for x in pair)],
        check=True,
        capture_output=True,
    )


def decode_baseline(lines: list[bytes]) -> float:
    decoder = msgspec.json.Decoder(_Line)
    start = time.perf_counter()
    for line in lines:
        raw = decoder.decode(line)
        ReadingRecord(raw.home, raw.sensor, raw.kind, raw.ts, raw.value, raw.resident)  # type: ignore[arg-type]
    return time.perf_counter() - start


def engine_run(
    readings: list[ReadingRecord], tz: dict[str, str]
) -> tuple[float, float, Engine, int]:
    """Wall and CPU seconds of one replay (CPU time moves less with the other processes)."""
    engine = Engine(EngineConfig(learning_period=9 * DAY))
    for home, zone in tz.items():
        engine.set_home_tz(home, zone)
    start, cpu = time.perf_counter(), time.process_time()
    produced = sum(1 for _ in run(engine, readings))
    return time.perf_counter() - start, time.process_time() - cpu, engine, produced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        simulate(args.homes, args.days, args.seed, out)
        lines = [line for line in (out / "readings.jsonl").read_bytes().splitlines() if line]
        readings = list(read_readings(out / "readings.jsonl"))
        tz = load_homes(out / "homes.json")
    hr = sum(1 for r in readings if r.kind == "heart_rate")
    print(
        f"{len(readings):,} readings ({hr / len(readings):.0%} heart rate every 60 s), "
        f"{args.homes} homes x {args.days} days"
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())  # the machine's load, for the record
    base = min(decode_baseline(lines) for _ in range(2))
    runs = [engine_run(readings, tz) for _ in range(3)]
    took, _, engine, produced = min(runs, key=lambda r: r[0])
    cpu = min(r[1] for r in runs)
    rate, base_rate = len(readings) / took, len(readings) / base
    print(f"baseline (decode JSON lines): {base_rate:>12,.0f} readings/s")
    print(
        f"engine (process + ticks):     {rate:>12,.0f} readings/s  "
        f"({rate / base_rate:.2f} x the decode loop; goal {GOAL_RATE:,}: "
        f"{'met' if rate >= GOAL_RATE else 'NOT met'}); {produced} alerts and summaries"
    )
    print(f"engine, on CPU time:          {len(readings) / cpu:>12,.0f} readings/s  (load {load})")
    total = len(engine.to_bytes())
    sizes = [engine.home_bytes(home) for home in engine.homes()]
    print(
        f"state: {total / len(sizes):,.0f} bytes per home in the checkpoint, largest home "
        f"{max(sizes):,} bytes (goal {GOAL_BYTES:,}: "
        f"{'met' if max(sizes) <= GOAL_BYTES else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
