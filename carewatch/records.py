"""Readings, labels and alerts as JSON Lines files (simulators, replay, evaluation).

The same field names everywhere: a reading is ``{"home", "sensor", "kind", "ts",
"value"}`` (+ optional ``resident``), with ``ts`` as RFC 3339 UTC or epoch seconds
on input and epoch seconds on output; a label is ``{"home", "kind", "start", "end"}``
(+ optional ``detail``, ``subject``); a gateway status is ``{"home", "gateway", "state",
"ts"}``; an alert file holds :class:`carewatch.protocol.Alert` objects.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Annotated, Literal, TypeVar

import msgspec

from carewatch.errors import BadData
from carewatch.protocol.kinds import Kind, value_problem
from carewatch.protocol.messages import Id

LabelKind = Annotated[str, msgspec.Meta(pattern=r"\A[a-z][a-z_]{0,63}\Z")]


class ReadingRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """A reading as stored in files: the wire reading plus the home it came from."""

    home: Id
    sensor: Id
    kind: Kind
    ts: float
    value: float
    resident: Id | None = None

    def __post_init__(self) -> None:
        problem = value_problem(self.kind, self.value)
        if problem is not None:
            raise ValueError(problem)


class LabelRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Ground truth: an episode of ``kind`` in ``home`` from ``start`` to ``end``.

    ``subject`` names what the episode is about when it is not the resident: the sensor
    id of a sensor fault, or ``gateway`` for a gateway outage. An alert finds such an
    episode only if its evidence names the same subject.
    """

    home: Id
    kind: LabelKind
    start: float
    end: float
    detail: str | None = None
    subject: Id | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"label ends ({self.end}) before it starts ({self.start})")


class StatusRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A gateway's status as the broker delivers it: ``offline`` is its will, published
    when the connection is lost; ``online`` when it is back. ``ts``: when it arrived."""

    home: Id
    gateway: Id
    state: Literal["online", "offline"]
    ts: float


class _ReadingInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    home: Id
    sensor: Id
    kind: Kind
    ts: float | datetime
    value: float
    resident: Id | None = None


T = TypeVar("T", bound=msgspec.Struct)
_ENCODER = msgspec.json.Encoder()
_READING_INPUT = msgspec.json.Decoder(_ReadingInput)


def write_jsonl(records: Iterable[msgspec.Struct], out: IO[bytes]) -> int:
    """Write records one per line; returns how many."""
    count = 0
    for record in records:
        out.write(_ENCODER.encode(record))
        out.write(b"\n")
        count += 1
    return count


def read_readings(path: Path, errors: list[str] | None = None) -> Iterator[ReadingRecord]:
    """Yield the readings of a JSON Lines file, accepting RFC 3339 or epoch ``ts``.

    A bad line raises :class:`BadData` naming the file and line, unless ``errors``
    is given: then the line's message is appended there and reading goes on.
    """
    for line_no, line in _lines(path):
        try:
            raw = _READING_INPUT.decode(line)
            yield ReadingRecord(
                home=raw.home,
                sensor=raw.sensor,
                kind=raw.kind,
                ts=_epoch(raw.ts),
                value=raw.value,
                resident=raw.resident,
            )
        except (msgspec.MsgspecError, ValueError) as error:
            _report(f"{path}:{line_no}: {error}", errors)


def read_records(path: Path, record_type: type[T], errors: list[str] | None = None) -> Iterator[T]:
    """Yield the records of a JSON Lines file of ``record_type`` (labels, alerts, …)."""
    decoder = msgspec.json.Decoder(record_type)
    for line_no, line in _lines(path):
        try:
            yield decoder.decode(line)
        except (msgspec.MsgspecError, ValueError) as error:
            _report(f"{path}:{line_no}: {error}", errors)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip():
                yield line_no, line


def _epoch(ts: float | datetime) -> float:
    if isinstance(ts, float):
        return ts
    if ts.tzinfo is None:
        raise ValueError(f"timestamp {ts.isoformat()} has no time zone; use UTC (Z)")
    return ts.timestamp()


def _report(message: str, errors: list[str] | None) -> None:
    if errors is None:
        raise BadData(message)
    errors.append(message)
