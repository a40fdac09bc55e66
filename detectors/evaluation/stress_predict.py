"""Stress on real wrist heart rate: the Stress-Predict sessions, one row each.

Each session is a short recording (rest, then three stress tasks) judged after its
learning minutes; one alert finds at most one task, so the grace after a task cannot
credit an alert raised in the rest before the next to both.

A wearable alone does not arm stress at rest (decision D77), so the sessions are replayed
twice: as recorded (nothing is armed: any alert is counted false) and seated, with one
chair reading before each session (the participants sat throughout), which is what a home
with a chair sensor would give the detector.
"""

import shutil
from pathlib import Path

import msgspec

from carewatch.protocol import AlertKind, Kind
from carewatch.records import ReadingRecord, read_readings
from detectors.evaluation.figures import KindReport, Report, evaluate
from detectors.evaluation.runs import Run, load, replay
from detectors.evaluation.tables import fmt, minutes, spread
from detectors.evaluation.targets import GRACE

LEARNING, LEARNING_S = "10m", 600.0  # the rest before the first task
STRESS = AlertKind.STRESS


def stress_predict(data: Path, out: Path, draws: int) -> tuple[Report, list[str]]:
    """Replay the sessions in ``data`` as recorded and seated; the seated report and the
    markdown lines of both."""
    alerts = replay(data, LEARNING, out / f"{data.name}-alerts.jsonl")
    recorded = load(data, alerts, LEARNING_S)
    k = evaluate(recorded.labels, recorded.alerts, recorded.windows, draws=0).kinds[STRESS]
    head = [
        f"As recorded (a wearable alone): stress is not armed, {k.unarmed_episodes} tasks not "
        f"judged, {k.false_alerts} stress alerts raised. Seated (one chair reading added "
        "before each session):",
        "",
    ]
    report, lines = _scored(seated(data, out / f"{data.name}-seated"), out, draws)
    return report, head + lines


def seated(data: Path, dest: Path) -> Path:
    """A copy of the sessions in ``data`` with a chair reading 1 s before each one starts."""
    dest.mkdir(parents=True, exist_ok=True)
    first: dict[str, float] = {}
    for reading in read_readings(data / "readings.jsonl"):
        first[reading.home] = min(reading.ts, first.get(reading.home, reading.ts))
    chairs = [ReadingRecord(home, "chair", Kind.CHAIR, ts - 1.0, 1.0) for home, ts in first.items()]
    with (dest / "readings.jsonl").open("wb") as out:
        out.write(b"".join(msgspec.json.encode(c) + b"\n" for c in chairs))
        out.write((data / "readings.jsonl").read_bytes())
    for name in ("labels.jsonl", "homes.json"):
        if (data / name).is_file():
            shutil.copyfile(data / name, dest / name)
    return dest


def _scored(data: Path, out: Path, draws: int) -> tuple[Report, list[str]]:
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
