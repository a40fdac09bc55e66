"""The gateway's sink refuses readings the server would refuse, without stopping."""

import time
from pathlib import Path

from carewatch.protocol import Kind, Reading
from gateway.config import load_config
from gateway.runtime import Gateway
from tests.gateway.support import write_config


def test_sink_keeps_good_readings_and_counts_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    config = write_config(
        tmp_path, "mqtt://127.0.0.1:1", f'[source.file]\npath = "{tmp_path / "empty.jsonl"}"\n'
    )
    gateway = Gateway(load_config(config))
    now = time.time()
    try:
        gateway.reading(Reading("hr-1", Kind.HEART_RATE, now, 70.0))
        gateway.reading(Reading("hr-1", Kind.HEART_RATE, 12.0, 70.0))  # a Pi clock at 1970
        gateway.reading(Reading("HR 1", Kind.HEART_RATE, now, 70.0))  # not a pseudonym
        gateway.reading(Reading("hr-1", Kind.HEART_RATE, now + 3600, 70.0))  # clock ahead
        gateway.battery("door-1", 80.0)
        stored = gateway._take(0.0)
    finally:
        gateway.outbox.close()
    assert stored == [Reading("hr-1", Kind.HEART_RATE, now, 70.0), ("door-1", 80.0)]
    assert gateway.problems == {"gateway": 3}


def test_battery_levels_reach_the_outbox_for_the_status(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    config = write_config(
        tmp_path, "mqtt://127.0.0.1:1", f'[source.file]\npath = "{tmp_path / "empty.jsonl"}"\n'
    )
    gateway = Gateway(load_config(config))
    try:
        for level in (80.0, 80.0, 79.0):
            gateway.battery("door-1", level)
        gateway.reading(Reading("door-1", Kind.DOOR, time.time(), 1.0))
        gateway._store(gateway._take(0.0))
        status = gateway.status()
    finally:
        gateway.outbox.close()
    assert status.battery == {"door-1": 79.0}
    assert set(status.sensors_last_seen) == {"door-1"}
    assert (status.outbox_depth, status.next_seq, status.tz) == (1, 0, "Europe/London")
