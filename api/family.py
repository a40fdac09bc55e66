"""How a resident's latest day compares with their usual day, in plain words."""

from dataclasses import dataclass
from statistics import median

from api.schemas import SummaryOut

TOLERANCE = 0.25  # within a quarter of the usual counts as "about usual"


@dataclass(frozen=True)
class Comparison:
    """One measure of the latest day against the median of the days before."""

    label: str
    unit: str
    latest: float | None
    usual: float | None
    words: str


MEASURES: tuple[tuple[str, str, str], ...] = (
    ("tap_litres", "Water drawn from the tap", "litres"),
    ("toilet_visits", "Toilet visits", "visits"),
    ("night_episodes", "Times up in the night", "times"),
    ("chair_minutes", "Time in their chair", "minutes"),
    ("resting_hr", "Resting heart rate", "beats per minute"),
)


def measure(summary: SummaryOut, name: str) -> float | None:
    """A summary's value of one measure (toilet visits add day and night).

    >>> day = SummaryOut(date="2026-11-01", tap_litres=1.5, tap_uses=6, toilet_day=5,
    ...                  toilet_night=1, chair_minutes=300, night_episodes=2, resting_hr=None)
    >>> measure(day, "toilet_visits"), measure(day, "resting_hr")
    (6.0, None)
    """
    if name == "toilet_visits":
        if summary.toilet_day is None or summary.toilet_night is None:
            return None  # not shown to this reader
        return float(summary.toilet_day + summary.toilet_night)
    value = getattr(summary, name)
    return None if value is None else float(value)


def compare(summaries: list[SummaryOut]) -> list[Comparison]:
    """The latest summary against the median of the earlier ones (oldest first in).

    >>> days = [SummaryOut(date=f"2026-11-0{d}", tap_litres=l, tap_uses=5, toilet_day=5,
    ...                    toilet_night=0, chair_minutes=300, night_episodes=0, resting_hr=70)
    ...         for d, l in [(1, 1.6), (2, 1.5), (3, 1.7), (4, 0.7)]]
    >>> compare(days)[0].words
    'Less than usual (0.7 litres, usually 1.6)'
    """
    if not summaries:
        return []
    latest, earlier = summaries[-1], summaries[:-1]
    result = []
    for name, label, unit in MEASURES:
        value = measure(latest, name)
        history = [v for v in (measure(s, name) for s in earlier) if v is not None]
        usual = median(history) if history else None
        result.append(Comparison(label, unit, value, usual, _words(value, usual, unit)))
    return result


def _words(value: float | None, usual: float | None, unit: str) -> str:
    if value is None:
        return "Not measured"
    if usual is None:
        return f"{value:.3g} {unit} (not enough days yet to know what is usual)"
    detail = f"({value:.3g} {unit}, usually {usual:.3g})"
    if usual == 0:
        return f"About usual {detail}" if value == 0 else f"More than usual {detail}"
    change = (value - usual) / usual
    if change < -TOLERANCE:
        return f"Less than usual {detail}"
    if change > TOLERANCE:
        return f"More than usual {detail}"
    return f"About usual {detail}"
