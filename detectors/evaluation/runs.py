"""A replayed recording, ready to score: its labels, alerts and judged windows.

The commands run as ``carewatch`` subprocesses (the same a person types), so the
evaluation measures what ships; progress goes to stderr so a person sees it working.
"""

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import msgspec

from carewatch.errors import BadData
from carewatch.protocol import Alert
from carewatch.records import LabelRecord, read_records
from detectors.evaluation.span import Seen, Window, judged, scan

CAREWATCH = Path(sys.executable).with_name("carewatch")
_STARTED = time.monotonic()


class Run(msgspec.Struct):
    """One or more recordings replayed: everything the scorer and the tables need."""

    labels: list[LabelRecord]
    alerts: list[Alert]
    seen: dict[str, Seen]
    windows: dict[str, Window]


def say(message: str) -> None:
    """Progress for the person waiting, on stderr with the minutes elapsed."""
    print(f"[{(time.monotonic() - _STARTED) / 60:5.1f} min] {message}", file=sys.stderr, flush=True)


def carewatch(*args: str) -> str:
    """Run a ``carewatch`` command; its output, or an error that shows what it said."""
    done = subprocess.run([str(CAREWATCH), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BadData(f"carewatch {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def replay(where: Path, learning: str, alerts: Path) -> Path:
    """Replay ``where``/readings.jsonl (time zones from its homes.json) into ``alerts``."""
    readings = where / "readings.jsonl"
    for needed in (readings, where / "labels.jsonl"):
        if not needed.is_file():
            raise BadData(f"{needed}: no such file (a recording folder holds readings.jsonl, "
                          "homes.json and labels.jsonl)")  # fmt: skip
    say(f"replaying {where} (learning {learning})")
    carewatch("replay", str(readings), "--out", str(alerts), "--learning-period", learning)
    return alerts


def load(where: Path, alerts: Path, learning: float, tag: str = "") -> Run:
    """The recording in ``where`` with its replayed ``alerts``; ``tag`` prefixes home ids
    so recordings can be pooled."""
    seen = scan(where / "readings.jsonl")
    labels = list(read_records(where / "labels.jsonl", LabelRecord))
    said = list(read_records(alerts, Alert))
    if tag:
        seen = {tag + home: s for home, s in seen.items()}
        labels = [msgspec.structs.replace(lab, home=tag + lab.home) for lab in labels]
        said = [msgspec.structs.replace(a, home=tag + a.home) for a in said]
    return Run(labels, said, seen, judged(seen, learning))


def pool(runs: Sequence[Run]) -> Run:
    """Several runs as one (their home ids must differ: load them with tags)."""
    out = Run([], [], {}, {})
    for run in runs:
        out.labels += run.labels
        out.alerts += run.alerts
        out.seen |= run.seen
        out.windows |= run.windows
    return out
