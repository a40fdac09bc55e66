"""Match one home's alerts of one kind to its episodes: one alert finds one episode.

Alerts are taken in the order they were raised. Each finds the episode it can (same
kind, in the window, naming the right subject) that nothing has found yet: one the alert
falls inside before one it reaches only through the grace after the end, then the
earliest. An alert whose every such episode is already found is a *repeat*; one with no
such episode is *false*. So a grace longer than the rest between two tasks cannot credit
one alert with both, and a second alert about the same episode is not a second success.
"""

from collections.abc import Sequence
from enum import StrEnum

import msgspec

from carewatch.protocol import Alert
from carewatch.records import LabelRecord
from detectors.evaluation.targets import in_window, names_subject


class Outcome(StrEnum):
    """What one alert turned out to be."""

    FOUND = "found"  # the first alert to find its episode
    REPEAT = "repeat"  # about an episode an earlier alert had found
    FALSE = "false"  # about no episode


class Match(msgspec.Struct, frozen=True):
    """One alert's outcome, and the index of the episode it found or repeated (if any)."""

    alert: Alert
    outcome: Outcome
    episode: int | None


def match(episodes: Sequence[LabelRecord], alerts: Sequence[Alert], grace: float) -> list[Match]:
    """Outcome of each of ``alerts`` (one home, one kind) against ``episodes``.

    Examples
    --------
    >>> tasks = [LabelRecord("h", "stress", 0, 100), LabelRecord("h", "stress", 200, 300)]
    >>> said = [Alert("h", "stress", t, t, "low", "x") for t in (50, 90, 250)]
    >>> [(m.outcome.value, m.episode) for m in match(tasks, said, grace=600)]
    [('found', 0), ('repeat', 0), ('found', 1)]
    """
    found: set[int] = set()
    out: list[Match] = []
    for alert in sorted(alerts, key=lambda a: a.detected_at):
        at = alert.detected_at
        able = [
            i
            for i, label in enumerate(episodes)
            if in_window(label, at, grace) and names_subject(label, alert)
        ]
        fresh = [i for i in able if i not in found]
        if fresh:
            best = min(fresh, key=lambda i: (at > episodes[i].end, episodes[i].start))
            found.add(best)
            out.append(Match(alert, Outcome.FOUND, best))
        elif able:
            out.append(Match(alert, Outcome.REPEAT, able[0]))
        else:
            out.append(Match(alert, Outcome.FALSE, None))
    return out
