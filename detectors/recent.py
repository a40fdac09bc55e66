"""A home's last event readings, to drop duplicates: flat arrays, not tuples of floats.

Held as ``DEDUP`` (sensor, time stamp, value) tuples this cost a home about 60 KB and
1 500 objects for the garbage collector to walk (issue 16); as two arrays of doubles
and one list of references to the home's own sensor states it is at most 12 KB and
four objects (grown as events come, so a new home's is small), and answers exactly as
the queue of tuples did.
"""

from array import array
from collections.abc import Iterable
from typing import TypeAlias

from detectors.sensors import SensorState

DedupKey = tuple[SensorState, float, float]  # the sensor's own state: matched by identity
State: TypeAlias = "tuple[int, int, list[SensorState], array[float], array[float]]"


class RecentEvents:
    """The last ``size`` keys appended, oldest overwritten first (a ring).

    Examples
    --------
    >>> from carewatch.protocol import Kind
    >>> pir = SensorState(Kind.MOTION)
    >>> recent = RecentEvents(2)
    >>> recent.append((pir, 10.0, 1.0)); recent.append((pir, 11.0, 1.0))
    >>> (pir, 10.0, 1.0) in recent, (pir, 10.0, 0.0) in recent
    (True, False)
    >>> recent.append((pir, 12.0, 1.0))  # the oldest goes
    >>> (pir, 10.0, 1.0) in recent, (pir, 12.0, 1.0) in recent
    (False, True)
    """

    __slots__ = ("next", "sensors", "size", "stamps", "values")

    def __init__(self, size: int, keys: Iterable[DedupKey] = ()) -> None:
        self.size = size
        self.sensors: list[SensorState] = []
        self.stamps = array("d")
        self.values = array("d")
        self.next = 0  # where the next key goes once full
        for key in keys:
            self.append(key)

    def __getstate__(self) -> State:
        # A tuple, not a dict of slot names: a checkpoint written again after a restore is
        # then the same bytes (names would be memoised differently once unpickled).
        return self.size, self.next, self.sensors, self.stamps, self.values

    def __setstate__(self, state: State) -> None:
        self.size, self.next, self.sensors, self.stamps, self.values = state

    def append(self, key: DedupKey) -> None:
        """Remember ``key``, forgetting the oldest when full."""
        state, ts, value = key
        if len(self.sensors) < self.size:
            self.sensors.append(state)
            self.stamps.append(ts)
            self.values.append(value)
            return
        i = self.next
        self.sensors[i], self.stamps[i], self.values[i] = state, ts, value
        self.next = (i + 1) % self.size

    def __contains__(self, key: DedupKey) -> bool:
        """Whether ``key`` is one of the last ``size`` appended (rare: searched in C)."""
        state, ts, value = key
        stamps, i = self.stamps, -1
        while True:
            try:
                i = stamps.index(ts, i + 1)
            except ValueError:
                return False
            if self.sensors[i] is state and self.values[i] == value:
                return True
