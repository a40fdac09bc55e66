"""Stress on real wrist heart rate: the Stress-Predict sessions, one row each.

Each session is a short recording (rest, then three stress tasks) judged after its
learning minutes; one alert finds at most one task, so the grace after a task cannot
credit an alert raised in the rest before the next to both.
"""

from pathlib import Path

from carewatch.protocol import AlertKind
from detectors.evaluation.figures import KindReport, Report, evaluate
from detectors.evaluation.runs import Run, load, replay
from detectors.evaluation.tables import fmt, minutes, spread
from detectors.evaluation.targets import GRACE

LEARNING, LEARNING_S = "10m", 600.0  # the rest before the first task
STRESS = AlertKind.STRESS


def stress_predict(data: Path, out: Path, draws: int) -> tuple[Report, list[str]]:
    """Replay the sessions in ``data``; the pooled report and the markdown lines."""
    alerts = replay(data, LEARNING, out / f"{data.name}-alerts.jsonl")
    run = load(data, alerts, LEARNING_S)
    run.alerts = [a for a in run.alerts if a.kind == STRESS]
    grace = GRACE[STRESS] / 60
    lines = [
        f"| session | stress tasks | found (alert in the task or {grace:.0f} min after) "
        "| found inside the task | repeats | false alerts | random: found |",
        "|---|---|---|---|---|---|---|",
    ]
    for home in sorted(run.windows):
        mine = _only(run, home)
        k = evaluate(mine.labels, mine.alerts, mine.windows, draws).kinds[STRESS]
        lines.append(_row(home, k))
    report = evaluate(run.labels, run.alerts, run.windows, draws)
    k = report.kinds[STRESS]
    lines.append(_row("all", k))
    return report, [*lines, "", summary(k, len(run.windows))]


def summary(k: KindReport, sessions: int) -> str:
    """Found, inside, false per session and the random alerter's, in words."""
    luck = k.chance
    inside = luck.inside_rate if luck else None
    inside_found = luck.found_inside if luck else None
    return (
        f"{k.found} of {k.episodes} tasks found (recall {fmt(k.recall)}; random alerter "
        f"{spread(luck.recall if luck else None)}), {k.found_inside} by an alert inside the "
        f"task (random {spread(inside_found, 1)}); alerts inside a task: "
        f"{fmt(k.inside_rate)} of {k.alerts} (random {spread(inside)}); {k.repeats} repeats, "
        f"{k.false_alerts} false alerts ({k.false_alerts / max(sessions, 1):.2f} per session); "
        f"median delay {minutes(k.delay_median_min)}."
    )


def _only(run: Run, home: str) -> Run:
    return Run(
        [lab for lab in run.labels if lab.home == home],
        [a for a in run.alerts if a.home == home],
        {home: run.seen[home]},
        {home: run.windows[home]},
    )


def _row(name: str, k: KindReport) -> str:
    luck = k.chance.recall if k.chance else None
    found = "n/a" if luck is None else f"{luck.mean * k.episodes:.1f}"
    return (
        f"| {name} | {k.episodes} | {k.found} | {k.found_inside} | {k.repeats} | "
        f"{k.false_alerts} | {found} |"
    )
