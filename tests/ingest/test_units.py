"""Ingest's pieces on their own: sequences, the batcher's bounds and backpressure."""

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carewatch.clock import ManualClock
from carewatch.protocol import Kind, Reading
from carewatch.settings import load_settings
from ingest.batcher import Ack, Batcher
from ingest.sequences import SequenceTracker, Verdict
from ingest.settings import IngestSettings

KEY = ("home-1", "gw-1")


def readings(count: int) -> tuple[str, list[Reading]]:
    return "home-1", [Reading("s-1", Kind.MOTION, 1e9 + i, 1.0) for i in range(count)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=80))
def test_each_sequence_number_is_new_once_and_gaps_account_for_the_rest(seqs: list[int]) -> None:
    tracker = SequenceTracker()
    accepted: list[int] = []
    missing = 0
    for seq in seqs:
        seen = tracker.observe(KEY, seq)
        if seen.verdict is not Verdict.DUPLICATE:
            accepted.append(seq)
        if seen.gap is not None:
            missing += seen.gap[1] - seen.gap[0] + 1
    first = seqs[0]
    # every number from the first one seen up is new exactly once; below it, history is unknown
    assert sorted(accepted) == sorted({seq for seq in seqs if seq >= first})
    state = tracker.state(KEY)
    assert state is not None and state.high == max(seqs)
    still_missing = sum(high - low + 1 for low, high in state.missing)
    # gaps are reported above the first number seen; later arrivals fill them
    assert still_missing == len(set(range(first, max(seqs) + 1)) - set(seqs))
    assert missing >= still_missing


def test_tracker_starts_from_saved_state() -> None:
    tracker = SequenceTracker()
    tracker.observe(KEY, 10)
    restarted = SequenceTracker({KEY: tracker.state(KEY)})  # type: ignore[dict-item]
    assert restarted.observe(KEY, 11).verdict is Verdict.NEW
    assert restarted.observe(KEY, 10).verdict is Verdict.DUPLICATE


def test_batches_are_sealed_by_size_and_keep_acks_in_order() -> None:
    batcher = Batcher(size=100, max_age_s=60, limit=1_000, clock=ManualClock(0))
    for mid in range(1, 4):
        batcher.add(ack=Ack(0, mid, 1), readings=readings(50))
    first = batcher.take(timeout=0)
    assert first is not None and len(first.records) == 100
    assert [ack.mid for ack in first.acks] == [1, 2]
    assert batcher.take(timeout=0) is None  # 50 readings, young: waits for more
    assert batcher.depth == 150
    batcher.done(first)
    assert batcher.depth == 50


def test_a_full_buffer_blocks_the_producer_until_the_writer_catches_up() -> None:
    batcher = Batcher(size=100, max_age_s=60, limit=200, clock=ManualClock(0))
    batcher.add(ack=Ack(0, 1, 1), readings=readings(100))
    added = threading.Event()

    def produce() -> None:
        batcher.add(ack=Ack(0, 2, 1), readings=readings(100))  # reaches the limit: blocks
        added.set()

    producer = threading.Thread(target=produce)
    producer.start()
    assert not added.wait(0.3)  # held back: this is the backpressure on the broker
    batch = batcher.take(timeout=0)
    assert batch is not None
    batcher.done(batch)
    assert added.wait(5)
    producer.join()


def test_close_releases_a_blocked_producer_and_seals_the_open_batch() -> None:
    batcher = Batcher(size=1_000, max_age_s=60, limit=1_000, clock=ManualClock(0))
    batcher.add(ack=Ack(0, 1, 1))
    assert batcher.take(timeout=0) is None
    batcher.close()
    batch = batcher.take(timeout=0)
    assert batch is not None and batch.acks == [Ack(0, 1, 1)]
    assert batcher.empty()


def test_http_endpoint_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREWATCH_INGEST_HTTP_PORT", "off")
    assert load_settings(IngestSettings).http_port is None
    monkeypatch.setenv("CAREWATCH_INGEST_HTTP_PORT", "0")
    assert load_settings(IngestSettings).http_port == 0
