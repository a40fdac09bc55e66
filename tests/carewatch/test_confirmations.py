"""When the gateway sends an acknowledged but unconfirmed batch again (pure rules)."""

import itertools

from carewatch.clock import ManualClock
from carewatch.confirmations import MAX_PROBE_WAIT_S, Confirmations


def test_a_receipt_brings_back_only_what_was_acknowledged_before_it() -> None:
    clock = ManualClock(0.0)
    waiting = Confirmations(timeout_s=60.0, monotonic=clock)
    for seq in (4, 5, 6, 7):
        waiting.acknowledged(seq)
    assert waiting.confirmed([4]) == []  # the oldest first: nothing lost
    assert waiting.confirmed([6, 99]) == [5]  # 5 went before 6; 99 unknown
    assert waiting.confirmed([5]) == []  # a late copy of one already sent again: no-op
    assert len(waiting) == 1
    assert waiting.all_back() == [7]
    assert len(waiting) == 0


def test_probes_one_batch_with_a_doubling_wait_while_ingest_is_silent() -> None:
    clock = ManualClock(0.0)
    waiting = Confirmations(timeout_s=60.0, monotonic=clock)
    for seq in range(200):
        waiting.acknowledged(seq)
    probes: list[tuple[float, int]] = []
    while clock() < 3600:
        clock.advance(1.0)
        if (probe := waiting.overdue()) is not None:
            probes.append((clock(), probe))
            waiting.acknowledged(probe)  # sent again and acknowledged by the broker
    times = [t for t, _ in probes]
    assert times[:4] == [60.0, 180.0, 420.0, 900.0]  # waits 60, 120, 240, 480 s
    assert all(b - a == MAX_PROBE_WAIT_S for a, b in itertools.pairwise(times[4:]))
    assert len(probes) <= 10  # an hour without ingest: a handful of copies, not 200 a minute
    # Ingest's session had lost everything: the latest probe's receipt brings the rest back.
    assert len(waiting.confirmed([probes[-1][1]])) == 199
    waiting.acknowledged(200)
    clock.advance(59.0)
    assert waiting.overdue() is None
    clock.advance(1.0)  # the wait is short again
    assert waiting.overdue() == 200
