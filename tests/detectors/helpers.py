"""Helpers for the detector tests: run hand-built days through a fresh engine."""

from collections.abc import Iterable

from carewatch.protocol import Alert, DailySummary
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.cli import run
from detectors.config import DAY


class Outcome:
    """What an engine said about some readings."""

    def __init__(self, items: Iterable[Alert | DailySummary]) -> None:
        items = list(items)
        self.alerts = [i for i in items if isinstance(i, Alert)]
        self.summaries = [i for i in items if isinstance(i, DailySummary)]

    def kinds(self) -> list[str]:
        return [a.kind.value for a in self.alerts]

    def of(self, kind: str) -> list[Alert]:
        return [a for a in self.alerts if a.kind == kind]


def replay(readings: list[ReadingRecord], learning_days: float = 7.0, **config: float) -> Outcome:
    """Readings (in arrival order) through a new engine, ticking like ``carewatch replay``;
    ``config``: settings other than the defaults."""
    engine = Engine(EngineConfig(learning_period=learning_days * DAY, **config))  # type: ignore[arg-type]
    engine.set_home_tz("h-1", "Europe/London")
    return Outcome(run(engine, readings))
