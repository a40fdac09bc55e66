"""Write an imported home as the simulator's files: readings, labels and homes.json."""

from pathlib import Path

import msgspec

from carewatch.protocol.messages import Id
from carewatch.records import LabelRecord, ReadingRecord, write_jsonl

READINGS = "readings.jsonl"
LABELS = "labels.jsonl"
HOMES = "homes.json"


class RecordedHome(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A homes.json entry: the fields of the simulator's ``HomeProfile`` a recording has.

    ``carewatch replay`` reads ``home`` and ``tz``; ``sensors`` (id -> kind) is the home's
    kit. There are no routine parameters: a recording's routine is in its readings.
    """

    home: Id
    tz: str
    residents: list[Id]
    sensors: dict[Id, str]
    gateway: Id
    source: str  # the recording's format: "casas" or "kasteren"


def write_home(
    out: Path, home: RecordedHome, readings: list[ReadingRecord], labels: list[LabelRecord]
) -> None:
    """Write the three files into ``out`` (created if needed, files replaced)."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / READINGS).open("wb") as handle:
        write_jsonl(readings, handle)
    with (out / LABELS).open("wb") as handle:
        write_jsonl(labels, handle)
    (out / HOMES).write_bytes(msgspec.json.format(msgspec.json.encode([home]), indent=2) + b"\n")
