"""Read a van Kasteren / UCI ADL binary-sensor recording: a sensors table, an activities table.

Both are text tables: header lines, a rule of dashes, then one row per activation or
activity, columns separated by tabs (often several, sometimes spaces)::

    Start time          End time            Location  Type      Place
    ------------------- ------------------- --------  --------  -----
    2011-11-28 02:27:59  2011-11-28 10:18:11  Bed  Pressure  Bedroom

A sensors row is ``start end location type place`` (UCI ADL, Ordóñez) or ``start end id
value`` (van Kasteren's own files, numbered sensors); an activities row is ``start end
activity``. Times are ``2011-11-28 02:27:59`` or ``25-Feb-2008 00:20:14``. A sensor's
name for the mapping is ``Location/Type`` (e.g. ``Bed/Pressure``), or its number.
"""

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from simulators.recordings.events import Activity, Problems, Recording, SensorEvent
from simulators.recordings.walltime import to_utc

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%d-%b-%Y %H:%M:%S")
_RULE = re.compile(r"^[-\s]*-[-\s]*$")
Row = tuple[int, datetime, datetime, list[str]]


def read_sensors(path: Path, zone: ZoneInfo, problems: Problems) -> Recording:
    """Each activation of ``path``'s table becomes an on event at its start, off at its end."""
    spans: list[tuple[str, str, float, float, int]] = []
    previous: float | None = None
    for number, start, end, rest in _rows(path, problems):
        where = f"{path}:{number}"
        if len(rest) == 3:
            name, place = f"{rest[0]}/{rest[1]}", rest[2]
        elif len(rest) == 2 and _number(rest[1]):
            if float(rest[1]) == 0:
                continue  # van Kasteren's value column: 0 is no activation
            name, place = rest[0], ""
        else:
            problems.bad(where, f"expected 'start end location type place', got {rest}")
            continue
        on = previous = to_utc(start, zone, previous)
        off = to_utc(end, zone, on)
        if off < on:
            problems.bad(where, f"the activation ends ({end}) before it starts ({start})")
            continue
        spans.append((name, place, on, off, number))
    recording = Recording(source=str(path))
    for name, place, on, off, number in _merged(spans):
        recording.events.append(SensorEvent(on, name, True, place, number))
        recording.events.append(SensorEvent(off, name, False, place, number))
    recording.events.sort(key=lambda event: (event.ts, event.active))  # off before on
    return recording


def _merged(
    spans: list[tuple[str, str, float, float, int]],
) -> Iterator[tuple[str, str, float, float, int]]:
    """One sensor's overlapping activations (a recording quirk) as one activation."""
    current: list[tuple[str, str, float, float, int]] = []
    for span in sorted(spans, key=lambda s: (s[0], s[1], s[2])):
        last = current[-1] if current else None
        if last and last[:2] == span[:2] and span[2] <= last[3]:
            current[-1] = (*last[:3], max(last[3], span[3]), last[4])
        else:
            current.append(span)
    yield from current


def read_activities(path: Path, zone: ZoneInfo, problems: Problems) -> list[Activity]:
    """The annotated activities of ``path``'s table, by start."""
    activities: list[Activity] = []
    previous: float | None = None
    for number, start, end, rest in _rows(path, problems):
        where = f"{path}:{number}"
        if not rest:
            problems.bad(where, "expected 'start end activity', the activity is missing")
            continue
        begins = previous = to_utc(start, zone, previous)
        ends = to_utc(end, zone, begins)
        if ends < begins:
            problems.bad(where, f"the activity ends ({end}) before it starts ({start})")
            continue
        activities.append(Activity(begins, ends, "_".join(rest), where))
    return sorted(activities, key=lambda activity: activity.start)


def _rows(path: Path, problems: Problems) -> Iterator[Row]:
    """``(line number, start, end, other columns)`` of each row below the rule of dashes."""
    in_table = False
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if not in_table:
                in_table = bool(text) and _RULE.match(text) is not None
                continue
            if not text:
                continue
            row = _split(text)
            if row is None:
                problems.bad(
                    f"{path}:{number}", f"expected a start and an end time first, got {text!r}"
                )
                continue
            yield (number, *row)
    if not in_table:
        problems.bad(f"{path}:1", "no rule of dashes under a header: not a sensor/activity table")


def _split(text: str) -> tuple[datetime, datetime, list[str]] | None:
    """Two times then the other columns; tabs separate columns, else any whitespace."""
    columns = [c.strip() for c in re.split(r"\t+", text) if c.strip()]
    if len(columns) >= 2 and (start := _time(columns[0])) and (end := _time(columns[1])):
        return start, end, columns[2:]
    words = text.split()
    start, end = _time(" ".join(words[:2])), _time(" ".join(words[2:4]))
    return (start, end, words[4:]) if start and end else None


def _time(text: str) -> datetime | None:
    for layout in TIME_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


def _number(text: str) -> bool:
    return re.fullmatch(r"\d+(\.\d+)?", text) is not None
