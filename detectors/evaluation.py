"""How often alerts are right: match alerts to labelled episodes, per alert type.

An alert matches an episode of its kind in the same home when its ``detected_at`` falls
in ``[start, end + grace]`` (grace per kind below). Unmatched alerts are false alerts;
those that fall inside a confounder or fault label are counted against it too.
"""

from collections import defaultdict
from collections.abc import Iterable

import msgspec
import numpy as np

from carewatch.protocol import Alert, AlertKind
from carewatch.records import LabelRecord
from detectors.config import DAY, HOUR, MINUTE

# Which labels each alert kind should find.
TARGETS: dict[AlertKind, frozenset[str]] = {
    AlertKind.DEHYDRATION: frozenset({"dehydration"}),
    AlertKind.NIGHT_WANDERING: frozenset({"night_wandering"}),
    AlertKind.STRESS: frozenset({"stress"}),
    AlertKind.INACTIVITY: frozenset({"inactivity"}),
    AlertKind.SENSOR_HEALTH: frozenset({"sensor_dead", "gateway_offline"}),
}
# How long after an episode's end an alert still counts as finding it.
GRACE: dict[AlertKind, float] = {
    AlertKind.DEHYDRATION: 1 * DAY,
    AlertKind.NIGHT_WANDERING: 30 * MINUTE,
    AlertKind.STRESS: 10 * MINUTE,
    AlertKind.INACTIVITY: 2 * HOUR,
    AlertKind.SENSOR_HEALTH: 6 * HOUR,
}


class KindReport(msgspec.Struct):
    """The figures for one alert kind."""

    episodes: int
    detected: int
    recall: float | None
    alerts: int
    true_alerts: int
    precision: float | None
    false_alerts: int
    false_per_resident_30d: float
    delay_median_min: float | None
    delay_p90_min: float | None
    grace_h: float
    false_during: dict[str, int]


class Report(msgspec.Struct):
    """The whole evaluation: per kind, plus what it was measured on."""

    residents: int
    days: float
    kinds: dict[str, KindReport]


def evaluate(
    labels: Iterable[LabelRecord],
    alerts: Iterable[Alert],
    residents: int | None = None,
    days: float | None = None,
) -> Report:
    """Score ``alerts`` against ``labels``.

    ``residents`` and ``days`` scale false alerts "per resident per 30 days"; by default
    the homes seen and the span of the labels and alerts.

    Examples
    --------
    >>> label = LabelRecord("h-1", "stress", 1e9, 1e9 + 600)
    >>> hit = Alert("h-1", "stress", 1e9 + 240, 1e9 + 60, "medium", "HR up")
    >>> miss = Alert("h-1", "stress", 1e9 + 9000, 1e9 + 8900, "medium", "HR up")
    >>> r = evaluate([label], [hit, miss], residents=1, days=30).kinds["stress"]
    >>> r.episodes, r.detected, r.recall, r.precision, r.false_per_resident_30d
    (1, 1, 1.0, 0.5, 1.0)
    >>> r.delay_median_min
    4.0
    """
    by_home: dict[str, list[LabelRecord]] = defaultdict(list)
    for label in labels:
        by_home[label.home].append(label)
    alert_list = list(alerts)
    homes = set(by_home) | {a.home for a in alert_list}
    times = [t for ls in by_home.values() for lab in ls for t in (lab.start, lab.end)]
    times += [a.detected_at for a in alert_list]
    n_res = residents if residents is not None else max(len(homes), 1)
    n_days = (
        days if days is not None else max((max(times) - min(times)) / DAY, 1.0) if times else 1.0
    )
    kinds = {
        kind.value: _kind(kind, by_home, [a for a in alert_list if a.kind == kind], n_res, n_days)
        for kind in AlertKind
    }
    return Report(residents=n_res, days=round(n_days, 2), kinds=kinds)


def _kind(
    kind: AlertKind,
    by_home: dict[str, list[LabelRecord]],
    alerts: list[Alert],
    residents: int,
    days: float,
) -> KindReport:
    grace = GRACE[kind]
    targets = TARGETS[kind]
    alerts_by_home: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        alerts_by_home[alert.home].append(alert)
    episodes = detected = true_alerts = 0
    delays: list[float] = []
    false_during: dict[str, int] = defaultdict(int)
    for home in set(by_home) | set(alerts_by_home):
        labels = by_home.get(home, [])
        mine = [lab for lab in labels if lab.kind in targets]
        home_alerts = alerts_by_home.get(home, [])
        episodes += len(mine)
        for lab in mine:
            hits = [
                a.detected_at for a in home_alerts if lab.start <= a.detected_at <= lab.end + grace
            ]
            if hits:
                detected += 1
                delays.append(min(hits) - lab.start)
        for alert in home_alerts:
            if any(lab.start <= alert.detected_at <= lab.end + grace for lab in mine):
                true_alerts += 1
                continue
            inside = [lab.kind for lab in labels if lab.start <= alert.detected_at <= lab.end]
            for label_kind in set(inside) or {"none"}:
                false_during[label_kind] += 1
    false_alerts = len(alerts) - true_alerts
    delay = np.array(delays) / MINUTE
    return KindReport(
        episodes=episodes,
        detected=detected,
        recall=round(detected / episodes, 4) if episodes else None,
        alerts=len(alerts),
        true_alerts=true_alerts,
        precision=round(true_alerts / len(alerts), 4) if alerts else None,
        false_alerts=false_alerts,
        false_per_resident_30d=round(false_alerts / residents / days * 30.0, 4),
        delay_median_min=round(float(np.median(delay)), 1) if delays else None,
        delay_p90_min=round(float(np.percentile(delay, 90)), 1) if delays else None,
        grace_h=grace / HOUR,
        false_during=dict(sorted(false_during.items())),
    )


def markdown(report: Report) -> str:
    """The report as a markdown table."""
    rows = [
        "| alert | episodes | detected | recall | alerts | precision | false / resident / 30 d "
        "| delay median | delay p90 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, k in report.kinds.items():
        rows.append(
            f"| {name} | {k.episodes} | {k.detected} | {_f(k.recall)} | {k.alerts} | "
            f"{_f(k.precision)} | {k.false_per_resident_30d:.3f} | {_minutes(k.delay_median_min)} "
            f"| {_minutes(k.delay_p90_min)} |"
        )
    return "\n".join(rows)


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _minutes(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x / 60:.1f} h" if x >= 120 else f"{x:.1f} min"
