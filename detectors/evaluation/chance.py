"""The random alerter: what as many alerts at random times would score.

Each draw keeps every judged alert (its home, kind and subject) and moves it to a time
drawn uniformly from its home's judged window; the draws are scored by the same scorer.
A detector worth having beats the spread of these draws, not just zero.
"""

from collections.abc import Mapping, Sequence

import msgspec
import numpy as np

from carewatch.protocol import Alert, AlertKind
from carewatch.records import LabelRecord
from detectors.evaluation.scoring import tally
from detectors.evaluation.span import Window

DRAWS = 200
SEED = 12  # fixed, so the same alerts give the same baseline


class Spread(msgspec.Struct, frozen=True):
    """Mean and 5th-95th percentile of a figure over the draws."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread | None":
        """The spread of ``values`` (``None`` if there are none)."""
        if not values:
            return None
        low, high = np.percentile(values, [5, 95])
        return cls(round(float(np.mean(values)), 4), round(float(low), 4), round(float(high), 4))


class Chance(msgspec.Struct, frozen=True):
    """The random alerter's figures for one alert kind."""

    draws: int
    recall: Spread | None
    precision: Spread | None
    inside_rate: Spread | None  # alerts raised while an episode was under way / alerts
    found_inside: Spread | None  # episodes found by an alert raised before they ended


def chance(
    kind: AlertKind,
    labels: Mapping[str, Sequence[LabelRecord]],
    alerts: Mapping[str, Sequence[Alert]],
    windows: Mapping[str, Window],
    draws: int = DRAWS,
    seed: int = SEED,
) -> Chance:
    """Score ``draws`` random alerters as frequent as ``alerts`` (one kind, by home)."""
    rng = np.random.default_rng(seed)
    judged = {
        home: [a for a in alerts.get(home, ()) if window.holds(a.detected_at)]
        for home, window in windows.items()
    }
    recall: list[float] = []
    precision: list[float] = []
    inside: list[float] = []
    found_inside: list[float] = []
    for _ in range(draws):
        t = tally(kind, labels, _draw(judged, windows, rng), windows)
        if t.recall is not None:
            recall.append(t.recall)
        if t.precision is not None:
            precision.append(t.precision)
        if t.scored:
            inside.append(t.inside / t.scored)
        found_inside.append(t.found_inside)
    return Chance(
        draws, Spread.of(recall), Spread.of(precision), Spread.of(inside), Spread.of(found_inside)
    )


def _draw(
    alerts: Mapping[str, Sequence[Alert]], windows: Mapping[str, Window], rng: np.random.Generator
) -> dict[str, list[Alert]]:
    moved: dict[str, list[Alert]] = {}
    for home, said in alerts.items():
        window = windows[home]
        times = rng.uniform(window.start, window.end, size=len(said))
        moved[home] = [
            msgspec.structs.replace(a, detected_at=float(t), start=float(t))
            for a, t in zip(said, times, strict=True)
        ]
    return moved
