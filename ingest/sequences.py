"""Per-gateway sequence numbers: which messages are new, late, duplicated or missing.

A gateway numbers its readings messages 0, 1, 2, … (persisted across its own
restarts). A number seen before is a duplicate (a redelivery or a re-send from
the outbox); a jump leaves a gap, remembered so a late arrival fills it rather
than counting as a duplicate.
"""

from enum import StrEnum
from typing import Final, NamedTuple

GatewayKey = tuple[str, str]
"""``(home, gateway)``."""

MAX_MISSING_RANGES: Final = 64  # oldest gaps are forgotten first, bounding memory


class SequenceState(NamedTuple):
    """The highest number seen and the ranges (inclusive) still missing below it."""

    high: int
    missing: tuple[tuple[int, int], ...] = ()


class Verdict(StrEnum):
    """What a sequence number says about its message."""

    NEW = "new"
    LATE = "late"  # fills a gap: new data, arriving out of order
    DUPLICATE = "duplicate"


class Observation(NamedTuple):
    """The verdict on one message, the gap it revealed (if any), and the new state."""

    verdict: Verdict
    gap: tuple[int, int] | None
    state: SequenceState


class SequenceTracker:
    """Tracks every gateway's sequence numbers.

    Examples
    --------
    >>> tracker = SequenceTracker()
    >>> [tracker.observe(("h", "g"), seq).verdict.value for seq in (1, 2, 2)]
    ['new', 'new', 'duplicate']
    >>> tracker.observe(("h", "g"), 6).gap
    (3, 5)
    >>> tracker.observe(("h", "g"), 4).verdict.value, tracker.state(("h", "g"))
    ('late', SequenceState(high=6, missing=((3, 3), (5, 5))))
    """

    def __init__(self, states: dict[GatewayKey, SequenceState] | None = None) -> None:
        self._states = dict(states or {})

    def observe(self, key: GatewayKey, seq: int) -> Observation:
        """Judge message ``seq`` of gateway ``key`` and remember it."""
        state = self._states.get(key)
        if state is None:  # first message ever seen: nothing to compare with
            return self._set(key, Verdict.NEW, None, SequenceState(seq))
        if seq == state.high + 1:  # the common case, kept cheap
            return self._set(key, Verdict.NEW, None, SequenceState(seq, state.missing))
        if seq > state.high:
            gap = (state.high + 1, seq - 1)
            missing = (*state.missing, gap)[-MAX_MISSING_RANGES:]
            return self._set(key, Verdict.NEW, gap, SequenceState(seq, missing))
        filled = _fill(state.missing, seq)
        if filled is None:
            return Observation(Verdict.DUPLICATE, None, state)
        return self._set(key, Verdict.LATE, None, SequenceState(state.high, filled))

    def state(self, key: GatewayKey) -> SequenceState | None:
        """The state of one gateway, if seen."""
        return self._states.get(key)

    def _set(
        self, key: GatewayKey, verdict: Verdict, gap: tuple[int, int] | None, state: SequenceState
    ) -> Observation:
        self._states[key] = state
        return Observation(verdict, gap, state)


def _fill(missing: tuple[tuple[int, int], ...], seq: int) -> tuple[tuple[int, int], ...] | None:
    """``missing`` without ``seq``, or ``None`` if ``seq`` was not missing."""
    for index, (low, high) in enumerate(missing):
        if low <= seq <= high:
            parts = tuple(r for r in ((low, seq - 1), (seq + 1, high)) if r[0] <= r[1])
            return missing[:index] + parts + missing[index + 1 :]
    return None
