"""The last few days of a home, hour by hour: the counts drinking is judged on.

Each slot holds one UTC hour: whether anything was heard (``SEEN``), signs of the
resident (``ACTIVITY``), whether they were in bed or the chair (``OCCUPIED``), the local
hour of the day, toilet flushes, and uses and litres per tap (up to ``MAX_TAPS`` taps,
in the order first heard; more are pooled into the last). Late readings (backfill)
land in the hour they belong to while it is still kept.
"""

from typing import Any

SEEN, ACTIVITY, OCCUPIED, LOCAL_HOUR, TOILETS = range(5)
FIRST_TAP = 5
MAX_TAPS = 3
WIDTH = FIRST_TAP + 2 * MAX_TAPS
SIGNALS = list(range(TOILETS, WIDTH))  # what drinking is judged on
NAMES = ["toilet visits"] + [
    f"tap {i + 1} {w}" for i in range(MAX_TAPS) for w in ("uses", "litres")
]


class HourRing:
    """A ring of hourly slots, indexed by absolute UTC hour (``int(ts // 3600)``).

    Examples
    --------
    >>> ring = HourRing(48)
    >>> ring.open(100, local_hour=7)
    >>> ring.tap(100, 0, 0.25); ring.add(100, TOILETS)
    >>> ring.slot(100)[FIRST_TAP : FIRST_TAP + 2], ring.slot(100)[TOILETS]
    ([1.0, 0.25], 1.0)
    >>> ring.open(101, local_hour=8)
    >>> ring.slot(101)[FIRST_TAP], ring.slot(52) is None
    (0.0, True)
    """

    __slots__ = ("current", "edits", "size", "slots")

    def __init__(self, size: int) -> None:
        self.size = size
        self.current = -1
        self.slots = [self._empty(-1) for _ in range(size)]
        # Marks on past hours that may change whether the resident was at home (heard
        # from, activity), or a ring reopened: the drinking window, carried from hour to
        # hour, is walked afresh when this moves. Whoever writes a slot directly (the
        # closing hour's OCCUPIED) must write only the current hour.
        self.edits = 0

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        self.edits = 0  # a checkpoint from before edits were counted
        for name, value in state[1].items():
            setattr(self, name, value)

    @staticmethod
    def _empty(local_hour: int) -> list[float]:
        slot = [0.0] * WIDTH
        slot[LOCAL_HOUR] = float(local_hour)
        return slot

    def open(self, hour: int, local_hour: int) -> None:
        """Start a new current hour."""
        if hour != self.current + 1:
            self.edits += 1  # not the next hour: the ring is not what it was
        self.slots[hour % self.size] = self._empty(local_hour)
        self.current = hour

    def slot(self, hour: int) -> list[float] | None:
        """The slot of ``hour``, if it is still kept (and not in the future)."""
        if hour > self.current or self.current - hour >= self.size:
            return None
        return self.slots[hour % self.size]

    def add(self, hour: int, field: int, amount: float = 1.0) -> None:
        """Add to one field of an hour, if kept."""
        slot = self.slot(hour)
        if slot is not None:
            slot[field] += amount
            if hour != self.current and field <= OCCUPIED:
                self.edits += 1

    def tap(self, hour: int, tap_index: int, litres: float) -> None:
        """One use of tap number ``tap_index``."""
        slot = self.slot(hour)
        if slot is not None:
            field = FIRST_TAP + 2 * min(tap_index, MAX_TAPS - 1)
            slot[field] += 1.0
            slot[field + 1] += litres

    @staticmethod
    def at_home(slot: list[float]) -> bool:
        """In bed or chair (as last reported), or heard from and about: not out.

        Sitting still or asleep, a home without a wearable may send nothing for an hour.
        """
        return slot[LOCAL_HOUR] >= 0 and (
            slot[OCCUPIED] > 0 or (slot[SEEN] > 0 and slot[ACTIVITY] > 0)
        )
