"""One sensor as the home knows it: its kind, when it last spoke, its usual gaps.

Its own module so that the read-only view of a home (detectors/view.py) can name it
without importing a detector: the health detector judges these, the timing of readings
(detectors/timing.py) moves their clocks, and every detector may read them.
"""

from carewatch.protocol import Kind
from detectors.baselines import Gaps
from detectors.config import DAY, HOUR, MINUTE

FLOORS: dict[Kind, float] = {
    Kind.HEART_RATE: 30 * MINUTE,
    Kind.MOTION: 14 * HOUR,
    Kind.TAP: 16 * HOUR,
    Kind.TOILET: 16 * HOUR,
    Kind.BED: 20 * HOUR,
    Kind.CHAIR: 20 * HOUR,
    Kind.DOOR: 14 * DAY,  # many people go out only now and then
}
LONG_GAP = 30 * MINUTE  # only silences this long teach a sensor's usual longest gap
SETTLED = 100  # long gaps after which river's quantile alone is trusted


class SensorState:
    """One sensor: its kind, when it last reported, its usual gaps."""

    __slots__ = ("alerted", "gaps", "heard", "kind", "last_ts", "longest", "offset", "usual")

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.last_ts = 0.0  # the latest time stamp it sent
        self.heard = 0.0  # the latest time it was heard, on the home's clock
        self.gaps = Gaps(q=0.99)
        self.alerted = False
        self.offset = 0.0  # how far its clock runs ahead of the home's
        self.usual = 0.0  # its longest usual gap, as last learnt
        self.longest = 0.0  # the longest gap while the quantile settles

    def limit(self, factor: float) -> float:
        """How long it may be silent before it alerts."""
        return max(FLOORS[self.kind], factor * self.usual)

    def seen(self, ts: float, at: float, live: bool) -> None:
        """A reading stamped ``ts``, taken as at ``at``; long live gaps are learnt."""
        if ts > self.last_ts:
            self.last_ts = ts
        heard = self.heard
        if at <= heard:
            return
        gap = at - heard
        if live and heard and gap >= LONG_GAP:
            self.gaps.learn_one(gap)
            # A high quantile needs many gaps to settle; until then the longest seen counts.
            self.longest = max(self.longest, gap) if self.gaps.count <= SETTLED else 0.0
            self.usual = max(self.gaps.get(), self.longest)
        self.heard = at
        self.alerted = False
