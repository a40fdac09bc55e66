"""A resident's usual band for a daily measure, and where a day falls against it.

The band holds eight in ten of their own earlier days (10th to 90th percentile): wide
for someone whose days vary, narrow for someone of fixed habits, and never a norm taken
from other people. (The middle half put every other ordinary day outside "usual".)
"""

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import quantiles

MIN_DAYS = 7  # fewer earlier days than this: too early to say what is usual


@dataclass(frozen=True)
class Band:
    """The usual range ``low``-``high`` of a measure, learnt from ``days`` earlier days."""

    low: float
    high: float
    days: int

    def place(self, value: float) -> str:
        """``'below'``, ``'within'`` or ``'above'`` the band.

        >>> Band(1.2, 1.6, 20).place(0.7), Band(1.2, 1.6, 20).place(1.6)
        ('below', 'within')
        """
        if value < self.low:
            return "below"
        if value > self.high:
            return "above"
        return "within"


def usual_band(values: Sequence[float | None]) -> Band | None:
    """Eight in ten of ``values`` (missing days left out), or ``None`` if too few.

    Examples
    --------
    >>> usual_band([1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, None])
    Band(low=1.12, high=2.08, days=7)
    >>> usual_band([1.0, 2.0]) is None
    True
    """
    known = [v for v in values if v is not None]
    if len(known) < MIN_DAYS:
        return None
    cuts = quantiles(known, n=10, method="inclusive")
    return Band(round(cuts[0], 2), round(cuts[-1], 2), len(known))
