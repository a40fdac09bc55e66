"""Write a simulation as files: readings.jsonl, labels.jsonl, homes.json, statuses.jsonl,
malformed.jsonl.

Formats are those of docs/architecture.md: JSON Lines with epoch-second times;
``homes.json`` is a JSON list of :class:`simulators.profiles.HomeProfile` objects.
Everything is written in a fixed order, so the same seed gives byte-identical files.
"""

from collections.abc import Callable
from pathlib import Path

import msgspec

from simulators.cohort import CohortSimulation
from simulators.statuses import gateway_statuses
from simulators.trace import ENCODER

READINGS = "readings.jsonl"
LABELS = "labels.jsonl"
HOMES = "homes.json"
STATUSES = "statuses.jsonl"
MALFORMED = "malformed.jsonl"


def write_simulation(
    cohort: CohortSimulation,
    out: Path,
    *,
    malformed: bool,
    on_lines: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Write the files into ``out`` (created if needed); returns lines per file.

    ``malformed.jsonl`` is written only when ``malformed`` is true (it was asked for);
    ``on_lines`` is told how many reading lines each written piece held.
    """
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with (out / READINGS).open("wb") as handle:
        counts[READINGS] = 0
        for chunk in cohort.jsonl_chunks():
            handle.write(chunk)
            lines = chunk.count(b"\n")
            counts[READINGS] += lines
            if on_lines is not None:
                on_lines(lines)
    labels = cohort.labels
    (out / LABELS).write_bytes(ENCODER.encode_lines(labels))
    counts[LABELS] = len(labels)
    profiles = cohort.profiles
    (out / HOMES).write_bytes(msgspec.json.format(ENCODER.encode(profiles), indent=2) + b"\n")
    counts[HOMES] = len(profiles)
    connected = {h.profile.home: float(h.trace.arrival.min()) for h in cohort.homes if h.trace}
    statuses = gateway_statuses(labels, {p.home: p.gateway for p in profiles}, connected)
    (out / STATUSES).write_bytes(ENCODER.encode_lines(statuses))
    counts[STATUSES] = len(statuses)
    if malformed:
        bad = cohort.malformed
        (out / MALFORMED).write_bytes(ENCODER.encode_lines(bad))
        counts[MALFORMED] = len(bad)
    return counts
