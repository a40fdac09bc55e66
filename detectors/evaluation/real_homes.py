"""Recorded homes (``carewatch import ... --out DIR``): one row per home.

Real recordings rarely label a crisis, so nearly every alert there is false; their
labels of ordinary life (``sleep``, ``away``, ...) say what was going on when it came.
Where a recording does label episodes an alert kind targets, they are scored as in the
simulated cohorts, beside a random alerter as frequent.
"""

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from detectors.evaluation.cohorts import without_kind
from detectors.evaluation.figures import Report, evaluate
from detectors.evaluation.runs import Run, load, pool, replay
from detectors.evaluation.tables import markdown

PER_DAYS = 30.0  # a real home is watched for weeks: false alerts per home per 30 days

HEADER = (
    "| home | days judged | sensor kinds | alerts by type | false alerts | "
    f"false per {PER_DAYS:.0f} days | false alerts during | labelled episodes found "
    "(random alerter) |"
)


def real_homes(
    dirs: Sequence[Path],
    out: Path,
    learning: str,
    seconds: float,
    draws: int,
    partial_kits: bool = False,
) -> tuple[Report, list[str]]:
    """Replay each folder with ``learning``; the pooled report and the markdown lines.

    With ``partial_kits`` each home is also replayed once without each kind of sensor it
    has (its own row each; the pooled report is of the whole kits only).
    """
    whole = []
    for where in dirs:
        whole.append(
            _run(where, out, learning, seconds, f"{where.name}: " if len(dirs) > 1 else "")
        )
    variants = []
    for where, run in zip(dirs, whole, strict=True) if partial_kits else ():
        for kind in sorted({k for seen in run.seen.values() for k in seen.kinds}):
            fewer = without_kind(where, kind, out / f"real-{where.name}-without-{kind}")
            variants.append(_run(fewer, out, learning, seconds, f"{where.name} without {kind}: "))
    run = pool(whole)
    every = pool([run, *variants])
    lines = [HEADER, "|---|---|---|---|---|---|---|---|"]
    lines += [_row(every, home, draws) for home in sorted(every.windows)]
    report = evaluate(run.labels, run.alerts, run.windows, draws)
    return report, [*lines, "", "All of them (whole kits), per alert type:", "", markdown(report)]


def _run(where: Path, out: Path, learning: str, seconds: float, tag: str) -> Run:
    alerts = replay(where, learning, out / f"real-{where.name}-alerts.jsonl")
    return load(where, alerts, seconds, tag)


def _row(run: Run, home: str, draws: int) -> str:
    window = run.windows[home]
    labels = [lab for lab in run.labels if lab.home == home]
    alerts = [a for a in run.alerts if a.home == home and window.holds(a.detected_at)]
    report = evaluate(labels, alerts, {home: window}, draws)
    by_type = Counter(a.kind.value for a in alerts)
    false = sum(k.false_alerts for k in report.kinds.values())
    during: Counter[str] = Counter()
    for k in report.kinds.values():
        during.update(k.false_during)
    rate = false / window.days * PER_DAYS if window.days else 0.0
    found = [
        f"{name} {k.found}/{k.episodes} ({k.chance.recall.mean * k.episodes:.1f})"
        if k.chance and k.chance.recall
        else f"{name} {k.found}/{k.episodes}"
        for name, k in report.kinds.items()
        if k.episodes
    ]
    return (
        f"| {home} | {window.days:.1f} | {', '.join(run.seen[home].kinds)} | "
        f"{', '.join(f'{kind} {n}' for kind, n in sorted(by_type.items())) or 'none'} | "
        f"{false} | {rate:.1f} | "
        f"{', '.join(f'{lab} {n}' for lab, n in sorted(during.items())) or 'none'} | "
        f"{'; '.join(found) or 'none labelled'} |"
    )
