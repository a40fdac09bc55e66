"""The one table README shows: each alert type on the seeds tuned on, on unseen seeds,
and without wearables, with the random alerter beside the main figures."""

from detectors.evaluation.chance import Spread
from detectors.evaluation.figures import KindReport, Report
from detectors.evaluation.tables import fmt, minutes


def summary(
    tuned: Report | None,
    unseen: Report | None,
    bare_tuned: Report | None,
    bare_unseen: Report | None,
) -> list[str]:
    """Markdown lines: the compact table and who names the right sensor."""
    if tuned is None:
        return []
    lines = [
        "| alert | episodes | recall (random) | precision (random) | false / resident / 90 d "
        "| median delay | unseen: recall, precision, false | without a wearable (tuned; "
        "unseen): recall, false |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, k in tuned.kinds.items():
        luck = k.chance
        lines.append(
            f"| {name} | {k.episodes} | {fmt(k.recall)} {_vs(luck.recall if luck else None)} | "
            f"{fmt(k.precision)} {_vs(luck.precision if luck else None)} | "
            f"{k.false_per_resident_90d:.2f} | "
            f"{minutes(k.delay_median_min)} | {_unseen(unseen, name)} | "
            f"{_bare(bare_tuned, name)}; {_bare(bare_unseen, name)} |"
        )
    named = [
        f"{what} {fmt(r.kinds['sensor_health'].right_subject)} "
        f"(of {r.kinds['sensor_health'].right_subject_of})"
        for what, r in (
            ("tuned", tuned),
            ("unseen", unseen),
            ("without a wearable, tuned", bare_tuned),
            ("unseen", bare_unseen),
        )
        if r is not None
    ]
    return [*lines, "", "Sensor health names the right sensor or gateway: " + ", ".join(named)]


def _vs(s: Spread | None) -> str:
    return "" if s is None else f"(random {s.mean:.2f}, {s.low:.2f}–{s.high:.2f})"


def _unseen(report: Report | None, name: str) -> str:
    k = _kind(report, name)
    if k is None:
        return "n/a"
    return f"{fmt(k.recall)}, {fmt(k.precision)}, {k.false_per_resident_90d:.2f}"


def _bare(report: Report | None, name: str) -> str:
    k = _kind(report, name)
    if k is None or (k.episodes == 0 and k.alerts == 0):
        return "n/a"
    return f"{fmt(k.recall)}, {k.false_per_resident_90d:.2f}"


def _kind(report: Report | None, name: str) -> KindReport | None:
    return None if report is None else report.kinds.get(name)
