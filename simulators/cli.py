"""``carewatch simulate``: virtual homes to files, with a progress bar."""

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from simulators.cohort import simulate_cohort
from simulators.home import DEFAULT_START, HR_INTERVAL_RANGE, HomeSimulation
from simulators.output import write_simulation
from simulators.population import DEFAULT_POPULATION
from simulators.profiles import Population, make_cohort
from simulators.scenarios import SCENARIO_KINDS


def _scenarios(values: list[str]) -> list[str]:
    kinds: list[str] = []
    for value in values:
        for kind in value.split(","):
            kind = kind.strip()
            if kind == "all":
                kinds.extend(SCENARIO_KINDS)
            elif kind in SCENARIO_KINDS:
                kinds.append(kind)
            else:
                raise typer.BadParameter(
                    f"unknown scenario {kind!r}; choose from all, {', '.join(SCENARIO_KINDS)}",
                    param_hint="--scenario",
                )
    return sorted(set(kinds), key=SCENARIO_KINDS.index)


def _population(value: str) -> Population:
    if value == "realistic":
        return "realistic"
    if value == "classic":
        return "classic"
    raise typer.BadParameter(
        f"{value!r} is not a population; choose realistic or classic", param_hint="--population"
    )


def _start(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2025-03-03", param_hint="--start"
        ) from None


def simulate(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files into.")],
    homes: Annotated[int, typer.Option("--homes", min=1, help="How many homes.")] = 10,
    days: Annotated[int, typer.Option("--days", min=1, help="How many days each.")] = 30,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, byte-identical files.")] = 1,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            help=f"Inject a scenario (repeatable, or 'all'): {', '.join(SCENARIO_KINDS)}.",
        ),
    ] = None,
    hr_interval: Annotated[
        float,
        typer.Option(
            "--hr-interval",
            min=HR_INTERVAL_RANGE[0],
            max=HR_INTERVAL_RANGE[1],
            help="Seconds between heart-rate readings.",
        ),
    ] = 60.0,
    start: Annotated[
        str, typer.Option("--start", help="First local day, YYYY-MM-DD.")
    ] = DEFAULT_START.isoformat(),
    population: Annotated[
        str,
        typer.Option(
            "--population",
            help="realistic: varied sleep, naps, partial kits, pets, partners, days away, "
            "small and large episodes; classic: full kits, usual hours, large episodes.",
        ),
    ] = DEFAULT_POPULATION,
) -> None:
    """Simulate homes with labelled scenarios: readings.jsonl, labels.jsonl, homes.json."""
    kinds = _scenarios(scenario or [])
    first_day = _start(start)
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} exists and is not a directory", param_hint="--out")
    profiles = make_cohort(homes, seed, _population(population))
    # On stderr, so stdout stays the summary; rich degrades to plain lines off a TTY.
    with Progress(console=Console(stderr=True), transient=False) as progress:
        homes_task = progress.add_task("simulating homes", total=homes)

        def done(_: HomeSimulation) -> None:
            progress.advance(homes_task)

        cohort = simulate_cohort(
            profiles,
            days=days,
            seed=seed,
            start=first_day,
            scenarios=kinds,
            hr_interval=hr_interval,
            on_home=done,
        )
        total = sum(len(home.trace) for home in cohort.homes)
        write_task = progress.add_task("writing readings", total=total)
        counts = write_simulation(
            cohort,
            out,
            malformed="malformed" in kinds,
            on_lines=lambda lines: progress.advance(write_task, lines),
        )
    summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
    typer.echo(f"wrote {out}: {summary}")
