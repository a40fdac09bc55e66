"""A gateway source that plays a virtual resident's home in real or accelerated time.

Configured in ``gateway.toml`` as ``[source.simulator]`` (the gateway loads this
module by name, so the gateway package never imports the simulators)::

    [source.simulator]
    home = 1          # which home of the seeded cohort (1-based)
    seed = 1
    days = 7
    speed = 600       # simulated seconds per wall-clock second; 0 = as fast as possible
    # start = 2025-03-03   # default: `days` days before the home's today (its time zone)
    # scenarios = ["dehydration"]
    # hr_interval = 60
    # population = "classic"   # or "realistic" (varied kit, hours, small episodes)
    # live = true              # after the `days`, go on living, day by day, in real time
    # incidents = "/var/lib/carewatch-demo/incidents"   # with live: take incident requests

Readings keep their simulated ``ts``; none is emitted before the wall clock reaches
it, so an accelerated replay catches up with the present. Without ``live`` it ends
there (at midnight after the last day); with it the resident goes on living
(:mod:`simulators.live`), and incidents asked for in the ``incidents`` directory
(:mod:`simulators.mailbox`) happen in their home. After a gateway restart the replay
resumes after the last reading in the outbox.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec

from carewatch.errors import ConfigError
from gateway.config import Section, parse_section
from gateway.sources.base import SourceContext
from gateway.sources.replay import PacedReplay, ThreadedSource
from simulators.home import HR_INTERVAL_RANGE, simulate_home
from simulators.live import LiveLife, ThenLive
from simulators.profiles import Population, make_cohort
from simulators.scenarios import SCENARIO_KINDS

_HR_LOW, _HR_HIGH = HR_INTERVAL_RANGE


class SimulatorOptions(Section):
    """``[source.simulator]``."""

    home: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1
    seed: int = 1
    days: Annotated[int, msgspec.Meta(ge=1, le=366)] = 7
    speed: Annotated[float, msgspec.Meta(ge=0)] = 1.0
    start: date | None = None
    scenarios: list[str] = msgspec.field(default_factory=list)
    hr_interval: Annotated[float, msgspec.Meta(ge=_HR_LOW, le=_HR_HIGH)] = 60.0
    population: Population = "classic"
    live: bool = False
    incidents: str | None = None


def build(options: Mapping[str, Any], context: SourceContext) -> ThreadedSource:
    """Factory for ``[source.simulator]``: simulates the home now, replays it when started.

    Examples
    --------
    >>> from carewatch.errors import ConfigError
    >>> build({"scenarios": ["alien_abduction"]}, SourceContext("home-1", "gw-1", "UTC"))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: gateway.toml: [source.simulator].scenarios: unknown ...
    """
    opts = parse_section(SimulatorOptions, options, context.file, "source.simulator")
    unknown = sorted(set(opts.scenarios) - set(SCENARIO_KINDS))
    if unknown:
        raise ConfigError(
            f"{context.file}: [source.simulator].scenarios: unknown {unknown}; "
            f"choose from {', '.join(SCENARIO_KINDS)}"
        )
    profile = make_cohort(opts.home, seed=opts.seed, population=opts.population)[opts.home - 1]
    # the home's own today: west of UTC, a history ending at UTC midnight would still be
    # replaying its last local evening in real time, and the life after it not yet begun
    today = datetime.fromtimestamp(context.clock(), ZoneInfo(profile.tz)).date()
    start = opts.start or today - timedelta(days=opts.days)
    simulation = simulate_home(
        profile,
        days=opts.days,
        seed=opts.seed,
        start=start,
        scenarios=opts.scenarios,
        hr_interval=opts.hr_interval,
    )
    replay = PacedReplay(
        "simulator",
        simulation.readings,
        speed=opts.speed,
        resume=context.resume,
        clock=context.clock,
    )
    if not opts.live:
        if opts.incidents:
            raise ConfigError(
                f"{context.file}: [source.simulator].incidents: needs live = true "
                "(incidents happen in the life that follows the history)"
            )
        return ThreadedSource(replay)
    life = LiveLife(
        profile,
        seed=opts.seed,
        first_day=start + timedelta(days=opts.days),
        clock=context.clock,
        hr_interval=opts.hr_interval,
        resume=context.resume,
        incidents=Path(opts.incidents) if opts.incidents else None,
    )
    return ThreadedSource(ThenLive(replay, life))
