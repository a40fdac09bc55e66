"""Count, for one alert kind, what its alerts found in the span judged.

Only what happens in a home's judged window counts: episodes that reach into it, alerts
raised in it. An alert raised before (while the detectors learn) or one about an episode
over before it is left out and counted as ``outside``.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import msgspec

from carewatch.protocol import Alert, AlertKind
from carewatch.records import LabelRecord
from detectors.evaluation.matching import Match, Outcome, match
from detectors.evaluation.span import Window
from detectors.evaluation.targets import GRACE, TARGETS, in_window, names_subject

R = TypeVar("R", LabelRecord, Alert)


class Tally(msgspec.Struct):
    """Counts for one alert kind; ``found`` are the alerts that first found an episode."""

    episodes: int = 0
    unarmed: int = 0  # episodes in homes whose kit cannot support the alert kind
    found: int = 0
    found_inside: int = 0  # ... of them raised before the episode ended, not in its grace
    repeats: int = 0
    false: int = 0
    outside: int = 0
    inside: int = 0  # alerts raised while an episode they could find was under way
    named: int = 0  # alerts during an episode that names a subject (a sensor, the gateway)
    named_right: int = 0  # ... that name it
    delays: list[float] = msgspec.field(default_factory=list)
    false_during: dict[str, int] = msgspec.field(default_factory=lambda: defaultdict(int))

    @property
    def scored(self) -> int:
        """Alerts judged: found + repeats + false."""
        return self.found + self.repeats + self.false

    @property
    def recall(self) -> float | None:
        """Episodes found / episodes."""
        return self.found / self.episodes if self.episodes else None

    @property
    def precision(self) -> float | None:
        """Alerts that found an episode / (those + false alerts); repeats are neither."""
        return self.found / (self.found + self.false) if self.found + self.false else None


def tally(
    kind: AlertKind,
    labels: Mapping[str, Sequence[LabelRecord]],
    alerts: Mapping[str, Sequence[Alert]],
    windows: Mapping[str, Window],
) -> Tally:
    """Score ``alerts`` of ``kind`` (by home) against ``labels`` (by home) in ``windows``."""
    out = Tally()
    out.outside = sum(len(said) for home, said in alerts.items() if home not in windows)
    for home, window in windows.items():
        mine = [lab for lab in labels.get(home, ()) if lab.kind in TARGETS[kind]]
        judged = {i for i, lab in enumerate(mine) if window.overlaps(lab.start, lab.end)}
        if window.armed is not None and kind.value not in window.armed:
            out.unarmed += len(judged)  # not the alert's to find: one about it is false
            mine, judged = [], set()
        out.episodes += len(judged)
        said = [a for a in alerts.get(home, ()) if window.holds(a.detected_at)]
        out.outside += len(alerts.get(home, ())) - len(said)
        for m in match(mine, said, GRACE[kind]):
            if m.episode is not None and m.episode not in judged:
                out.outside += 1
                continue
            _count(out, m, mine, labels.get(home, ()), GRACE[kind])
    return out


def _count(
    out: Tally, m: Match, mine: Sequence[LabelRecord], every: Sequence[LabelRecord], grace: float
) -> None:
    at = m.alert.detected_at
    if m.outcome is Outcome.FOUND and m.episode is not None:
        out.found += 1
        out.delays.append(at - mine[m.episode].start)
        out.found_inside += at <= mine[m.episode].end
    elif m.outcome is Outcome.REPEAT:
        out.repeats += 1
    else:
        out.false += 1
        for label_kind in {lab.kind for lab in every if lab.start <= at <= lab.end} or {"none"}:
            out.false_during[label_kind] += 1
    out.inside += any(lab.start <= at <= lab.end and names_subject(lab, m.alert) for lab in mine)
    named = [lab for lab in mine if lab.subject is not None and in_window(lab, at, grace)]
    if named:
        out.named += 1
        out.named_right += any(names_subject(lab, m.alert) for lab in named)


def by_home(records: Iterable[R]) -> dict[str, list[R]]:
    """Records grouped by home."""
    grouped: dict[str, list[R]] = defaultdict(list)
    for record in records:
        grouped[record.home].append(record)
    return grouped
