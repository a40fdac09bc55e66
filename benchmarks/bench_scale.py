"""Replay throughput and memory as the number of homes grows: 10 homes against 1 000.

For each ``--homes`` count, ``carewatch simulate`` writes a cohort of ``--days`` days;
then a fresh child process replays the file as ``carewatch replay`` does (decoding
included) and measures, on its own:

- throughput: readings/s in wall and CPU time, and the share of time spent in
  Python's garbage collector (``gc.callbacks``);
- memory: resident set size (``/proc/self/statm``) after imports and an empty engine,
  and again after the replay (and a ``gc.collect``); the growth divided by the homes is
  what each home costs in RAM. The compressed checkpoint per home is printed beside
  it, labelled: it is what a restart reads, not what the process holds.

The ratio of the largest cohort's rate to the smallest's (same run, same days) says
whether replay slows as homes grow. ``--gc`` also runs the children with a garbage
collector setting (an experiment; ``carewatch replay`` runs with ``default``):
``freeze`` moves everything alive after the first simulated day out of the collector's
sight (``gc.freeze``), ``daily`` does so after every simulated day, ``tuned`` is
``daily`` with the young generation's threshold raised (``TUNED``), ``off`` disables
the collector during the replay (the ceiling: what the collector costs at most).

Run: ``.venv/bin/python benchmarks/bench_scale.py [--homes 10 1000 --days 30 --gc default]``
Goals: RSS growth <= 16 KB per home after 30 days at 1 000 homes; replay at 1 000 homes
>= 0.8x its rate at 10 homes.
"""

import argparse
import gc
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmark modules

import bench_replay

from carewatch.records import ReadingRecord, read_readings
from detectors import Engine, EngineConfig
from detectors.cli import load_homes, run
from detectors.config import DAY

GOAL_BYTES_PER_HOME = 16_000
GOAL_RATIO = 0.8
GC_MODES = ("default", "freeze", "daily", "tuned", "off")
TUNED = (50_000, 50, 100)  # gen-0 threshold raised: fewer young collections


def rss_bytes() -> int:
    """This process's resident set size now (Linux ``/proc/self/statm``)."""
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


class GcTimer:
    """Seconds spent in the garbage collector, through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def freezing(readings: Iterator[ReadingRecord], mode: str) -> Iterator[ReadingRecord]:
    """Pass readings through, calling ``gc.freeze`` as ``mode`` says (event time)."""
    if mode in ("default", "off"):
        yield from readings
        return
    if mode == "tuned":
        gc.set_threshold(*TUNED)
    next_freeze = None
    for reading in readings:
        if next_freeze is None:
            next_freeze = reading.ts + DAY
        elif reading.ts >= next_freeze:
            gc.freeze()
            next_freeze = math.inf if mode == "freeze" else reading.ts + DAY
        yield reading


def child(path: Path, homes_json: Path, mode: str) -> dict[str, float]:
    """Replay ``path`` in this (fresh) process; rates, GC share and RSS before and after."""
    engine = Engine(EngineConfig())
    for home, zone in load_homes(homes_json).items():
        engine.set_home_tz(home, zone)
    gc.collect()
    before = rss_bytes()
    timer = GcTimer()
    count = 0

    def counted() -> Iterator[ReadingRecord]:
        nonlocal count
        for reading in read_readings(path):
            count += 1
            yield reading

    if mode == "off":
        gc.disable()
    start, cpu = time.perf_counter(), time.process_time()
    produced = sum(1 for _ in run(engine, freezing(counted(), mode)))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    gc_seconds = timer.seconds  # before the collection below, which is not the replay's
    gc.enable()
    gc.unfreeze()
    gc.collect()
    after = rss_bytes()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {
        "homes": len(engine.homes()),
        "readings": count,
        "produced": produced,
        "wall": wall,
        "cpu": cpu,
        "gc": gc_seconds,
        "rss_before": before,
        "rss_after": after,
        "rss_peak": peak,
        "checkpoint": len(engine.to_bytes()),
    }


@dataclass
class Run:
    """One child's figures."""

    homes: int
    days: int
    mode: str
    figures: dict[str, float]

    @property
    def rate(self) -> float:
        return self.figures["readings"] / self.figures["wall"]

    @property
    def cpu_rate(self) -> float:
        return self.figures["readings"] / self.figures["cpu"]

    @property
    def rss_per_home(self) -> float:
        f = self.figures
        return (f["rss_after"] - f["rss_before"]) / f["homes"]

    def lines(self) -> list[str]:
        f = self.figures
        return [
            f"{self.homes:,} homes x {self.days} days, gc {self.mode}: {f['readings']:,.0f} "
            f"readings, {self.rate:,.0f} readings/s wall, {self.cpu_rate:,.0f} on CPU time, "
            f"GC {f['gc'] / f['cpu']:.0%} of CPU time, {f['produced']:,.0f} alerts and summaries",
            f"  RSS {f['rss_before'] / 1e6:,.1f} MB empty -> {f['rss_after'] / 1e6:,.1f} MB "
            f"(peak {f['rss_peak'] / 1e6:,.1f}): RSS growth {self.rss_per_home / 1e3:,.1f} KB "
            f"per home; detector checkpoint (compressed, not memory) "
            f"{f['checkpoint'] / f['homes'] / 1e3:,.1f} KB per home",
        ]


def spawn(path: Path, homes_json: Path, mode: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(path), str(homes_json), mode]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def measure(homes: list[int], days: int, modes: list[str], seed: int = 5) -> list[Run]:
    """Simulate each cohort (one at a time: a 1 000-home month is GBs) and replay it."""
    runs = []
    for count in homes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            bench_replay.simulate(count, days, seed, out)
            for mode in modes:
                figures = spawn(out / "readings.jsonl", out / "homes.json", mode)
                runs.append(Run(count, days, mode, figures))
    return runs


def verdicts(runs: list[Run]) -> list[str]:
    """The goals: RSS per home at the largest cohort; its rate against the smallest's."""
    out = []
    for mode in dict.fromkeys(r.mode for r in runs):
        mine = sorted((r for r in runs if r.mode == mode), key=lambda r: r.homes)
        small, large = mine[0], mine[-1]
        ratio, cpu_ratio = large.rate / small.rate, large.cpu_rate / small.cpu_rate
        per_home = large.rss_per_home
        out += [
            f"gc {mode}: replay at {large.homes:,} homes / at {small.homes:,} homes = "
            f"{ratio:.2f}x wall, {cpu_ratio:.2f}x CPU time (goal >= {GOAL_RATIO}x: "
            f"{'met' if ratio >= GOAL_RATIO else 'NOT met'})",
            f"gc {mode}: RSS growth per home at {large.homes:,} homes after {large.days} days = "
            f"{per_home / 1e3:,.1f} KB (goal <= {GOAL_BYTES_PER_HOME / 1e3:.0f} KB: "
            f"{'met' if per_home <= GOAL_BYTES_PER_HOME else 'NOT met'})",
        ]
    return out


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, nargs="+", default=[10, 1000])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--gc", choices=GC_MODES, nargs="+", default=["default"])
    args = parser.parse_args()
    runs = measure(args.homes, args.days, args.gc, args.seed)
    for item in runs:
        for line in item.lines():
            print(line, flush=True)
    for line in verdicts(runs):
        print(line)


if __name__ == "__main__":
    main()
