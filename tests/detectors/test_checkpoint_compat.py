"""A checkpoint written by main's code before the refactor of issue #12 still restores.

tests/detectors/data/checkpoint-v2.bin was written by make_checkpoint_fixture.py with
that code (pickle format, version 2), after 11 days of 3 simulated homes; its .json is
what that engine knew then. The restored engine must know the same, carry on with the
next day's readings, and checkpoint again in today's format without losing anything.
"""

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord
from detectors import Engine, checkpoint
from detectors.cli import run
from detectors.config import DAY

DATA = Path(__file__).parent / "data"


class Line(msgspec.Struct):
    home: str
    sensor: str
    kind: Kind
    ts: float
    value: float
    resident: str | None = None


def restored() -> Engine:
    return Engine.from_bytes((DATA / "checkpoint-v2.bin").read_bytes())


def continuation() -> list[ReadingRecord]:
    with gzip.open(DATA / "continuation.jsonl.gz", "rb") as handle:
        lines = [msgspec.json.decode(line, type=Line) for line in handle]
    return [ReadingRecord(r.home, r.sensor, r.kind, r.ts, r.value, r.resident) for r in lines]


def facts(engine: Engine) -> dict[str, Any]:
    """What make_checkpoint_fixture.py wrote down of the engine it checkpointed."""
    return {
        "now": engine.now(),
        "tz": {home: state.cal.tz for home, state in engine._homes.items()},
        "learning_period": engine.config.learning_period,
        "homes": {
            name: {
                "clock": h.clock,
                "first_ts": h.first_ts,
                "last_seen": h.last_seen,
                "last_activity": h.last_activity,
                "in_bed": h.in_bed,
                "kinds": sorted(str(k) for k in h.kinds),
                "sensors": {
                    s: [st.last_ts, st.heard, st.offset, st.usual]
                    for s, st in sorted(h.sensors.items())
                },
                "taps": h.taps,
                "hearts": sorted(h.hearts),
                "ring": [list(map(float, slot)) for slot in h.ring.slots],
            }
            for name, h in sorted(engine._homes.items())
        },
    }


def test_an_old_checkpoint_restores_what_it_knew() -> None:
    expected = json.loads((DATA / "checkpoint-v2.json").read_text())
    assert facts(restored()) == expected
    assert len(expected["homes"]) == 3


def test_an_old_checkpoint_carries_on_as_a_new_one_would() -> None:
    old = restored()
    again = Engine.from_bytes(old.to_bytes())  # today's format
    readings = continuation()
    assert len({r.home for r in readings}) == 3
    from_old = list(run(old, readings))
    assert from_old  # a day of readings closes days at least
    assert list(run(again, readings)) == from_old
    assert facts(again) == facts(old)


def envelope(engine: Engine) -> checkpoint.Checkpoint:
    data = zlib.decompress(engine.to_bytes())
    assert data.startswith(checkpoint.MAGIC)
    return msgspec.msgpack.decode(data[len(checkpoint.MAGIC) :], type=checkpoint.Checkpoint)


def test_todays_checkpoint_is_versioned_and_its_settings_readable_without_unpickling() -> None:
    found = envelope(restored())
    assert found.version == checkpoint.VERSION
    assert found.config["learning_period"] == 3 * DAY
    assert sorted(found.tz) == sorted(found.homes)
    assert {home.version for home in found.homes.values()} == {checkpoint.HOME_VERSION}


def test_a_checkpoint_of_an_unknown_version_is_refused_by_name() -> None:
    found = envelope(restored())
    newer = msgspec.structs.replace(found, version=checkpoint.VERSION + 1)
    blob = zlib.compress(checkpoint.MAGIC + msgspec.msgpack.encode(newer))
    with pytest.raises(ValueError, match="version 4 is newer than 3"):
        Engine.from_bytes(blob)
    name = sorted(found.homes)[0]
    odd = {**found.homes, name: checkpoint.HomeState(99, found.homes[name].state)}
    blob = zlib.compress(
        checkpoint.MAGIC + msgspec.msgpack.encode(msgspec.structs.replace(found, homes=odd))
    )
    with pytest.raises(ValueError, match=f"home '{name}': state version 99"):
        Engine.from_bytes(blob)
