"""``write_grouped`` (ingest's fast path: wire readings grouped by home) against both backends."""

from carewatch.protocol import Reading
from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store import Store

T0 = 1_700_000_000.0


def test_grouped_wire_readings_are_stored_like_records(store: Store) -> None:
    beats = [Reading("hr-1", Kind.HEART_RATE, T0 + i, 60.0 + i, "r-1") for i in range(3)]
    tap = Reading("tap-1", Kind.TAP, T0 + 1.5, 0.25)
    write_grouped = store.write_grouped  # type: ignore[attr-defined]

    write_grouped([("h-1", beats), ("h-2", [tap]), ("h-3", [])])
    write_grouped([("h-1", beats[1:])])  # a redelivered message: stored once

    assert store.query("h-1", Kind.HEART_RATE, T0, T0 + 10) == [
        ReadingRecord("h-1", "hr-1", Kind.HEART_RATE, T0 + i, 60.0 + i, "r-1") for i in range(3)
    ]
    assert store.query("h-2", Kind.TAP, T0, T0 + 10) == [
        ReadingRecord("h-2", "tap-1", Kind.TAP, T0 + 1.5, 0.25)
    ]
    assert [s.home for s in store.sensors()] == ["h-1", "h-2"]


def test_nothing_to_write_is_not_an_error(store: Store) -> None:
    store.write_grouped([])  # type: ignore[attr-defined]
    store.write_grouped([("h-1", [])])  # type: ignore[attr-defined]

    assert store.sensors() == []
