"""What every recording format is read into: sensor state changes and annotated activities.

A parser turns its format's lines into :class:`SensorEvent` (a named sensor became
active or inactive at a UTC time) and :class:`Activity` (an annotated span), both
carrying where in the input they came from, so that a later step can name the line.
"""

from dataclasses import dataclass, field
from itertools import pairwise

from carewatch.errors import BadData


@dataclass(frozen=True, slots=True)
class SensorEvent:
    """Sensor ``name`` (in room ``place``, if the format says) turned on or off at ``ts``.

    ``active`` is ``None`` when the recorded message is not a state (a temperature, a
    garbled word): fine for a sensor the mapping ignores, bad input for one it uses.
    """

    ts: float
    name: str
    active: bool | None
    place: str = ""
    line: int = 0  # in the recording's ``source`` file, for messages
    message: str = ""


@dataclass(frozen=True, slots=True)
class Activity:
    """An annotated activity ``name`` from ``start`` to ``end`` (UTC epoch seconds)."""

    start: float
    end: float
    name: str
    where: str = ""


@dataclass(slots=True)
class Recording:
    """A parsed recording: events in time order, activities, and what could not be used."""

    source: str = ""  # the file the events' lines are in
    events: list[SensorEvent] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things the summary should mention

    def in_time_order(self) -> None:
        """Sort events by time (stably), noting it if the input was not in order."""
        stamps = [event.ts for event in self.events]
        if any(later < earlier for earlier, later in pairwise(stamps)):
            self.events.sort(key=lambda event: event.ts)
            self.notes.append("sensor lines were not in time order: sorted")
        self.activities.sort(key=lambda activity: activity.start)


class Problems:
    """Bad input lines: raised at once (strict), or collected and reported (``skip``).

    >>> problems = Problems(skip=True)
    >>> problems.bad("data.txt:3", "no time")
    >>> problems.count, problems.examples
    (1, ['data.txt:3: no time'])
    >>> Problems(skip=False).bad("data.txt:3", "no time")
    Traceback (most recent call last):
    carewatch.errors.BadData: data.txt:3: no time (--skip-bad skips bad lines, counting them)
    """

    def __init__(self, skip: bool, keep: int = 5) -> None:
        self.skip = skip
        self.keep = keep
        self.count = 0
        self.examples: list[str] = []

    def bad(self, where: str, reason: str) -> None:
        """Report the line at ``where`` (``file:line``) as unusable for ``reason``."""
        message = f"{where}: {reason}"
        if not self.skip:
            raise BadData(f"{message} (--skip-bad skips bad lines, counting them)")
        self.count += 1
        if len(self.examples) < self.keep:
            self.examples.append(message)
