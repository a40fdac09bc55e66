"""How a resident's latest day compares with their usual day, in plain words, in the
reader's language (D121)."""

from dataclasses import dataclass
from statistics import median

from api.i18n import ENGLISH, N_, Words
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


MEASURES: tuple[tuple[str, str, str], ...] = (  # (name, label, unit), both translated shown
    ("tap_litres", N_("Water drawn from the tap"), N_("litres")),
    ("toilet_visits", N_("Toilet visits"), N_("visits")),
    ("night_episodes", N_("Times up in the night"), N_("times")),
    ("chair_minutes", N_("Time in their chair"), N_("minutes")),
    ("resting_hr", N_("Resting heart rate"), N_("beats per minute")),
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


def compare(summaries: list[SummaryOut], words: Words = ENGLISH) -> list[Comparison]:
    """The latest summary against the median of the earlier ones (oldest first in), in
    ``words``' language.

    >>> days = [SummaryOut(date=f"2026-11-0{d}", tap_litres=l, tap_uses=5, toilet_day=5,
    ...                    toilet_night=0, chair_minutes=300, night_episodes=0, resting_hr=70)
    ...         for d, l in [(1, 1.6), (2, 1.5), (3, 1.7), (4, 0.7)]]
    >>> compare(days)[0].words
    'Less than usual (0.7 litres, usually 1.6)'
    >>> compare(days, Words("es"))[0].words
    'Menos de lo habitual (0,7 litros, normalmente 1,6)'
    >>> compare(days, Words("es"))[2].words
    'Como de costumbre (0 veces, normalmente 0)'

    """
    if not summaries:
        return []
    latest, earlier = summaries[-1], summaries[:-1]
    result = []
    for name, label, unit in MEASURES:
        value = measure(latest, name)
        history = [v for v in (measure(s, name) for s in earlier) if v is not None]
        usual = median(history) if history else None
        shown = _words(value, usual, words.gettext(unit), words)
        result.append(Comparison(words.gettext(label), unit, value, usual, shown))
    return result


def _words(value: float | None, usual: float | None, unit: str, words: Words) -> str:
    if value is None:
        return words.gettext("Not measured")
    amount = {"value": words.figures(value, 3), "unit": unit}
    if usual is None:
        return words.gettext("%(value)s %(unit)s (not enough days yet to know what is usual)") % (
            amount
        )
    detail = words.gettext("(%(value)s %(unit)s, usually %(usual)s)") % (
        amount | {"usual": words.figures(usual, 3)}
    )
    change = (value - usual) / usual if usual else (0.0 if value == 0 else 1.0)
    if change < -TOLERANCE:
        return words.gettext("Less than usual %(detail)s") % {"detail": detail}
    if change > TOLERANCE:
        return words.gettext("More than usual %(detail)s") % {"detail": detail}
    return words.gettext("About usual %(detail)s") % {"detail": detail}
