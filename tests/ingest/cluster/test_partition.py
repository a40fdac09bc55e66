"""A partition's state without a cluster: statuses, bad data, and what a checkpoint keeps."""

from carewatch.protocol import GatewayStatus, Reading, ReadingsBatch, encode
from ingest.cluster.partition import Partition

T0 = 1_767_571_200.0


def batch(seq: int, ts: float, gateway: str = "gw-1") -> bytes:
    reading = Reading(sensor="bed", kind="bed", ts=ts, value=1.0)
    return encode(ReadingsBatch(gateway=gateway, seq=seq, sent=ts, readings=[reading]))


def test_a_restored_partition_drops_what_it_has_taken_and_repeats() -> None:
    part = Partition(2)
    part.take("cw.2.h-1.gw-1.readings", batch(0, T0), stream_seq=5, received_at=T0)
    restored = Partition.from_bytes(part.to_bytes())

    restored.take("cw.2.h-1.gw-1.readings", batch(0, T0), stream_seq=5, received_at=T0)
    restored.take("cw.2.h-1.gw-1.readings", batch(0, T0), stream_seq=9, received_at=T0)
    restored.take("cw.2.h-1.gw-1.readings", batch(1, T0 + 60), stream_seq=10, received_at=T0)

    assert restored.stream_seq == 10
    assert restored.tally.readings == {"h-1": 2}
    assert restored.tally.verdicts == {"new": 2, "duplicate": 1}


def test_a_status_sets_the_zone_and_bad_messages_are_counted_not_raised() -> None:
    part = Partition(0)
    status = GatewayStatus(gateway="gw-1", state="online", ts=T0, tz="Europe/London")
    part.take("cw.0.h-1.gw-1.status", encode(status), stream_seq=1, received_at=T0)
    part.take("cw.0.h-1.gw-1.readings", b"not json", stream_seq=2, received_at=T0)
    part.take("cw.0.h-1.gw-1.readings", batch(0, T0, "gw-2"), stream_seq=3, received_at=T0)

    assert Partition.from_bytes(part.to_bytes()).engine._tz == {"h-1": "Europe/London"}
    assert part.tally.bad == 2
    assert part.tally.readings == {}
