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
