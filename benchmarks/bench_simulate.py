"""How fast ``carewatch simulate`` is, and how much memory it needs.

Runs ``carewatch simulate`` end to end in a child process (the acceptance command:
100 homes x 30 days, seed 1), then the two phases in this process, and measures in
the same run a baseline: encoding and writing the same number of pre-built reading
records, the least any simulator writing these files must spend. Prints home-days
per second, readings per second, peak memory (max RSS) and the ratio to baseline.

    .venv/bin/python benchmarks/bench_simulate.py [--homes 100] [--days 30] [--scenario all]
        [--population realistic|classic]
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from simulators import SCENARIO_KINDS, make_cohort, simulate_cohort
from simulators.output import write_simulation
from simulators.population import DEFAULT_POPULATION

CHUNK = 100_000


def _max_rss_mb(who: int) -> float:
    kib = resource.getrusage(who).ru_maxrss  # KiB on Linux
    return kib / 1024


def end_to_end(args: argparse.Namespace, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the CLI run in a child process."""
    command = [
        str(Path(sys.executable).with_name("carewatch")),
        "simulate",
        *("--homes", str(args.homes), "--days", str(args.days), "--seed", str(args.seed)),
        *(("--scenario", args.scenario) if args.scenario else ()),
        *("--population", args.population),
        "--out",
        str(out),
    ]
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began, _max_rss_mb(resource.RUSAGE_CHILDREN)


def phases(args: argparse.Namespace, out: Path) -> tuple[float, float, int]:
    """Seconds to simulate, seconds to write, and how many readings were written."""
    began = time.perf_counter()
    kinds = SCENARIO_KINDS if args.scenario == "all" else [args.scenario] if args.scenario else []
    cohort = simulate_cohort(
        make_cohort(args.homes, args.seed, args.population),
        days=args.days,
        seed=args.seed,
        scenarios=kinds,
    )
    simulated = time.perf_counter()
    counts = write_simulation(cohort, out, malformed=False)
    return simulated - began, time.perf_counter() - simulated, counts["readings.jsonl"]


def baseline(count: int, out: Path) -> float:
    """Seconds to encode and write ``count`` pre-built records (no simulation at all)."""
    records = [
        ReadingRecord(
            "home-001", "wrist-r-001", Kind.HEART_RATE, 1741000000.0 + i * 60.0, 70.0, "r-001"
        )
        for i in range(CHUNK)
    ]
    encoder = msgspec.json.Encoder()
    began = time.perf_counter()
    with (out / "baseline.jsonl").open("wb") as handle:
        for start in range(0, count, CHUNK):
            handle.write(encoder.encode_lines(records[: min(CHUNK, count - start)]))
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=100)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", default="", help="a scenario kind, or 'all'")
    parser.add_argument(
        "--population", choices=("realistic", "classic"), default=DEFAULT_POPULATION
    )
    args = parser.parse_args()
    home_days = args.homes * args.days
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cli_s, cli_rss = end_to_end(args, folder / "cli")
        sim_s, write_s, readings = phases(args, folder / "phases")
        process_rss = _max_rss_mb(resource.RUSAGE_SELF)
        base_s = baseline(readings, folder)
    total = sim_s + write_s
    print(
        f"carewatch simulate --homes {args.homes} --days {args.days} --seed {args.seed}"
        f" --scenario {args.scenario or '(none)'} --population {args.population}"
    )
    print(f"  end to end (CLI, child process): {cli_s:6.2f} s  peak RSS {cli_rss:7.1f} MB")
    print(f"    {home_days / cli_s:8.1f} home-days/s  {readings / cli_s:10.0f} readings/s")
    print(f"  in process: simulate {sim_s:6.2f} s + write {write_s:6.2f} s = {total:6.2f} s")
    print(f"    {home_days / total:8.1f} home-days/s  peak RSS {process_rss:7.1f} MB")
    print(f"  readings written: {readings}")
    print(f"  baseline: encode+write {readings} pre-built records: {base_s:6.2f} s")
    print(f"  ratio simulate+write / baseline: {total / base_s:5.2f}x")
    print(f"  ratio CLI end to end / baseline: {cli_s / base_s:5.2f}x")


if __name__ == "__main__":
    main()
