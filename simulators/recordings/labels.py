"""Annotated activities to ground-truth labels the scorer can judge alerts against.

Every label keeps the recorded activity name as its ``detail``. Kinds:

- ``sleep``: an annotated sleep (night or nap);
- ``toilet``: a toilet visit (``Bed_to_Toilet`` included);
- ``away``: out of the home: a leaving activity that lasts the whole time out
  (Ordóñez ``Leaving``), or from a leaving to the next entering (CASAS ``Leave_Home`` …
  ``Enter_Home``);
- ``night_wandering``: an explicit wandering annotation;
- ``night_up``: awake between two annotated sleeps less than :data:`NIGHT_GAP` apart
  (a night spell: a toilet trip, or a sleepless hour in the chair); its detail lists the
  activities annotated in it;
- ``activity``: any other annotation (meals, television, grooming …).
"""

from collections import Counter
from itertools import pairwise

from carewatch.records import LabelRecord
from simulators.recordings.events import Activity
from simulators.recordings.mapping import Mapping

NIGHT_GAP = 3 * 3600.0  # two sleeps closer than this are one night with a spell up between
PAIRED = frozenset({"leave_home", "enter_home"})


def to_labels(
    activities: list[Activity], mapping: Mapping, home: str, unmapped: Counter[str]
) -> list[LabelRecord]:
    """Labels for ``activities`` (sorted by start); unmapped names are counted in ``unmapped``."""
    labels: list[LabelRecord] = []
    marks: list[tuple[str, Activity]] = []
    for activity in activities:
        kind = mapping.label(activity.name)
        if kind is None:
            unmapped[activity.name] += 1
        elif kind in PAIRED:
            marks.append((kind, activity))
        elif kind != "ignore":
            labels.append(_label(home, kind, activity.start, activity.end, activity.name))
    labels += _away(marks, home)
    labels += _nights_up([a for a in labels if a.kind == "sleep"], activities, home)
    return sorted(labels, key=lambda label: (label.start, label.end, label.kind))


def _away(marks: list[tuple[str, Activity]], home: str) -> list[LabelRecord]:
    """A leaving until the next entering (if one comes before the next leaving)."""
    away: list[LabelRecord] = []
    for index, (kind, leave) in enumerate(marks):
        if kind != "leave_home":
            continue
        after = marks[index + 1] if index + 1 < len(marks) else None
        back = after[1] if after and after[0] == "enter_home" else None
        end = max(leave.end, back.end) if back else leave.end
        detail = f"{leave.name} to {back.name}" if back else leave.name
        away.append(_label(home, "away", leave.start, end, detail))
    return away


def _nights_up(
    sleeps: list[LabelRecord], activities: list[Activity], home: str
) -> list[LabelRecord]:
    """The spells awake between sleeps of one night, with what was annotated in them."""
    spells: list[LabelRecord] = []
    for before, after in pairwise(sleeps):
        if not 0 < after.start - before.end <= NIGHT_GAP:
            continue
        inside = sorted(
            {a.name for a in activities if a.start < after.start and a.end > before.end}
            - {before.detail, after.detail}
        )
        spells.append(
            _label(home, "night_up", before.end, after.start, ", ".join(inside) or "nothing")
        )
    return spells


def _label(home: str, kind: str, start: float, end: float, detail: str | None) -> LabelRecord:
    return LabelRecord(home, kind, round(start, 3), round(end, 3), detail)
