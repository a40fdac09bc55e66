"""Simulated cohorts for the evaluation, and the same homes without their wearables.

A cohort is simulated afresh unless asked to reuse one (the simulator may have changed
since); its folder is named by seed, homes and days, so a reused one is the right size.
"""

import shutil
from pathlib import Path

import msgspec

from carewatch.records import LabelRecord, read_records
from detectors.evaluation.runs import carewatch, say

WEARABLE = "heart_rate"
NEEDS_A_WEARABLE = frozenset({"stress"})  # label kinds nothing else can find


def simulate(out: Path, seed: int, homes: int, days: int, reuse: bool) -> Path:
    """``carewatch simulate`` of one seed with every scenario; returns its folder."""
    where = out / f"seed-{seed}-{homes}x{days}"
    if reuse and (where / "readings.jsonl").is_file():
        say(f"reusing {where}")
        return where
    say(f"simulating seed {seed}: {homes} homes x {days} days")
    carewatch("simulate", "--homes", str(homes), "--days", str(days), "--seed", str(seed),
              "--scenario", "all", "--out", str(where))  # fmt: skip
    return where


class _Kind(msgspec.Struct):
    home: str
    sensor: str
    kind: str


def without_wearables(where: Path) -> Path:
    """A copy of the recording in ``where`` with every heart-rate reading removed.

    Labels only a wearable could show go too: stress, and faults of a heart-rate sensor.
    """
    dest = where.with_name(where.name + "-no-wearable")
    dest.mkdir(parents=True, exist_ok=True)
    say(f"removing the wearables: {dest}")
    decoder = msgspec.json.Decoder(_Kind)
    worn: set[tuple[str, str]] = set()
    with (where / "readings.jsonl").open("rb") as src, (dest / "readings.jsonl").open("wb") as dst:
        for line in src:
            try:
                reading = decoder.decode(line)
            except msgspec.MsgspecError:
                dst.write(line)  # not a reading: the replay reports it as before
                continue
            if reading.kind == WEARABLE:
                worn.add((reading.home, reading.sensor))
            else:
                dst.write(line)
    kept = [
        lab
        for lab in read_records(where / "labels.jsonl", LabelRecord)
        if lab.kind not in NEEDS_A_WEARABLE and (lab.home, lab.subject) not in worn
    ]
    (dest / "labels.jsonl").write_bytes(b"".join(msgspec.json.encode(lab) + b"\n" for lab in kept))
    shutil.copyfile(where / "homes.json", dest / "homes.json")
    return dest
