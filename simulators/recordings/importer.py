"""One recording, parsed, into CareWatch files, with a summary of what was and was not used."""

from collections import Counter
from pathlib import Path

from carewatch.records import LabelRecord
from simulators.recordings.events import Problems, Recording
from simulators.recordings.labels import to_labels
from simulators.recordings.mapping import Mapping
from simulators.recordings.output import RecordedHome, write_home
from simulators.recordings.readings import Translator

SHOWN = 8  # names listed per summary line before "…"


def import_recording(
    recording: Recording,
    mapping: Mapping,
    home: RecordedHome,
    out: Path,
    problems: Problems,
) -> list[str]:
    """Translate ``recording`` for ``home`` and write it into ``out``; returns summary lines.

    The home's ``sensors`` are filled in from what the mapping made of the recording.
    """
    translator = Translator(mapping, home.home, problems, recording.source)
    for event in recording.events:
        translator.add(event)
    readings = translator.sorted_readings()
    unmapped_activities: Counter[str] = Counter()
    labels = to_labels(recording.activities, mapping, home.home, unmapped_activities)
    tally = translator.tally
    kit = dict(sorted(tally.sensors.items()))
    write_home(out, _with_sensors(home, kit), readings, labels)
    lines = [
        f"imported {home.home} into {out}: {len(readings)} readings ({_counts(tally.readings)}) "
        f"from {len(kit)} sensors, {len(labels)} labels ({_counts(_kinds(labels))})",
        f"  sensors: {', '.join(f'{sid} ({kind})' for sid, kind in kit.items()) or 'none'}",
    ]
    if tally.ignored:
        lines.append(f"  ignored by the mapping (events): {_names(tally.ignored)}")
    if tally.unmapped:
        lines.append(f"  unmapped sensors (events): {_names(tally.unmapped)} (--mapping)")
    if unmapped_activities:
        lines.append(f"  unmapped activities: {_names(unmapped_activities)} (--mapping)")
    lines += [f"  note: {note}" for note in recording.notes]
    if problems.count:
        lines.append(f"  skipped {problems.count} bad lines, e.g. {problems.examples[0]}")
    return lines


def _with_sensors(home: RecordedHome, sensors: dict[str, str]) -> RecordedHome:
    return RecordedHome(home.home, home.tz, home.residents, sensors, home.gateway, home.source)


def _kinds(labels: list[LabelRecord]) -> Counter[str]:
    return Counter(label.kind for label in labels)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items())) or "none"


def _names(counter: Counter[str]) -> str:
    shown = [f"{name} ({n})" for name, n in counter.most_common(SHOWN)]
    more = len(counter) - SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
