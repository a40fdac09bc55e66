"""Simulate many homes, share the requested scenarios among them, merge their readings."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np

from carewatch.records import LabelRecord, ReadingRecord
from simulators.faults import MalformedRecord
from simulators.home import DEFAULT_START, HomeSimulation, check_arguments, simulate_home
from simulators.profiles import HomeProfile
from simulators.trace import ENCODER, Line, Trace

SCENARIO_SHARE: Final = 0.3  # of homes that get each requested scenario (at least one)
MERGE_WINDOW_S: Final = 6 * 3600.0  # readings are merged across homes this much at a time


@dataclass
class CohortSimulation:
    """Every home's simulation; readings merged across homes in arrival order."""

    homes: list[HomeSimulation]

    @property
    def profiles(self) -> list[HomeProfile]:
        """The homes' profiles, in home order (``homes.json``)."""
        return [home.profile for home in self.homes]

    @property
    def labels(self) -> list[LabelRecord]:
        """All ground-truth labels, sorted by start, then home and kind."""
        labels = [label for home in self.homes for label in home.labels]
        return sorted(labels, key=lambda label: (label.start, label.home, label.kind))

    @property
    def malformed(self) -> list[MalformedRecord]:
        """All raw bad payloads, in arrival order."""
        bad = [record for home in self.homes for record in home.malformed]
        return sorted(bad, key=lambda record: (record.ts, record.home))

    def readings(self) -> Iterator[ReadingRecord]:
        """Every reading of every home, in arrival order (ties: home order)."""
        tables = [home.sensors for home in self.homes]
        for owner, trace in self._windows():
            for i, ts, code, value in _rows(owner, trace):
                table = tables[i]
                kind, resident = table.kinds[code], table.residents[code]
                yield ReadingRecord(table.home, table.ids[code], kind, ts, value, resident)

    def jsonl_chunks(self) -> Iterator[bytes]:
        """``readings.jsonl`` in pieces: every home's readings, merged by arrival."""
        tables = [home.sensors for home in self.homes]
        kinds = [[kind.value for kind in table.kinds] for table in tables]
        for owner, trace in self._windows():
            lines = [
                Line(
                    tables[i].home,
                    tables[i].ids[code],
                    kinds[i][code],
                    ts,
                    value,
                    tables[i].residents[code],
                )
                for i, ts, code, value in _rows(owner, trace)
            ]
            yield ENCODER.encode_lines(lines)

    def _windows(self) -> Iterator[tuple[np.ndarray, Trace]]:
        """(home index per row, rows) for successive windows of arrival time."""
        arrivals = [home.trace.arrival for home in self.homes if len(home.trace)]
        if not arrivals:
            return
        first = min(float(a[0]) for a in arrivals)
        last = max(float(a[-1]) for a in arrivals)
        edges = np.arange(first, last + MERGE_WINDOW_S, MERGE_WINDOW_S)
        cuts = [np.searchsorted(home.trace.arrival, edges, side="left") for home in self.homes]
        for w in range(len(edges)):
            parts, owners = [], []
            for i, home in enumerate(self.homes):
                lo = int(cuts[i][w])
                hi = int(cuts[i][w + 1]) if w + 1 < len(edges) else len(home.trace)
                if hi > lo:
                    parts.append(home.trace.take(np.arange(lo, hi)))
                    owners.append(np.full(hi - lo, i))
            if parts:
                merged = Trace.concat(parts)
                order = np.argsort(merged.arrival, kind="stable")
                yield np.concatenate(owners)[order], merged.take(order)


def _rows(owner: np.ndarray, trace: Trace) -> Iterator[tuple[int, float, int, float]]:
    return zip(
        owner.tolist(), trace.ts.tolist(), trace.sensor.tolist(), trace.value.tolist(), strict=True
    )


def share_scenarios(homes: int, scenarios: Sequence[str], seed: int) -> list[tuple[str, ...]]:
    """Which requested scenario kinds each home gets: each kind goes to ~30 % of homes.

    >>> shares = share_scenarios(10, ["stress", "dehydration"], seed=1)
    >>> sum("stress" in kinds for kinds in shares), sum("dehydration" in kinds for kinds in shares)
    (3, 3)
    >>> all(len(kinds) == 1 for kinds in share_scenarios(1, ["stress"], seed=5))
    True
    """
    rng = np.random.default_rng([seed, 0x5CE7])
    wanted: list[list[str]] = [[] for _ in range(homes)]
    count = max(1, round(homes * SCENARIO_SHARE))
    for kind in sorted(set(scenarios)):
        for home in rng.permutation(homes)[:count].tolist():
            wanted[home].append(kind)
    return [tuple(kinds) for kinds in wanted]


def simulate_cohort(
    profiles: Sequence[HomeProfile],
    *,
    days: int,
    seed: int,
    start: date = DEFAULT_START,
    scenarios: Sequence[str] = (),
    hr_interval: float = 60.0,
    on_home: Callable[[HomeSimulation], None] | None = None,
) -> CohortSimulation:
    """Simulate every home of ``profiles``; ``on_home`` is told as each one is done.

    Examples
    --------
    >>> from simulators.profiles import make_cohort
    >>> cohort = simulate_cohort(make_cohort(3, seed=2), days=1, seed=2)
    >>> len(cohort.homes), b"heart_rate" in next(cohort.jsonl_chunks())
    (3, True)
    """
    check_arguments(days, hr_interval, scenarios)
    shares = share_scenarios(len(profiles), scenarios, seed)
    simulations = []
    for profile, kinds in zip(profiles, shares, strict=True):
        home = simulate_home(
            profile, days=days, seed=seed, start=start, scenarios=kinds, hr_interval=hr_interval
        )
        simulations.append(home)
        if on_home is not None:
            on_home(home)
    return CohortSimulation(simulations)
