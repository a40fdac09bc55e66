"""What a carer would measure in a home's readings: per local day, per night, while sitting.

Independent of the simulator's internals: these read only the readings (records)
and the home's time zone, as a detector would.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from statistics import mean
from zoneinfo import ZoneInfo

from carewatch.records import LabelRecord, ReadingRecord


def local(ts: float, tz: str) -> datetime:
    """The local wall time of epoch ``ts``."""
    return datetime.fromtimestamp(ts, ZoneInfo(tz))


def daily_sum(readings: Iterable[ReadingRecord], tz: str, sensor: str) -> dict[date, float]:
    """Sum of ``sensor``'s values per local day (litres for a tap, visits for a toilet)."""
    totals: dict[date, float] = defaultdict(float)
    for r in readings:
        if r.sensor == sensor:
            totals[local(r.ts, tz).date()] += r.value
    return dict(totals)


def daily_count(readings: Iterable[ReadingRecord], tz: str, sensor: str) -> dict[date, int]:
    """Readings of ``sensor`` per local day."""
    counts: dict[date, int] = defaultdict(int)
    for r in readings:
        if r.sensor == sensor:
            counts[local(r.ts, tz).date()] += 1
    return dict(counts)


def days_of(label: LabelRecord, tz: str) -> list[date]:
    """The local days a whole-day label covers."""
    first = local(label.start, tz).date()
    last = local(label.end - 1, tz).date()
    return [date.fromordinal(d) for d in range(first.toordinal(), last.toordinal() + 1)]


def baseline(values: dict[date, float], before: date, days: int = 7) -> float:
    """Mean of ``values`` over the ``days`` local days just before ``before``."""
    window = [v for d, v in values.items() if 0 < (before - d).days <= days]
    assert window, f"no baseline days before {before}"
    return mean(window)


def out_of_bed_spells(readings: Iterable[ReadingRecord]) -> list[tuple[float, float]]:
    """(left bed, back in bed) epoch pairs, from the bed sensor."""
    spells, left = [], None
    for r in readings:
        if r.sensor != "bed":
            continue
        if r.value == 0.0:
            left = r.ts
        elif left is not None:
            spells.append((left, r.ts))
            left = None
    return spells


def night_spells(readings: list[ReadingRecord], tz: str) -> list[tuple[float, float]]:
    """Out-of-bed spells that begin between midnight and 05:00 local."""
    return [s for s in out_of_bed_spells(readings) if local(s[0], tz).hour < 5]


def rise_times(readings: list[ReadingRecord], tz: str) -> dict[date, float]:
    """Per local day, when the resident got up for the day (epoch): the last time out
    of bed before 13:00, so night-time toilet trips do not count."""
    rises: dict[date, float] = {}
    for r in readings:
        if r.sensor == "bed" and r.value == 0.0:
            when = local(r.ts, tz)
            if 3 <= when.hour < 13:
                rises[when.date()] = r.ts
    return rises


def first_rise(readings: list[ReadingRecord], tz: str) -> dict[date, float]:
    """Per local day, the local hour at which the resident got up for the day."""
    hours = {}
    for day, ts in rise_times(readings, tz).items():
        when = local(ts, tz)
        hours[day] = when.hour + when.minute / 60
    return hours


def sitting_spells(readings: list[ReadingRecord]) -> list[tuple[float, float]]:
    """(sat down, stood up) epoch pairs from the chair sensor."""
    spells, sat = [], None
    for r in readings:
        if r.sensor != "chair":
            continue
        if r.value == 1.0:
            sat = r.ts
        elif sat is not None:
            spells.append((sat, r.ts))
            sat = None
    return spells


def heart_in(readings: list[ReadingRecord], spans: list[tuple[float, float]]) -> list[float]:
    """Heart-rate values measured inside any of ``spans`` (which do not overlap)."""
    spans = sorted(spans)
    starts = [a for a, _ in spans]
    values = []
    for r in readings:
        if r.kind == "heart_rate":
            i = bisect_right(starts, r.ts) - 1
            if i >= 0 and r.ts < spans[i][1]:
                values.append(r.value)
    return values


def between(
    readings: list[ReadingRecord], start: float, end: float, *, kinds: set[str] | None = None
) -> list[ReadingRecord]:
    """Readings measured in [start, end), optionally only of ``kinds``."""
    return [r for r in readings if start <= r.ts < end and (kinds is None or r.kind.value in kinds)]
