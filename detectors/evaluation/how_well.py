""" "How well it works", whole: simulated cohorts (seeds tuned on and unseen, with and
without wearables), Stress-Predict, recorded homes, and optionally the replay benchmark.

Everything is measured afresh by the same strict scorer; ``run`` returns the markdown
and a JSON-able dict of every report.
"""

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from detectors.evaluation.cohorts import simulate, without_wearables
from detectors.evaluation.figures import Report, evaluate
from detectors.evaluation.real_homes import real_homes
from detectors.evaluation.runs import Run, load, pool, replay, say
from detectors.evaluation.stress_predict import stress_predict
from detectors.evaluation.summary import summary
from detectors.evaluation.tables import fmt, markdown

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Plan:
    """What to measure (the defaults reproduce README's tables)."""

    out: Path
    homes: int = 50
    days: int = 60
    seeds: list[int] = field(default_factory=lambda: [41, 42])
    unseen: list[int] = field(default_factory=lambda: [43])
    learning: str = "14d"
    learning_s: float = 14 * 86_400.0
    wearables_removed: bool = True
    stress_predict: Path | None = REPO / "tests" / "data" / "stress-predict-dev"
    real: list[Path] = field(default_factory=list)
    real_learning: str = "3d"
    real_learning_s: float = 3 * 86_400.0
    partial_kits: bool = False
    draws: int = 200
    reuse: bool = False
    bench: bool = False


def run(plan: Plan) -> tuple[str, dict[str, Any]]:
    """Measure everything in ``plan``; the markdown and the reports as plain data."""
    plan.out.mkdir(parents=True, exist_ok=True)
    lines, reports = _cohorts(plan)
    if plan.stress_predict is not None:
        say("Stress-Predict")
        sp, sp_lines = stress_predict(plan.stress_predict, plan.out, plan.draws)
        reports["stress-predict"] = msgspec.to_builtins(sp)
        lines += [
            "### Stress-Predict (real wrist heart rate, 10-minute learning)",
            "",
            *sp_lines,
            "",
        ]
    if plan.real:
        real, real_lines = real_homes(
            plan.real,
            plan.out,
            plan.real_learning,
            plan.real_learning_s,
            plan.draws,
            plan.partial_kits,
        )
        reports["real homes"] = msgspec.to_builtins(real)
        lines += [f"### Recorded homes (learning {plan.real_learning})", "", *real_lines, ""]
    if plan.bench:
        lines += ["### Replay benchmark (`benchmarks/bench_replay.py`)", "", "```", _bench(), "```"]
    head = f"Random alerter: {plan.draws} draws, mean (5th–95th percentile)."
    if plan.seeds or plan.unseen:
        head = (
            f"Simulated cohorts: {plan.homes} homes x {plan.days} days per seed, every "
            f"scenario, replayed on the defaults (learning {plan.learning}). {head}"
        )
    return "\n".join([head, "", *lines]).rstrip() + "\n", reports


def _cohorts(plan: Plan) -> tuple[list[str], dict[str, Any]]:
    """The summary table, then a full table per group of seeds, with and without wearables."""
    lines: list[str] = []
    reports: dict[str, Any] = {}
    scored: dict[tuple[str, bool], Report] = {}
    variants = [True, False] if plan.wearables_removed else [True]
    runs: dict[tuple[int, bool], Run] = {}
    for seed in plan.seeds + plan.unseen:
        where = simulate(plan.out, seed, plan.homes, plan.days, plan.reuse)
        for worn in variants:
            runs[(seed, worn)] = _cohort(plan, where if worn else without_wearables(where), seed)
    for worn in variants:
        for name, seeds in (("tuned on", plan.seeds), ("unseen", plan.unseen)):
            if not seeds:
                continue
            title = f"seeds {', '.join(map(str, seeds))} ({name}), " + (
                "with wearables" if worn else "without wearables (heart rate removed)"
            )
            say(f"scoring {title}")
            report = scored[(name, worn)] = _score(
                pool([runs[(s, worn)] for s in seeds]), plan.draws
            )
            reports[title] = msgspec.to_builtins(report)
            lines += [f"### Simulated cohorts: {title}", "", markdown(report), ""]
            if len(seeds) > 1:
                lines += [*_per_seed(seeds, worn, runs), ""]
    table = summary(*(scored.get(key) for key in _SUMMARY))
    if table:
        lines = ["### Summary", "", *table, "", *lines]
    return lines, reports


_SUMMARY = (("tuned on", True), ("unseen", True), ("tuned on", False), ("unseen", False))


def _cohort(plan: Plan, where: Path, seed: int) -> Run:
    alerts = replay(where, plan.learning, where / "alerts.jsonl")
    return load(where, alerts, plan.learning_s, tag=f"s{seed}-")


def _score(run: Run, draws: int) -> Report:
    return evaluate(run.labels, run.alerts, run.windows, draws)


def _per_seed(seeds: list[int], worn: bool, runs: dict[tuple[int, bool], Run]) -> list[str]:
    lines = ["Per seed (recall / false per resident per 90 days):", ""]
    for seed in seeds:
        report = _score(runs[(seed, worn)], draws=0)
        row = ", ".join(
            f"{name} {fmt(k.recall)} / {k.false_per_resident_90d:.2f}"
            for name, k in report.kinds.items()
        )
        lines.append(f"- seed {seed}: {row}")
    return lines


def _bench() -> str:
    say("replay benchmark")
    script = REPO / "benchmarks" / "bench_replay.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    return done.stdout.strip()
