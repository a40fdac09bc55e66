"""``python -m detectors.evaluation`` (what ``scripts/evaluate`` runs): "How well it works".

Writes ``<out>/how-well-it-works.md`` and ``.json`` and prints the markdown; progress
goes to stderr.
"""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from carewatch.errors import BadData
from detectors.cli import parse_duration
from detectors.evaluation.how_well import REPO, Plan, run

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _seeds(text: str) -> list[int]:
    try:
        return [int(s) for s in text.split(",") if s.strip()]
    except ValueError as error:
        raise BadData(f"seeds {text!r} are not like 41,42") from error


@app.command()
def main(
    out: Annotated[Path, typer.Option(help="folder for cohorts, alerts and the report")] = Path(
        "build/evaluation"
    ),
    homes: Annotated[int, typer.Option(min=1, help="homes per simulated seed")] = 50,
    days: Annotated[int, typer.Option(min=1, help="days per simulated home")] = 60,
    seeds: Annotated[str, typer.Option(help="seeds the rules were tuned on")] = "41,42",
    unseen: Annotated[str, typer.Option(help="seeds never tuned on ('' for none)")] = "43",
    learning: Annotated[str, typer.Option(help="learning period of the cohorts")] = "14d",
    wearables_removed: Annotated[
        bool, typer.Option(help="also score every cohort with its heart rate removed")
    ] = True,
    stress_predict: Annotated[
        Path | None, typer.Option(help="Stress-Predict folder (readings.jsonl, labels.jsonl)")
    ] = REPO / "tests" / "data" / "stress-predict-dev",
    skip_stress_predict: Annotated[bool, typer.Option(help="leave Stress-Predict out")] = False,
    real: Annotated[
        list[Path] | None,
        typer.Option(help="a recorded home folder (readings.jsonl, homes.json, labels.jsonl)"),
    ] = None,
    real_learning: Annotated[str, typer.Option(help="learning period of recorded homes")] = "3d",
    partial_kits: Annotated[
        bool, typer.Option(help="also replay each recorded home without each sensor kind")
    ] = False,
    draws: Annotated[int, typer.Option(min=0, help="random alerters per figure")] = 200,
    reuse: Annotated[bool, typer.Option(help="reuse cohorts already simulated in OUT")] = False,
    bench: Annotated[bool, typer.Option(help="also run the replay benchmark")] = False,
) -> None:
    """Measure "How well it works" with the strict scorer."""
    recordings: list[tuple[str, Path | None]] = [("--real", where) for where in real or []]
    if not skip_stress_predict:
        recordings.append(("--stress-predict", stress_predict))
    for option, where in recordings:
        _check_recording(option, where)
    plan = Plan(
        out=out, homes=homes, days=days, seeds=_seeds(seeds), unseen=_seeds(unseen),
        learning=learning, learning_s=parse_duration(learning),
        wearables_removed=wearables_removed,
        stress_predict=None if skip_stress_predict else stress_predict, real=real or [],
        real_learning=real_learning, real_learning_s=parse_duration(real_learning),
        partial_kits=partial_kits,
        draws=draws, reuse=reuse, bench=bench,
    )  # fmt: skip
    text, reports = run(plan)
    (out / "how-well-it-works.md").write_text(text)
    (out / "how-well-it-works.json").write_text(json.dumps(reports, indent=2) + "\n")
    typer.echo(text)


def _check_recording(option: str, where: Path | None) -> None:
    """Refuse a folder that is not a recording now, not after an hour of simulating."""
    if where is None or not where.is_dir():
        raise BadData(f"{option} {where}: no such folder")
    for name in ("readings.jsonl", "labels.jsonl"):
        if not (where / name).is_file():
            raise BadData(
                f"{option} {where}: no {name} (a recording folder holds readings.jsonl, "
                "labels.jsonl and, for local days and nights, homes.json)"
            )


def entry() -> None:
    """Run with errors a person can act on, not tracebacks."""
    try:
        app()
    except BadData as error:
        typer.echo(f"evaluate: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    entry()
