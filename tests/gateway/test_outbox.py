"""The outbox: durable, ordered, sequence-numbered, and bounded without losing events."""

import subprocess
import sys
from itertools import pairwise
from pathlib import Path

from carewatch.clock import ManualClock
from carewatch.protocol import Kind, Reading, ReadingsBatch, decode
from gateway.outbox import Outbox

T0 = 1_700_000_000.0


def _hr(i: int, sensor: str = "hr-1") -> Reading:
    return Reading(sensor, Kind.HEART_RATE, T0 + 60 * i, 60.0 + i % 40)


def test_batches_are_oldest_first_bounded_and_numbered(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.db", clock=ManualClock(T0 + 10_000))
    box.add([_hr(i) for i in range(5, 12)])
    box.add([_hr(i) for i in range(5)])  # backfill of older readings arriving later
    first = box.form_batch("gw-1", max_readings=4)
    second = box.form_batch("gw-1", max_readings=4)
    assert first is not None and second is not None
    one = decode(first.payload, ReadingsBatch, clock=ManualClock(T0 + 10_000))
    assert (one.gateway, one.seq, [r.ts for r in one.readings]) == (
        "gw-1",
        0,
        [T0 + 60 * i for i in range(4)],
    )
    assert (second.seq, second.count, box.pending(), box.depth()) == (1, 4, 4, 12)
    assert box.oldest_ts() == T0
    box.ack(0)
    assert (box.depth(), box.oldest_ts()) == (8, T0 + 240)
    box.close()


def test_a_restart_resends_the_same_seq_and_keeps_counting(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.db", clock=ManualClock(T0 + 10_000))
    box.add([_hr(i) for i in range(10)])
    box.set_battery("hr-1", 55)
    formed = [box.form_batch("gw-1", 3) for _ in range(2)]
    box.ack(0)
    box.close()  # then the power goes
    again = Outbox(tmp_path / "o.db", clock=ManualClock(T0 + 20_000))
    assert [b.payload for b in again.unacked()] == [formed[1].payload]  # byte for byte
    assert again.next_seq() == 2 and again.depth() == 7
    assert again.last_seen() == {"hr-1": T0 + 540} and again.battery() == {"hr-1": 55.0}
    assert again.form_batch("gw-1", 100).seq == 2
    again.close()


def test_full_outbox_thins_old_heart_rate_and_keeps_every_event(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.db", max_readings=1_000)
    doors = [
        Reading("door-1", Kind.DOOR, T0 + 60 * i + 1, float(i % 2)) for i in range(0, 1200, 10)
    ]
    box.add(doors)
    for start in range(0, 1200, 100):
        box.add([_hr(i) for i in range(start, start + 100)])
    assert box.depth() <= 1_000 and box.thinned > 0
    batch = box.form_batch("gw-1", 1_000)
    assert batch is not None
    readings = decode(batch.payload, ReadingsBatch).readings
    assert [r for r in readings if r.kind == Kind.DOOR] == doors  # all, in order
    hr_times = [r.ts for r in readings if r.kind == Kind.HEART_RATE]
    newest = [T0 + 60 * i for i in range(1100, 1200)]
    assert hr_times[-100:] == newest  # the latest hour keeps full resolution
    gaps = [b - a for a, b in pairwise(hr_times)]
    assert max(gaps) >= 120 and min(gaps) == 60  # older data at a lower resolution
    box.close()


def test_events_are_kept_even_over_the_bound(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.db", max_readings=1_000)
    box.add([Reading("toilet-1", Kind.TOILET, T0 + i, 1.0) for i in range(1_500)])
    assert box.depth() == 1_500
    box.close()


def test_a_reading_added_survives_sigkill(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from carewatch.protocol import Kind, Reading\n"
        "from gateway.outbox import Outbox\n"
        "box = Outbox(Path(sys.argv[1]))\n"
        "for i in range(50):\n"
        "    box.add([Reading('bed-1', Kind.BED, 1.7e9 + i, float(i % 2))])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "o.db")], timeout=60)
    assert done.returncode == -9
    box = Outbox(tmp_path / "o.db")
    assert box.depth() == 50 and box.last_seen() == {"bed-1": 1.7e9 + 49}
    box.close()
