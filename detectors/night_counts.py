"""A resident's usual count of something a night, and how unusual the last few nights are.

The last ``LOOK`` nights are held apart; a night older than that teaches the usual (the
last ``KEEP`` nights taught), unless it was held back (an episode under way, so a rise
does not become the new normal). The last 3, 4 and 5 nights together are compared with
the usual by a count test: their total against the total ``k`` usual nights make, as a
Poisson count scaled by how much the resident's own nights vary (a quasi-Poisson tail,
continuous through the regularised incomplete gamma function), or a negative binomial
when they vary more than a Poisson count would. Nights steadier than Poisson are trusted
only down to half its spread, and only once ``STEADY_AFTER`` nights are learnt.

Robust to a bad night: a span's biggest night is left out of its total, judged against
the usual total of one night fewer; and a rise counts only when it is persistent (all
but one of the nights at least one visit above the usual mean).
"""

from collections import deque

from scipy.special import gammainc
from scipy.stats import nbinom

LOOK = 5  # the last nights tested, held apart from the usual
SPANS = (3, 4, 5)  # nights tested together
KEEP = 28  # nights the usual is learnt from
PRIOR_MEAN, PRIOR_NIGHTS = 1.0, 2.0  # a usual of one a night, worth two nights
STEADY_FLOOR = 0.5  # never judged as steadier than half a Poisson count's variance
STEADY_AFTER = 10  # nights learnt before steadier than Poisson is believed


class NightCounts:
    """Counts of the last nights, and the resident's usual.

    Examples
    --------
    >>> counts = NightCounts()
    >>> for n in [1, 0, 1, 2, 1, 0, 1, 1, 2, 1, 0, 1] + [3, 3, 4]:
    ...     counts.add(n)
    >>> round(counts.mean(), 2), counts.rise()[0] == 3, counts.rise()[1] < 0.001
    (1.0, True, True)
    >>> counts.add(1); counts.add(0); counts.rise()[1] > 0.01
    True
    """

    def __init__(self) -> None:
        self.usual: deque[int] = deque(maxlen=KEEP)
        self.recent: deque[tuple[int, bool]] = deque()  # (count, teaches the usual)

    @property
    def learnt(self) -> int:
        """Nights the usual was learnt from."""
        return len(self.usual)

    def add(self, count: int, learn: bool = True) -> None:
        """One more night's count; ``learn``: it may teach the usual once it is old."""
        self.recent.append((count, learn))
        if len(self.recent) > LOOK:
            old, teaches = self.recent.popleft()
            if teaches:
                self.usual.append(old)

    def forget_recent(self) -> None:
        """Drop the nights held apart (an episode is over: test afresh from here)."""
        self.recent.clear()

    def last(self, k: int) -> list[int]:
        """The counts of the last ``k`` nights (fewer if fewer are held), oldest first."""
        return [count for count, _ in list(self.recent)[-k:]]

    def mean(self) -> float:
        """The usual count a night (shrunk towards one while few nights are learnt)."""
        return (sum(self.usual) + PRIOR_MEAN * PRIOR_NIGHTS) / (len(self.usual) + PRIOR_NIGHTS)

    def dispersion(self) -> float:
        """Their nights' variance over a Poisson count's (1: as much; ``STEADY_FLOOR`` at least)."""
        n = len(self.usual)
        if n < 2:
            return 1.0
        mean = sum(self.usual) / n
        variance = sum((x - mean) ** 2 for x in self.usual) / (n - 1)
        ratio = variance / max(self.mean(), 0.25)
        return max(ratio, STEADY_FLOOR if n >= STEADY_AFTER else 1.0)

    def tail(self, total: int, nights: int) -> float:
        """The chance of ``total`` or more in ``nights`` usual nights.

        >>> round(NightCounts().tail(6, 3), 3)  # a usual of 1 a night: 6 in 3 nights
        0.084
        """
        expected = self.mean() * nights
        spread = self.dispersion()
        if spread <= 1.0:  # P(Poisson(m) >= s) = gammainc(s, m), scaled by the spread
            return float(gammainc(total / spread, expected / spread)) if total > 0 else 1.0
        return float(nbinom.sf(total - 1, expected / (spread - 1.0), 1.0 / spread))

    def rise(self) -> tuple[int, float]:
        """The span of last nights that stands out most, and its chance (1.0: none does).

        Robust to one bad night: the span's biggest night is left out of its total, which
        is judged against the usual total of one night fewer. Only persistent rises are
        tested: all but one of the nights at least one visit above the usual mean.
        """
        best = (0, 1.0)
        usual = self.mean()
        for k in SPANS:
            nights = self.last(k)
            if len(nights) < k or sum(n >= usual + 1.0 for n in nights) < k - 1:
                continue
            chance = self.tail(sum(nights) - max(nights), k - 1)
            if chance < best[1]:
                best = (k, chance)
        return best
