"""The figures per alert kind, each beside what a random alerter would score.

False alerts are per resident per 90 days of the span judged (residents x days after
learning); the span is part of the report, so every table can print it.
"""

from collections.abc import Iterable, Mapping

import msgspec
import numpy as np

from carewatch.protocol import Alert, AlertKind
from carewatch.records import LabelRecord
from detectors.config import HOUR, MINUTE
from detectors.evaluation.chance import DRAWS, SEED, Chance, chance
from detectors.evaluation.scoring import Tally, by_home, tally
from detectors.evaluation.span import Window, resident_days
from detectors.evaluation.targets import GRACE

PER_DAYS = 90.0  # false alerts are per resident per this many days judged


class KindReport(msgspec.Struct):
    """The figures for one alert kind (``found`` = episodes found = true alerts)."""

    episodes: int
    unarmed_episodes: int  # in homes whose kit cannot support this kind: not judged
    found: int
    found_inside: int
    recall: float | None
    alerts: int
    repeats: int
    false_alerts: int
    precision: float | None
    false_per_resident_90d: float
    inside_rate: float | None
    right_subject: float | None
    right_subject_of: int
    delay_median_min: float | None
    delay_p90_min: float | None
    grace_h: float
    outside: int
    false_during: dict[str, int]
    chance: Chance | None


class Report(msgspec.Struct):
    """The whole evaluation: per kind, plus the span it was judged over."""

    residents: int
    resident_days: float
    kinds: dict[str, KindReport]


def evaluate(
    labels: Iterable[LabelRecord],
    alerts: Iterable[Alert],
    windows: Mapping[str, Window],
    draws: int = DRAWS,
    seed: int = SEED,
) -> Report:
    """Score ``alerts`` against ``labels`` in each home's judged window.

    Examples
    --------
    >>> from detectors.config import DAY
    >>> label = LabelRecord("h-1", "stress", 1e9, 1e9 + 600)
    >>> hit = Alert("h-1", "stress", 1e9 + 240, 1e9 + 60, "medium", "HR up")
    >>> miss = Alert("h-1", "stress", 1e9 + 9000, 1e9 + 8900, "medium", "HR up")
    >>> windows = {"h-1": Window(1e9 - 30 * DAY, 1e9 + 60 * DAY)}
    >>> r = evaluate([label], [hit, miss], windows, draws=0).kinds["stress"]
    >>> r.episodes, r.found, r.recall, r.precision, r.false_per_resident_90d, r.delay_median_min
    (1, 1, 1.0, 0.5, 1.0, 4.0)
    """
    labelled = by_home(list(labels))
    raised = by_home(list(alerts))
    days = resident_days(windows.values())
    kinds = {}
    for kind in AlertKind:
        mine = {home: [a for a in said if a.kind == kind] for home, said in raised.items()}
        luck = chance(kind, labelled, mine, windows, draws, seed) if draws else None
        kinds[kind.value] = _report(kind, tally(kind, labelled, mine, windows), days, luck)
    return Report(residents=len(windows), resident_days=round(days, 2), kinds=kinds)


def _report(kind: AlertKind, t: Tally, days: float, luck: Chance | None) -> KindReport:
    delay = np.array(t.delays) / MINUTE
    return KindReport(
        episodes=t.episodes,
        unarmed_episodes=t.unarmed,
        found=t.found,
        found_inside=t.found_inside,
        recall=_round(t.recall),
        alerts=t.scored,
        repeats=t.repeats,
        false_alerts=t.false,
        precision=_round(t.precision),
        false_per_resident_90d=round(t.false / days * PER_DAYS, 4) if days else 0.0,
        inside_rate=_round(t.inside / t.scored if t.scored else None),
        right_subject=_round(t.named_right / t.named if t.named else None),
        right_subject_of=t.named,
        delay_median_min=round(float(np.median(delay)), 1) if t.delays else None,
        delay_p90_min=round(float(np.percentile(delay, 90)), 1) if t.delays else None,
        grace_h=GRACE[kind] / HOUR,
        outside=t.outside,
        false_during=dict(sorted(t.false_during.items())),
        chance=luck,
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
