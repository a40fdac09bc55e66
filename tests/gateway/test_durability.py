"""Acceptance: nothing is lost through a broker outage and a SIGKILL of the gateway."""

import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord, write_jsonl
from tests.gateway.support import Collector, GatewayProcess, write_config
from tests.servers import Mosquitto


def _recorded_day(path: Path, start: float) -> list[ReadingRecord]:
    """Heart rate every 5 s plus door and chair events, as a recorded file."""
    records = []
    for i in range(700):
        ts = start + 5 * i
        records.append(ReadingRecord("home-1", "hr-1", Kind.HEART_RATE, ts, 60.0 + i % 30))
        if i % 10 == 3:
            records.append(ReadingRecord("home-1", "door-1", Kind.DOOR, ts + 1, float(i % 20 == 3)))
        if i % 25 == 7:
            records.append(
                ReadingRecord("home-1", "chair-1", Kind.CHAIR, ts + 2, float(i % 50 == 7))
            )
    with path.open("wb") as out:
        write_jsonl(records, out)
    return records


def _simulated_day(start: str) -> list[ReadingRecord]:
    from simulators import make_cohort, simulate_home

    day = datetime.fromisoformat(start).date()
    return simulate_home(make_cohort(1, seed=3)[0], days=1, seed=3, start=day).readings


def _source(kind: str, tmp_path: Path) -> tuple[str, list[ReadingRecord]]:
    """The source table and every reading it will produce, for both test sources."""
    if kind == "file":
        records = _recorded_day(tmp_path / "day.jsonl", start=time.time() - 4000)
        return f'[source.file]\npath = "{tmp_path / "day.jsonl"}"\nspeed = 250\n', records
    start = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    table = f"[source.simulator]\nhome = 1\nseed = 3\ndays = 1\nspeed = 6000\nstart = {start}\n"
    return table, _simulated_day(start)


@pytest.mark.parametrize("source", ["file", "simulator"])
def test_outage_and_sigkill_lose_nothing_and_resend_under_the_same_seq(
    mosquitto: Mosquitto, tmp_path: Path, source: str
) -> None:
    table, records = _source(source, tmp_path)
    config = write_config(tmp_path, mosquitto.url, table)
    collector = Collector(mosquitto.url)
    gateway = GatewayProcess(config)
    try:
        collector.wait(lambda: collector.last_state() is None, 1, "subscription")  # no status yet
        gateway.start()
        collector.wait(lambda: len(collector.batches) >= 2, 20, "the first batches")
        mosquitto.stop()  # the broadband drops while the gateway keeps measuring
        time.sleep(2)
        mosquitto.start()
        before = len(collector.batches)
        collector.wait(lambda: len(collector.batches) > before + 2, 30, "batches after outage")
        gateway.kill()  # power cut
        collector.wait(lambda: collector.last_state() == "offline", 10, "the will")
        assert collector.readings_count() < len(records)  # the kill was mid-stream
        gateway.start()
        collector.wait(lambda: collector.last_state() == "online", 20, "online again")
        collector.wait(lambda: collector.readings_count() == len(records), 120, "every reading")
        assert gateway.terminate() == 0
        collector.wait(lambda: collector.last_state() == "offline", 10, "offline on SIGTERM")
    finally:
        gateway.ensure_dead()
        collector.close()

    online = [s for s in collector.statuses if s.state == "online"]
    assert {s.tz for s in online} == {"Europe/London"} and all(s.version for s in online)
    last = online[-1]  # the periodic status says how far the drain has got
    assert last.next_seq is not None and last.outbox_depth is not None
    assert set(last.sensors_last_seen) <= {r.sensor for r in records}
    assert collector.errors == []

    by_seq: dict[int, list[object]] = defaultdict(list)
    for batch in collector.batches:
        by_seq[batch.seq].append(batch.readings)
    # A duplicate (QoS 1 resend) carries the very same readings under the same seq.
    assert all(copy == copies[0] for copies in by_seq.values() for copy in copies)
    assert sorted(by_seq) == list(range(len(by_seq)))  # no gap in the sequence
    delivered = [r for seq in sorted(by_seq) for r in by_seq[seq][0]]
    assert len(delivered) == len(set(delivered)) == len(records)  # exactly once per seq
    assert {(r.sensor, r.ts, r.value) for r in delivered} == {
        (r.sensor, r.ts, r.value) for r in records
    }
    for sensor in {r.sensor for r in records}:
        times = [r.ts for r in delivered if r.sensor == sensor]
        assert times == sorted(times)  # in measured order per sensor after draining
