"""Write the checkpoint fixture that ``test_checkpoint_compat.py`` restores (run once).

The fixture was written with the code of main before the per-component checkpoints
(decision D88): a pickled engine, a day of readings to continue it with, and what the
restored engine must know. Kept to show how it was made; re-running it with later code
would write a checkpoint in the later format, which is not what the test is for.

Run: ``.venv/bin/python -m tests.detectors.make_checkpoint_fixture OUT_DIR``
"""

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from carewatch.records import read_readings
from detectors import Engine, EngineConfig
from detectors.cli import load_homes, run
from detectors.config import DAY

HOMES, DAYS, SEED = 3, 12, 5
SPLIT = 11 * DAY  # the checkpoint is taken after this much of each home's readings


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sim = Path(tmp)
        carewatch = Path(sys.executable).with_name("carewatch")
        subprocess.run(
            [
                str(carewatch),
                "simulate",
                "--homes",
                str(HOMES),
                "--days",
                str(DAYS),
                "--seed",
                str(SEED),
                "--scenario",
                "all",
                "--population",
                "classic",
                "--out",
                str(sim),
            ],
            check=True,
            capture_output=True,
        )
        readings = list(read_readings(sim / "readings.jsonl"))
        tz = load_homes(sim / "homes.json")
    start = min(r.ts for r in readings)
    before = [r for r in readings if r.ts < start + SPLIT]
    after = [r for r in readings if r.ts >= start + SPLIT]
    engine = Engine(EngineConfig(learning_period=3 * DAY))
    for home, zone in tz.items():
        engine.set_home_tz(home, zone)
    sum(1 for _ in run(engine, before))
    (out / "checkpoint-v2.bin").write_bytes(engine.to_bytes())
    with gzip.open(out / "continuation.jsonl.gz", "wt") as handle:
        for r in after:
            handle.write(
                json.dumps(
                    {
                        "home": r.home,
                        "sensor": r.sensor,
                        "kind": str(r.kind),
                        "ts": r.ts,
                        "value": r.value,
                        "resident": r.resident,
                    }
                )
                + "\n"
            )
    homes = engine._homes  # what the old engine knew, to compare after restore
    facts = {
        "now": engine.now(),
        "tz": tz,
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
            for name, h in sorted(homes.items())
        },
    }
    (out / "checkpoint-v2.json").write_text(json.dumps(facts, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
