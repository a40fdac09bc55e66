"""The benchmark report: every goal of docs/performance.md, its figure, baseline and verdict.

Parts (``--only`` picks some), each against a baseline measured in the same run:

1. ingest: ``IngestService`` as ``carewatch ingest run`` builds it, detectors on (the
   default) and off, into SQLite and InfluxDB, against a bare paho drain and a naive
   peer (decode, river EWMean per key, SQLite append-only) (``bench_ingest``);
2. replay: ``carewatch replay``'s loop timed from the file, against a decode-only loop
   (``bench_replay``);
3. scale: replay rate at ``--scale-homes`` (10 and 1 000) and RSS growth per home after
   ``--scale-days``, each cohort in a fresh child process (``bench_scale``);
4. latency: reading published -> alert announced by the API, no load then under a
   ``--homes`` load, through Mosquitto, ``carewatch ingest run`` and ``carewatch api
   serve`` (``bench_latency``);
5. gateway: peak RSS and the drain of a week's outbox, against a bare paho publisher
   (``bench_gateway``).

Each part runs ``--rounds`` times (the machine may be shared: compare within a round);
the goals are printed at the end, one line per goal and round. Run from the repository
root: ``.venv/bin/python benchmarks/report.py [--rounds 1 --messages 20000 ...]``
"""

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmark modules

import bench_gateway
import bench_ingest
import bench_latency
import bench_replay
import bench_scale

PARTS = ("ingest", "replay", "scale", "latency", "gateway")
ALERT_P99_MS = 200.0
GATEWAY_RSS_MB = 40.0
GATEWAY_DRAIN_S = 60.0


@dataclass
class Goal:
    """One goal as measured: the figure, the baseline beside it, and whether it is met."""

    name: str
    figure: str
    baseline: str
    met: bool

    def line(self) -> str:
        verdict = "met" if self.met else "NOT met"
        return f"{self.name}: {self.figure}; baseline {self.baseline} -> {verdict}"


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load} at {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
    )


def ingest(args: argparse.Namespace) -> list[Goal]:
    rates = bench_ingest.measure(args.messages, args.workers)
    _print(bench_ingest.summary(rates))
    naive, bare = rates[bench_ingest.NAIVE], rates[bench_ingest.BARE]
    return [
        Goal(
            f"ingest + SQLite, detectors {state} >= 1.0x the naive peer",
            f"{rates[name]:,.0f} readings/s ({rates[name] / naive:.2f}x)",
            f"naive peer {naive:,.0f} readings/s",
            rates[name] >= naive,
        )
        for state, name in (("on", bench_ingest.SQLITE_ON), ("off", bench_ingest.SQLITE_OFF))
    ] + [
        Goal(
            f"ingest + InfluxDB, detectors {state} >= 0.4x the bare drain",
            f"{rates[name]:,.0f} readings/s ({rates[name] / bare:.2f}x)",
            f"bare paho drain {bare:,.0f} readings/s",
            rates[name] >= 0.4 * bare,
        )
        for state, name in (("on", bench_ingest.INFLUX_ON), ("off", bench_ingest.INFLUX_OFF))
    ]


def replay(args: argparse.Namespace) -> list[Goal]:
    base, runs = bench_replay.measure(args.replay_homes, args.replay_days)
    _print(bench_replay.lines(base, runs, args.replay_homes, args.replay_days))
    best = max(r.rate for r in runs)
    base_rate = base[1] / base[0]
    goal = bench_replay.GOAL_RATE
    return [
        Goal(
            f"replay from the file >= {goal:,} readings/s "
            f"({args.replay_homes} homes x {args.replay_days} days)",
            f"{best:,.0f} readings/s ({best / base_rate:.2f}x the decode loop)",
            f"decode-only loop {base_rate:,.0f} readings/s",
            best >= goal,
        )
    ]


def scale(args: argparse.Namespace) -> list[Goal]:
    runs = bench_scale.measure(args.scale_homes, args.scale_days, ["default"])
    for item in runs:
        _print(item.lines())
    small, large = min(runs, key=lambda r: r.homes), max(runs, key=lambda r: r.homes)
    ratio, per_home = large.rate / small.rate, large.rss_per_home
    f = large.figures
    return [
        Goal(
            f"replay at {large.homes:,} homes >= {bench_scale.GOAL_RATIO}x at {small.homes:,}",
            f"{large.rate:,.0f} readings/s ({ratio:.2f}x; on CPU time "
            f"{large.cpu_rate / small.cpu_rate:.2f}x)",
            f"{small.homes:,} homes {small.rate:,.0f} readings/s",
            ratio >= bench_scale.GOAL_RATIO,
        ),
        Goal(
            f"RSS growth <= {bench_scale.GOAL_BYTES_PER_HOME / 1e3:.0f} KB per home "
            f"({large.homes:,} homes x {large.days} days)",
            f"{per_home / 1e3:,.1f} KB per home (checkpoint, compressed: "
            f"{f['checkpoint'] / f['homes'] / 1e3:,.1f} KB)",
            f"empty engine {f['rss_before'] / 1e6:,.1f} MB RSS",
            per_home <= bench_scale.GOAL_BYTES_PER_HOME,
        ),
    ]


def latency(args: argparse.Namespace) -> list[Goal]:
    result = bench_latency.measure(args.homes, args.seconds)
    _print(result.lines())
    loaded, idle = _p99(result.loaded_ms), _p99(result.idle_ms)
    return [
        Goal(
            f"p99 published -> alert at the API <= {ALERT_P99_MS:.0f} ms "
            f"({args.homes:,} homes' traffic)",
            f"{loaded:,.0f} ms ({result.missed} triggers without an alert)",
            f"no load {idle:,.0f} ms",
            loaded <= ALERT_P99_MS and not result.missed,
        )
    ]


def gateway(args: argparse.Namespace) -> list[Goal]:
    g = bench_gateway.measure(args.gateway_days)
    return [
        Goal(
            f"gateway peak RSS <= {GATEWAY_RSS_MB:.0f} MB",
            f"{g.peak_rss_mb:.1f} MB",
            f"bare paho publisher {g.baseline_rss_mb:.1f} MB",
            g.peak_rss_mb <= GATEWAY_RSS_MB,
        ),
        Goal(
            f"gateway drains {args.gateway_days} days' outbox ({g.readings:,} readings) "
            f"<= {GATEWAY_DRAIN_S:.0f} s",
            f"{g.drain_s:.2f} s ({g.drain_s / g.baseline_s:.1f}x)",
            f"bare paho publisher {g.baseline_s:.2f} s",
            g.drain_s <= GATEWAY_DRAIN_S,
        ),
    ]


RUNS: dict[str, Callable[[argparse.Namespace], list[Goal]]] = {
    "ingest": ingest,
    "replay": replay,
    "scale": scale,
    "latency": latency,
    "gateway": gateway,
}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--messages", type=int, default=20_000, help="ingest: messages of 50")
    parser.add_argument("--workers", type=int, default=2, help="ingest: shared-subscription run")
    parser.add_argument("--replay-homes", type=int, default=20)
    parser.add_argument("--replay-days", type=int, default=30)
    parser.add_argument("--scale-homes", type=int, nargs=2, default=[10, 1000])
    parser.add_argument("--scale-days", type=int, default=30)
    parser.add_argument("--homes", type=int, default=10_000, help="latency: homes")
    parser.add_argument("--seconds", type=float, default=90.0, help="latency: load duration")
    parser.add_argument("--gateway-days", type=int, default=7)
    parser.add_argument("--only", choices=PARTS, action="append")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    print(machine(), flush=True)
    goals: list[tuple[int, Goal]] = []
    for round_no in range(1, args.rounds + 1):
        for part in args.only or PARTS:
            print(f"\n== {part}, round {round_no} ({time.strftime('%H:%M:%S')}, "
                  f"load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
            goals += [(round_no, goal) for goal in RUNS[part](args)]
    print(f"\n== goals ({len(goals)}, {sum(g.met for _, g in goals)} met)")
    _print([f"[round {round_no}] {goal.line()}" for round_no, goal in goals])
    print(machine())


def _p99(ms: list[float]) -> float:
    if len(ms) < 2:
        return max(ms, default=float("inf"))
    return statistics.quantiles(ms, n=100, method="inclusive")[98]


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line, flush=True)


if __name__ == "__main__":
    main()
