"""A resident who goes on living: the simulated life continued day by day in real time.

After a history has been replayed, :class:`LiveLife` simulates each following local day
on its own (one day's readings in memory at a time) and emits every reading once the
clock reaches it, so today fills in and tomorrow follows. Each day is seeded from the
cohort seed and its date, so the same seed gives the same life whenever it is played.
The resident is asleep at every midnight, where the days join.

Incidents asked for through :mod:`simulators.mailbox` are spliced in: from their start
their readings replace the routine's until they end (:mod:`simulators.incidents`).
"""

import heapq
import threading
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from carewatch.clock import Clock
from carewatch.protocol import Reading
from carewatch.records import ReadingRecord
from gateway.sources.base import Sink
from gateway.sources.replay import Playable
from simulators import mailbox
from simulators.home import simulate_home
from simulators.incidents import INCIDENT_KINDS, cannot, first_moment, make_incident
from simulators.profiles import HomeProfile

POLL_S = 1.0  # how often the mailbox is looked at while waiting for the clock


def day_seed(seed: int, day: date) -> int:
    """The seed of one live day: the cohort seed and the date, nothing else.

    >>> day = date(2026, 1, 2)
    >>> day_seed(7, day) == day_seed(7, day) != day_seed(8, day)
    True
    """
    state = np.random.SeedSequence([seed, day.toordinal()]).generate_state(1)
    return int(state[0])


class LiveLife:
    """Emit ``profile``'s life from ``first_day`` on, each reading when the clock reaches it."""

    name = "simulator"

    def __init__(
        self,
        profile: HomeProfile,
        *,
        seed: int,
        first_day: date,
        clock: Clock,
        hr_interval: float = 60.0,
        resume: Mapping[str, float] | None = None,
        incidents: Path | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        self.profile = profile
        self._seed = seed
        self._first_day = first_day
        self._clock = clock
        self._hr_interval = hr_interval
        self._resume = dict(resume or {})
        self._incidents = incidents
        self._poll_s = poll_s
        self._spliced: list[tuple[float, int, ReadingRecord]] = []  # a heap by ts
        self._quiet: list[tuple[float, float]] = []  # the routine is replaced here
        self._last = float("-inf")

    def days(self) -> Iterator[ReadingRecord]:
        """The routine's readings, one simulated day after another, for ever."""
        day = self._first_day
        while True:
            seed = day_seed(self._seed, day)
            yield from simulate_home(
                self.profile, days=1, seed=seed, start=day, hr_interval=self._hr_interval
            ).readings
            day += timedelta(days=1)

    def run(self, sink: Sink, stop: threading.Event) -> None:
        """Emit until ``stop`` is set."""
        routine = self.days()
        upcoming = next(routine)
        while not stop.is_set():
            self.check_mailbox()
            while self._silenced(upcoming):
                upcoming = next(routine)
            spliced = self._spliced[0][2] if self._spliced else None
            record = spliced if spliced is not None and spliced.ts <= upcoming.ts else upcoming
            ahead = record.ts - self._clock()
            if ahead > 0:
                stop.wait(min(ahead, self._poll_s))
                continue
            if record is spliced:
                heapq.heappop(self._spliced)
            else:
                upcoming = next(routine)
            self._emit(sink, record)

    def check_mailbox(self) -> None:
        """Take the incidents asked for and splice them in, answering each request."""
        if self._incidents is None:
            return
        for ticket, kind in mailbox.take(self._incidents, self.profile.home):
            if kind not in INCIDENT_KINDS:
                mailbox.answer(ticket, refused=f"unknown incident {kind!r}")
                continue
            reason = cannot(self.profile, kind)
            if reason is not None:
                mailbox.answer(ticket, refused=reason)
                continue
            self.splice(kind, ticket)

    def splice(self, kind: str, ticket: Path | None = None) -> tuple[float, float]:
        """Make ``kind`` happen at the first moment it can from now; returns (start, end)."""
        now = max(self._clock(), self._last + 1.0)
        start = first_moment(self.profile, kind, now)
        rng = np.random.default_rng([self._seed, int(start)])
        incident = make_incident(self.profile, kind, start, rng, self._hr_interval)
        self._quiet.append((incident.start, incident.end))
        for reading in incident.readings:
            heapq.heappush(self._spliced, (reading.ts, id(reading), reading))
        if ticket is not None:
            mailbox.answer(ticket, kind=kind, start=incident.start, end=incident.end)
        return incident.start, incident.end

    def _silenced(self, record: ReadingRecord) -> bool:
        """Replaced by an incident, or already sent before a restart."""
        self._quiet = [(s, e) for s, e in self._quiet if e >= record.ts]  # bounded
        if any(s <= record.ts <= e for s, e in self._quiet):
            return True
        return record.ts <= self._resume.get(record.sensor, float("-inf"))

    def _emit(self, sink: Sink, record: ReadingRecord) -> None:
        self._last = max(self._last, record.ts)
        if record.ts <= self._resume.get(record.sensor, float("-inf")):
            return
        sink.reading(Reading(record.sensor, record.kind, record.ts, record.value, record.resident))


class ThenLive:
    """A history replay, then the life that follows it."""

    def __init__(self, history: Playable, live: LiveLife) -> None:
        self.name = history.name
        self._history: Playable | None = history
        self._live = live

    def run(self, sink: Sink, stop: threading.Event) -> None:
        """Play the history; unless stopped meanwhile, go on living."""
        history, self._history = self._history, None  # weeks of readings: freed once played
        if history is not None:
            history.run(sink, stop)
            del history
        if not stop.is_set():
            self._live.run(sink, stop)
