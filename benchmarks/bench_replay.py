"""Replay speed of the detection engine from the file, against a decode-only loop.

Simulates a cohort (``carewatch simulate``, all scenarios), then on one core in the same
run, both from the readings file:

1. baseline: ``read_readings`` over the file, doing nothing with each reading: what
   reading and decoding the file alone costs;
2. replay: what ``carewatch replay`` does (``detectors.cli.run`` over ``read_readings``,
   the replay's watermark ticks, the default engine settings), alerts and summaries
   counted: decoding included;
3. state: the checkpoint (``Engine.to_bytes``, compressed) per home, and the largest
   home. This is not memory: ``bench_scale.py`` measures RSS growth per home.

The replay's best of three runs is reported in wall time (the goal) and CPU time, which
moves less when other processes share the core.

Run: ``.venv/bin/python benchmarks/bench_replay.py [--homes 20 --days 30]``
Goal: >= 300 000 readings/s through the replay, decoding included.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from carewatch.records import ReadingRecord, read_readings
from detectors import Engine, EngineConfig
from detectors.cli import load_homes, run

GOAL_RATE = 300_000


def simulate(homes: int, days: int, seed: int, out: Path) -> None:
    """``carewatch simulate`` into ``out`` (readings.jsonl, homes.json)."""
    carewatch = Path(sys.executable).with_name("carewatch")
    options = {"--homes": homes, "--days": days, "--seed": seed, "--scenario": "all", "--out": out}
    subprocess.run(
        [str(carewatch), "simulate", *(str(x) for pair in options.items() for x in pair)],
        check=True,
        capture_output=True,
    )


def decode_only(path: Path) -> tuple[float, int]:
    """Seconds to read and decode every reading of ``path`` (nothing done with them)."""
    count = 0
    start = time.perf_counter()
    for _ in read_readings(path):
        count += 1
    return time.perf_counter() - start, count


@dataclass
class Replay:
    """One replay of a file: wall and CPU seconds, readings, outputs, the engine after."""

    wall: float
    cpu: float
    readings: int
    produced: int
    engine: Engine

    @property
    def rate(self) -> float:
        return self.readings / self.wall


def replay(path: Path, tz: dict[str, str]) -> Replay:
    """Replay ``path`` as ``carewatch replay`` does, timed from the file."""
    engine = Engine(EngineConfig())
    for home, zone in tz.items():
        engine.set_home_tz(home, zone)
    count = 0

    def counted() -> Iterator[ReadingRecord]:
        nonlocal count
        for reading in read_readings(path):
            count += 1
            yield reading

    start, cpu = time.perf_counter(), time.process_time()
    produced = sum(1 for _ in run(engine, counted()))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Replay(wall, cpu, count, produced, engine)


def lines(base: tuple[float, int], runs: list[Replay], homes: int, days: int) -> list[str]:
    """The figures: decode loop, replay (best wall, best CPU), checkpoint per home."""
    best = min(runs, key=lambda r: r.wall)
    cpu = min(r.cpu for r in runs)
    base_rate = base[1] / base[0]
    engine = best.engine
    sizes = [engine.home_bytes(home) for home in engine.homes()]
    return [
        f"{best.readings:,} readings, {homes} homes x {days} days, "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"baseline (read and decode the file): {base_rate:>12,.0f} readings/s",
        f"replay from the file (decode + engine): {best.rate:>9,.0f} readings/s  "
        f"({best.rate / base_rate:.2f} x the decode loop; goal {GOAL_RATE:,}: "
        f"{'met' if best.rate >= GOAL_RATE else 'NOT met'}); {best.produced} alerts and summaries",
        f"replay, on CPU time: {best.readings / cpu:>26,.0f} readings/s",
        f"detector checkpoint (compressed, not memory): "
        f"{len(engine.to_bytes()) / len(sizes):,.0f} bytes per home, largest {max(sizes):,}",
    ]


def measure(
    homes: int, days: int, seed: int = 5, repeat: int = 3
) -> tuple[tuple[float, int], list[Replay]]:
    """Simulate, then time the decode loop (best of 2) and ``repeat`` replays of the file."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        simulate(homes, days, seed, out)
        path = out / "readings.jsonl"
        tz = load_homes(out / "homes.json")
        base = min(decode_only(path) for _ in range(2))
        runs = [replay(path, tz) for _ in range(repeat)]
    return base, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    base, runs = measure(args.homes, args.days, args.seed)
    for line in lines(base, runs, args.homes, args.days):
        print(line)


if __name__ == "__main__":
    main()
