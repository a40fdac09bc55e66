"""How long this home's ordinary night trips last, with and without a toilet flush.

Two river ``RollingQuantile`` (90th percentile, exact over the last 60 trips: a home
makes a few trips a night, too few for a streaming estimate) of its completed night
trips: the time up *before a flush* (a whole trip with none, or the minutes to the flush
of one with a flush: both are "up, no flush yet" in an ordinary trip), and the length of
trips *with a flush*. A spell up alerts past 1.5 x the learnt quantile, kept between a
floor and a ceiling. Until six trips are learnt the floors hold, except that a home
without a toilet sensor waits the with-flush floor: there any trip may be a toilet visit.
"""

from river import stats

from detectors.config import MINUTE, EngineConfig

Q = 0.9
KEPT = 60  # the last trips the quantile is taken over (a month or two)
MARGIN = 1.5  # an ordinary trip's high quantile times this is still ordinary
MIN_TRIPS = 6  # trips learnt before the quantile counts
FLUSHED_CEILING = 30 * MINUTE  # a flush never excuses more than this


class TripLengths:
    """The usual night trips of one home.

    Examples
    --------
    >>> from detectors.config import EngineConfig
    >>> cfg, trips = EngineConfig(), TripLengths()
    >>> trips.limit(flushed=False, has_toilet=False, cfg=cfg) / MINUTE  # nothing learnt
    20.0
    >>> for minutes in [6, 7, 8, 9, 10, 11, 7, 8, 9, 10]:
    ...     trips.learn_one(minutes * MINUTE, flush_after=None)
    >>> 14 < trips.limit(flushed=False, has_toilet=False, cfg=cfg) / MINUTE <= 20
    True
    """

    def __init__(self) -> None:
        self.before_flush = stats.RollingQuantile(Q, window_size=KEPT)
        self.with_flush = stats.RollingQuantile(Q, window_size=KEPT)
        self.counts = [0, 0]  # trips learnt: before a flush, with a flush

    def learn_one(self, length: float, flush_after: float | None) -> None:
        """Teach one ordinary trip: its length, and when its flush came (None: none)."""
        self.before_flush.update(length if flush_after is None else flush_after)
        self.counts[0] += 1
        if flush_after is not None:
            self.with_flush.update(length)
            self.counts[1] += 1

    def limit(self, flushed: bool, has_toilet: bool, cfg: EngineConfig) -> float:
        """How long a spell up may last before it is wandering (seconds)."""
        if flushed:
            return self._learnt(1, cfg.wander_toilet_after, FLUSHED_CEILING)
        if not has_toilet and self.counts[0] < MIN_TRIPS:
            return cfg.wander_toilet_after
        return self._learnt(0, cfg.wander_after, cfg.wander_toilet_after)

    def usual(self, flushed: bool) -> float:
        """The learnt high quantile (seconds; 0 until enough trips)."""
        index = 1 if flushed else 0
        if self.counts[index] < MIN_TRIPS:
            return 0.0
        value = (self.with_flush if flushed else self.before_flush).get()
        return float(value) if value is not None else 0.0

    def _learnt(self, index: int, floor: float, ceiling: float) -> float:
        return min(max(floor, MARGIN * self.usual(index == 1)), ceiling)
