"""Read a CASAS sensor-event file: ``date time sensor message [activity begin|end]``.

Fields are separated by spaces or tabs (both occur), times carry microseconds or not
(``2010-11-04 00:03:50.209589``, ``2010-11-04 05:40:43``). Messages ``ON``/``OPEN``/
``PRESENT`` start a sensor's activation and ``OFF``/``CLOSE``/``ABSENT`` end it; any other
message (a temperature, a light level) is kept as not-a-state for the mapping to judge.
An annotation ``Sleeping begin`` … ``Sleeping end`` (``R1_Sleep``, ``Bed_to_Toilet``, …)
rides on the sensor line where it begins or ends.
"""

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from simulators.recordings.events import Activity, Problems, Recording, SensorEvent
from simulators.recordings.walltime import to_utc

ACTIVE = frozenset({"ON", "OPEN", "OPENED", "PRESENT"})
INACTIVE = frozenset({"OFF", "CLOSE", "CLOSED", "ABSENT"})
EDGES = frozenset({"begin", "end"})


def read_casas(path: Path, zone: ZoneInfo, problems: Problems) -> Recording:
    """The events and annotated activities of the CASAS file at ``path`` (local time ``zone``).

    A line that cannot be read goes to ``problems`` (an error naming it, or counted).
    """
    recording = Recording(source=str(path))
    opened: dict[str, tuple[float, str]] = {}
    odd = {"end without begin": 0, "begin twice": 0, "never ended": 0, "not begin/end": 0}
    previous: float | None = None
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) < 4:
                problems.bad(
                    f"{path}:{number}", f"expected 'date time sensor message', got {line.strip()!r}"
                )
                continue
            try:
                local = datetime.fromisoformat(f"{fields[0]} {fields[1]}")
            except ValueError:
                problems.bad(f"{path}:{number}", f"{fields[0]} {fields[1]} is not a date and time")
                continue
            ts = previous = to_utc(local, zone, previous)
            message = fields[3].upper()
            state = True if message in ACTIVE else False if message in INACTIVE else None
            # Names and messages repeat on every line: one string each (a third of the memory).
            recording.events.append(
                SensorEvent(ts, sys.intern(fields[2]), state, "", number, sys.intern(fields[3]))
            )
            if len(fields) > 4:
                _annotate(recording, opened, odd, fields[4:], ts, f"{path}:{number}")
    odd["never ended"] += len(opened)
    recording.notes += [f"{n} annotations {what}" for what, n in odd.items() if n]
    recording.in_time_order()
    return recording


def _annotate(
    recording: Recording,
    opened: dict[str, tuple[float, str]],
    odd: dict[str, int],
    words: list[str],
    ts: float,
    where: str,
) -> None:
    """Open or close the activity that ``words`` (``Name begin`` or ``Name end``) name."""
    edge = words[-1].lower()
    if edge not in EDGES or len(words) < 2:
        odd["not begin/end"] += 1
        return
    name = "_".join(words[:-1])
    if edge == "begin":
        if name in opened:
            odd["begin twice"] += 1  # the first begin stands
        else:
            opened[name] = (ts, where)
    elif name in opened:
        start, began = opened.pop(name)
        recording.activities.append(Activity(start, ts, name, began))
    else:
        odd["end without begin"] += 1
