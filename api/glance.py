"""A resident's recent days at a glance: each daily measure against their usual band.

Every figure comes from the daily summaries (and the sleep window from the bed sensor),
so the words and the chart beside them are made from the same numbers. Labels, units and
figures are in the reader's language (D121).
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from api.bands import Band, usual_band
from api.charts import bar_chart
from api.i18n import ENGLISH, N_, Words
from api.schemas import SummaryOut
from api.when import day_label
from carewatch.protocol import Kind


@dataclass(frozen=True)
class Measure:
    """One daily figure: how to read it from a summary and which stream it comes from."""

    label: str
    unit: str
    kind: Kind
    read: Callable[[SummaryOut], float | None]
    digits: int = 0


def _hours(summary: SummaryOut) -> float | None:
    return None if summary.chair_minutes is None else summary.chair_minutes / 60


MEASURES = (
    Measure(N_("Trips out of bed at night"), N_("trips"), Kind.BED, lambda s: s.night_episodes),
    Measure(N_("Tap uses"), N_("uses"), Kind.TAP, lambda s: s.tap_uses),
    Measure(N_("Water drawn from the tap"), N_("litres"), Kind.TAP, lambda s: s.tap_litres, 1),
    Measure(N_("Toilet visits by day"), N_("visits"), Kind.TOILET, lambda s: s.toilet_day),
    Measure(N_("Toilet visits at night"), N_("visits"), Kind.TOILET, lambda s: s.toilet_night),
    Measure(N_("Time in the chair"), N_("hours"), Kind.CHAIR, _hours, 1),
    Measure(N_("Resting heart rate"), N_("bpm"), Kind.HEART_RATE, lambda s: s.resting_hr),
)


@dataclass(frozen=True)
class Glance:
    """A measure's latest day, usual band, how many days fell outside it, and its chart."""

    label: str
    latest: str
    usual: str
    place: str
    outside: int
    days: int
    chart: Markup


def glances(
    summaries: Sequence[SummaryOut], withheld: Collection[Kind], words: Words = ENGLISH
) -> list[Glance]:
    """One :class:`Glance` per measure the resident shares (oldest summary first in)."""
    return [
        _glance(measure, summaries, words)
        for measure in MEASURES
        if measure.kind not in withheld and any(measure.read(s) is not None for s in summaries)
    ]


def _glance(measure: Measure, summaries: Sequence[SummaryOut], words: Words) -> Glance:
    # rounded as shown, so "7 uses, usually 7 to 9" is never called below usual
    values = [_rounded(measure.read(s), measure.digits) for s in summaries]
    band = usual_band(values[:-1])
    if band is not None:
        digits = measure.digits
        band = Band(round(band.low, digits), round(band.high, digits), band.days)
    known = [v for v in values if v is not None]
    latest = values[-1]
    label = words.gettext(measure.label)
    return Glance(
        label=label,
        latest=words.gettext("not measured") if latest is None else _amount(latest, measure, words),
        usual=_band_words(band, measure, words),
        place="unknown" if band is None or latest is None else band.place(latest),
        outside=sum(1 for v in known if band and band.place(v) != "within"),
        days=len(known),
        chart=bar_chart(
            [(day_label(s.date, words), v) for s, v in zip(summaries, values, strict=True)],
            label,
            words.gettext(measure.unit),
            (band.low, band.high) if band else None,
        ),
    )


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _amount(value: float, measure: Measure, words: Words) -> str:
    return f"{words.number(value, measure.digits)} {words.gettext(measure.unit)}"


def _band_words(band: Band | None, measure: Measure, words: Words) -> str:
    if band is None:
        return words.gettext("not enough days yet to know")
    if band.low == band.high:
        return _amount(band.low, measure, words)
    low = words.number(band.low, measure.digits)
    return words.gettext("%(low)s to %(high)s") % {
        "low": low,
        "high": _amount(band.high, measure, words),
    }
