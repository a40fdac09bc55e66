"""Whole days of drinking judged together: a slow decline that each day alone hides.

Decision D127: at each local midnight the day just over joins the last ones kept. The
last two and the last three whole days at home (``HOME_ALL_DAY`` hours or more each: a
day out, or hours a dead tap sensor took out, leave the day out) are added up and judged
like the window since yesterday, in the resident's day-to-day spreads (× √days), by the
caller's ``shortfall``. A decline to about 75 % over three to five days keeps each day
within the ordinary ups and downs, and shows only over several.

Examples
--------
>>> days = WholeDays()
>>> for share in (0.7, 0.7, 0.7):  # uses (signal 1) and litres (2) at 70 % of usual
...     days.add({1: (16 * share, 16.0), 2: (6 * share, 6.0)}, hours=24)
>>> def shortfall(totals):  # observed / usual, and the shortfall in spreads of 0.1
...     seen, usual = totals[1]
...     return seen / usual, (usual - seen) / 16 / 0.1 / (usual / 16) ** 0.5
>>> found = days.short(shortfall, z=5.0, ratio=0.85, signals=[1, 2])
>>> found.days, round(found.value, 2), round(found.score, 1)  # 3 days: 5.2 spreads
(3, 0.7, 5.2)
>>> days.add({1: (16.0, 16.0), 2: (6.0, 6.0)}, hours=15)  # a day out: not judged
>>> days.short(shortfall, z=0.1, ratio=0.85, signals=[1, 2]) is None
True
"""

from collections.abc import Callable, Iterable
from typing import NamedTuple

from carewatch.phrases import N_
from carewatch.protocol import Phrase
from detectors.alerts import times

KEPT = 3  # whole days kept and judged together (the last two, then the last three)
HOME_ALL_DAY = 22  # hours at home (of 23-25) for a whole day to be judged with others

Amounts = dict[int, tuple[float, float]]  # signal -> (observed, usual) over a day
Shortfall = Callable[[Amounts], tuple[float, float] | None]  # -> (observed/usual, spreads)


class Found(NamedTuple):
    """Whole days that fell short together: how many, observed / usual, in spreads."""

    days: int
    value: float
    score: float


class WholeDays:
    """The last whole days' drinking, oldest first: amounts per signal and hours at home."""

    def __init__(self) -> None:
        self.days: list[tuple[Amounts, int]] = []

    def add(self, amounts: Amounts, hours: int) -> None:
        """The day just over (local midnight)."""
        self.days = [*self.days[-(KEPT - 1) :], (amounts, hours)]

    def short(
        self, shortfall: Shortfall, z: float, ratio: float, signals: list[int]
    ) -> Found | None:
        """The shortest span of the last days (two, then three) that fell ``z`` spreads
        short and below ``ratio`` of usual; None if none did."""
        for k in range(2, KEPT + 1):
            last = self.days[-k:]
            if len(last) < k or any(hours < HOME_ALL_DAY for _, hours in last):
                continue
            totals = _merged(last)
            found = shortfall({i: totals.get(i, (0.0, 0.0)) for i in signals})
            if found is not None and found[1] >= z and found[0] < ratio:
                return Found(k, *found)
        return None

    def told(
        self, k: int, uses: list[int], litres: list[int], toilet: int
    ) -> tuple[list[Phrase], dict[str, float]]:
        """The last ``k`` days in words (the sentences before the advice) and in numbers."""
        last = self.days[-k:]
        each = [(*_total(day, uses), *_total(day, litres)) for day, _ in last]
        all_days = _merged(last)
        used, used_usual = _total(all_days, uses)
        drawn, drawn_usual = _total(all_days, litres)
        toilets, toilets_usual = _total(all_days, [toilet])
        by_day = [
            N_(
                "%(uses)s (%(litres).1f L; usually %(usual_uses).0f times, %(usual_litres).1f L)",
                uses=times(int(day_used)),
                litres=day_drawn,
                usual_uses=day_used_usual,
                usual_litres=day_drawn_usual,
            )
            for day_used, day_used_usual, day_drawn, day_drawn_usual in each
        ]
        share = round(drawn, 1) / max(round(drawn_usual, 1), 0.1)
        words = [
            N_(
                "Less water drawn from the tap than usual over the last %(k)d whole days at "
                "home: the drinking tap was used %(uses)s (%(litres).1f L) where on usual days "
                "it is %(usual_uses).0f times (%(usual_litres).1f L) in those hours: "
                "%(share).0f%% of their usual.",
                k=k,
                uses=times(int(used)),
                litres=drawn,
                usual_uses=used_usual,
                usual_litres=drawn_usual,
                share=100 * share,
            ),
            N_("Day by day, oldest first: %(days)s.", days=_listed(by_day)),
            N_(
                "Toilet %(visits)s, usually %(usual).0f.",
                visits=times(int(toilets)),
                usual=toilets_usual,
            ),
        ]
        numbers = {
            "days_judged": k,
            "hours_at_home": sum(hours for _, hours in last),
            "tap_uses": used,
            "tap_uses_usual": used_usual,
            "tap_litres": drawn,
            "tap_litres_usual": drawn_usual,
            "toilet_visits": toilets,
            "toilet_visits_usual": toilets_usual,
        }
        return words, numbers


def _listed(items: list[Phrase]) -> Phrase:
    """Phrases one after another, separated by semicolons."""
    listed = items[0]
    for item in items[1:]:
        listed = N_("%(earlier)s; %(later)s", earlier=listed, later=item)
    return listed


def _added(amounts: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Observed and usual amounts added up over days."""
    seen, usual = 0.0, 0.0
    for day_seen, day_usual in amounts:
        seen, usual = seen + day_seen, usual + day_usual
    return seen, usual


def _total(day: Amounts, signals: list[int]) -> tuple[float, float]:
    """Observed and usual amounts of ``signals`` together on ``day``."""
    return _added(day.get(i, (0.0, 0.0)) for i in signals)


def _merged(days: list[tuple[Amounts, int]]) -> Amounts:
    """Several days' amounts as one."""
    signals = {i for day, _ in days for i in day}
    return {i: _added(day.get(i, (0.0, 0.0)) for day, _ in days) for i in signals}
