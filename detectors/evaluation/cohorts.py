"""Simulated cohorts for the evaluation, and the same homes without their wearables.

A cohort is simulated afresh unless asked to reuse one (the simulator may have changed
since); its folder is named by seed, homes and days, so a reused one is the right size.
"""

import json
import shutil
from pathlib import Path

import msgspec

from carewatch.errors import BadData
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
    return without_kind(where, WEARABLE, dest, NEEDS_A_WEARABLE)


def without_kind(where: Path, kind: str, dest: Path, unseen: frozenset[str] = frozenset()) -> Path:
    """Copy the recording in ``where`` to ``dest`` without the readings of sensor ``kind``.

    Labels of a fault of such a sensor go too (nothing is left to show it), and labels of
    the kinds in ``unseen``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    say(f"removing every {kind} sensor: {dest}")
    decoder = msgspec.json.Decoder(_Kind)
    gone: set[tuple[str, str]] = set()
    with (where / "readings.jsonl").open("rb") as src, (dest / "readings.jsonl").open("wb") as dst:
        for line in src:
            try:
                reading = decoder.decode(line)
            except msgspec.MsgspecError:
                dst.write(line)  # not a reading: the replay reports it as before
                continue
            if reading.kind == kind:
                gone.add((reading.home, reading.sensor))
            else:
                dst.write(line)
    kept = [
        lab
        for lab in read_records(where / "labels.jsonl", LabelRecord)
        if lab.kind not in unseen and (lab.home, lab.subject) not in gone
    ]
    (dest / "labels.jsonl").write_bytes(b"".join(msgspec.json.encode(lab) + b"\n" for lab in kept))
    _homes_without(where / "homes.json", dest / "homes.json", gone)
    if (where / "statuses.jsonl").is_file():  # the gateway is the same gateway
        shutil.copyfile(where / "statuses.jsonl", dest / "statuses.jsonl")
    return dest


def _homes_without(src: Path, dest: Path, gone: set[tuple[str, str]]) -> None:
    """homes.json without the sensors removed, so the kit it lists is the kit replayed."""
    try:
        homes = json.loads(src.read_text())
        for home in homes:
            sensors = home.get("sensors")
            if isinstance(sensors, dict):
                home["sensors"] = {
                    s: k for s, k in sensors.items() if (home["home"], s) not in gone
                }
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise BadData(f"{src}: not a list of {{home, tz, ...}} objects ({error})") from error
    dest.write_text(json.dumps(homes, indent=2) + "\n")
