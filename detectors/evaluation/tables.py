"""Reports as markdown tables, the span judged and the random alerter beside each figure."""

from detectors.evaluation.chance import Spread
from detectors.evaluation.figures import PER_DAYS, Report

HEADER = (
    "| alert | episodes | found | recall | random: recall | alerts | repeats | false "
    "| precision | random: precision | false / resident / 90 d | delay median | delay p90 "
    "| names the right subject |"
)


def span_line(report: Report) -> str:
    """The span every rate in the table is divided by."""
    per = report.resident_days / report.residents if report.residents else 0.0
    return (
        f"Judged: {report.residents} residents x {per:.1f} days after learning = "
        f"{report.resident_days:.0f} resident-days; false alerts per resident per "
        f"{PER_DAYS:.0f} days of those."
    )


def markdown(report: Report) -> str:
    """The span, then one row per alert kind, then where the false alerts fell.

    A repeat is a further alert about an episode already found: neither true nor false.
    "random" is the mean and 5th-95th percentile of a random alerter as frequent.
    """
    rows = [span_line(report), "", HEADER, "|" + "---|" * 14]
    during = []
    for name, k in report.kinds.items():
        luck = k.chance
        right = f"{fmt(k.right_subject)} of {k.right_subject_of}" if k.right_subject_of else "n/a"
        rows.append(
            f"| {name} | {k.episodes} | {k.found} | {fmt(k.recall)} | "
            f"{spread(luck.recall if luck else None)} | {k.alerts} | {k.repeats} | "
            f"{k.false_alerts} | {fmt(k.precision)} | "
            f"{spread(luck.precision if luck else None)} | {k.false_per_resident_90d:.2f} | "
            f"{minutes(k.delay_median_min)} | {minutes(k.delay_p90_min)} | {right} |"
        )
        if k.false_during:
            where = ", ".join(f"{label} {n}" for label, n in k.false_during.items())
            during.append(f"{name}: {where}")
    if during:
        rows += ["", "False alerts during (label under way; none = no label): " + "; ".join(during)]
    unarmed = [f"{name} {k.unarmed_episodes}" for name, k in report.kinds.items()
               if k.unarmed_episodes]  # fmt: skip
    if unarmed:
        rows += ["", "Episodes in homes whose sensors cannot support the alert (not armed, "
                 "so not judged): " + ", ".join(unarmed)]  # fmt: skip
    outside = [f"{name} {k.outside}" for name, k in report.kinds.items() if k.outside]
    if outside:
        rows += ["", "Not judged (raised while learning, or about an episode over before the "
                 "window): " + ", ".join(outside)]  # fmt: skip
    return "\n".join(rows)


def fmt(x: float | None) -> str:
    """A ratio to two places, or n/a."""
    return "n/a" if x is None else f"{x:.2f}"


def spread(s: Spread | None, places: int = 2) -> str:
    """``mean (low-high)``, or n/a.

    >>> spread(Spread(0.1234, 0.05, 0.2))
    '0.12 (0.05–0.20)'
    """
    if s is None:
        return "n/a"
    return f"{s.mean:.{places}f} ({s.low:.{places}f}–{s.high:.{places}f})"


def minutes(x: float | None) -> str:
    """A delay in minutes, or in hours when long."""
    if x is None:
        return "n/a"
    return f"{x / 60:.1f} h" if x >= 120 else f"{x:.1f} min"
