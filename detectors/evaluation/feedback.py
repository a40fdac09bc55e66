"""Feedback that tunes, measured: a simulated carer answers every alert as it is raised.

The cohort is replayed twice in-process: once as shipped, once with a carer who marks
each alert "useful" when it is about a labelled episode (the same test the scorer uses:
kind, window with grace, subject) and "not useful" otherwise, in event time: each word
moves that home's steps for the alert kind (carewatch/tuning.py) before the next reading
is taken, as the API's policy would reach the engine (decision D122). Both replays are
scored by :func:`~detectors.evaluation.evaluate`.

``scripts/evaluate feedback DIR`` (a folder from ``carewatch simulate``) prints the
comparison. Never run it on the unseen seeds (43-46): it is a demonstration, not a
tuning of the documented rules, but what the rules were tuned on must stay apart.
"""

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import msgspec
import typer

from carewatch.protocol import Alert, AlertKind
from carewatch.records import LabelRecord, ReadingRecord, read_readings, read_records
from carewatch.tuning import after_feedback
from detectors.cli import TICK_EVERY, find_time_zones, load_statuses, parse_duration
from detectors.config import EngineConfig
from detectors.engine import Engine
from detectors.evaluation.figures import Report, evaluate
from detectors.evaluation.scoring import by_home
from detectors.evaluation.span import judged, scan
from detectors.evaluation.targets import GRACE, TARGETS, in_window, names_subject


class Carer:
    """Knows what really happened (the labels) and says so of each alert at once."""

    def __init__(self, labels: Sequence[LabelRecord]) -> None:
        self.labels = by_home(labels)
        self.words = {True: 0, False: 0}

    def useful(self, alert: Alert) -> bool:
        """Whether the alert is about an episode under way (or just over)."""
        kind = AlertKind(alert.kind)
        said = any(
            lab.kind in TARGETS[kind]
            and in_window(lab, alert.detected_at, GRACE[kind])
            and names_subject(lab, alert)
            for lab in self.labels.get(alert.home, ())
        )
        self.words[said] += 1
        return said


def replay(where: Path, learning: float, carer: Carer | None) -> list[Alert]:
    """Replay ``where`` as ``carewatch replay`` does; ``carer`` (if any) answers each alert."""
    readings = where / "readings.jsonl"
    engine = Engine(replace(EngineConfig(), learning_period=learning))
    zones, _ = find_time_zones(readings, None)
    for home, zone in zones.items():
        engine.set_home_tz(home, zone)
    ends: dict[str, float] = {}
    alerts: list[Alert] = []
    statuses = load_statuses(where / "statuses.jsonl")
    for item in engine.replay(_ends(where, ends), TICK_EVERY, statuses):
        if not isinstance(item, Alert):
            continue
        alerts.append(item)
        if carer is not None:
            steps = engine.tuning(item.home)
            kind = AlertKind(item.kind)
            steps[kind] = after_feedback(steps.get(kind, 0), carer.useful(item))
            engine.tune(item.home, steps)
    # a home's recording ending while others go on is not an outage (as carewatch replay)
    return [a for a in alerts if a.detected_at <= ends.get(a.home, a.detected_at)]


def _ends(where: Path, ends: dict[str, float]) -> Iterator[ReadingRecord]:
    for reading in read_readings(where / "readings.jsonl", []):
        ends[reading.home] = max(ends.get(reading.home, 0.0), reading.ts)
        yield reading


class Comparison(msgspec.Struct):
    """The cohort scored without and with the carer's feedback."""

    before: Report
    after: Report
    useful: int  # the carer's words
    not_useful: int

    def false_alerts(self, report: Report) -> int:
        """False alerts of every kind."""
        return sum(kind.false_alerts for kind in report.kinds.values())

    def found(self, report: Report) -> int:
        """Episodes found, of every kind."""
        return sum(kind.found for kind in report.kinds.values())


def compare(where: Path, learning: float) -> Comparison:
    """Score the cohort in ``where`` as shipped and with a carer answering every alert."""
    labels = list(read_records(where / "labels.jsonl", LabelRecord))
    windows = judged(scan(where / "readings.jsonl"), learning)
    carer = Carer(labels)
    before = evaluate(labels, replay(where, learning, None), windows, draws=0)
    after = evaluate(labels, replay(where, learning, carer), windows, draws=0)
    return Comparison(before, after, carer.words[True], carer.words[False])


def markdown(c: Comparison) -> str:
    """The comparison as a table, per alert kind and in all."""
    lines = [
        "| alert kind | episodes | found before | found after | false before | false after |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, was in c.before.kinds.items():
        now = c.after.kinds[name]
        lines.append(
            f"| {name} | {was.episodes} | {was.found} | {now.found} | "
            f"{was.false_alerts} | {now.false_alerts} |"
        )
    before, after = c.false_alerts(c.before), c.false_alerts(c.after)
    cut = f"{1 - after / before:.0%}" if before else "n/a"
    lines.append(f"| **all** | | {c.found(c.before)} | {c.found(c.after)} | {before} | {after} |")
    lines.append("")
    lines.append(
        f"False alerts cut by {cut}; the carer said 'useful' {c.useful} times and "
        f"'not useful' {c.not_useful} times."
    )
    return "\n".join(lines)


def main(
    where: Annotated[Path, typer.Argument(help="a folder from carewatch simulate")],
    learning: Annotated[str, typer.Option(help="learning period")] = "14d",
) -> None:
    """Replay a simulated cohort with and without a carer's feedback; print the figures."""
    typer.echo(markdown(compare(where, parse_duration(learning))))


if __name__ == "__main__":
    typer.run(main)
