"""Recorded sensor events to CareWatch readings, as the mapping says, in time order.

Each CareWatch kind is sent the way a gateway sends it (docs/protocol.md):

- ``bed``, ``chair``, ``door``: 1 when the first recorded sensor mapped to that id turns
  on, 0 when the last one turns off (on change only);
- ``motion``: 1 per activation start (each CASAS ``ON``), then one more every
  ``motion_repeat`` seconds while it stays on (a PIR held on is someone moving there);
- ``toilet``: 1 per activation start (a flush);
- ``tap``: litres when it turns off, ``tap_litres_per_minute`` times its minutes open.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from carewatch.protocol.kinds import VALUE_RANGES, Kind
from carewatch.records import ReadingRecord
from simulators.recordings.events import Problems, SensorEvent
from simulators.recordings.mapping import Mapping, SensorRule, sensor_id

STATES = frozenset({"bed", "chair", "door"})
Source = tuple[str, str]  # recorded (name, place)


@dataclass
class Tally:
    """What was made of the recording's sensors, for the summary line."""

    sensors: dict[str, str] = field(default_factory=dict)  # CareWatch id -> kind
    readings: Counter[str] = field(default_factory=Counter)  # per kind
    ignored: Counter[str] = field(default_factory=Counter)  # recorded name -> lines
    unmapped: Counter[str] = field(default_factory=Counter)


class Translator:
    """Turns one home's events (in time order) into readings; see the module docstring."""

    def __init__(self, mapping: Mapping, home: str, problems: Problems, source: str) -> None:
        self.mapping = mapping
        self.source = source  # the file the events' line numbers are in
        self.home = home
        self.problems = problems
        self.tally = Tally()
        self.readings: list[ReadingRecord] = []
        self._rules: dict[str, SensorRule | None] = {}
        self._ids: dict[Source, str] = {}
        self._since: dict[Source, float] = {}  # start of each source's current activation
        self._holding: dict[str, set[Source]] = {}  # state ids: the sources now on

    def add(self, event: SensorEvent) -> None:
        """Take one event; readings it causes are appended to :attr:`readings`."""
        if event.name not in self._rules:
            self._rules[event.name] = self.mapping.sensor_rule(event.name)
        rule = self._rules[event.name]
        if rule is None or rule.kind == "ignore":
            (self.tally.unmapped if rule is None else self.tally.ignored)[event.name] += 1
            return
        if event.active is None:
            self.problems.bad(
                f"{self.source}:{event.line}",
                f"sensor {event.name} is mapped to {rule.kind} but sent {event.message!r}, "
                "not an on/off state",
            )
            return
        source = (event.name, event.place)
        if source not in self._ids:
            self._ids[source] = sensor_id(rule, event.name, event.place)
            self.tally.sensors[self._ids[source]] = rule.kind
        if rule.kind in STATES:
            self._state(rule, source, event)
        else:
            self._pulse(rule, source, event)

    def sorted_readings(self) -> list[ReadingRecord]:
        """Every reading so far, in time order (arrival order = time order)."""
        return sorted(self.readings, key=lambda reading: reading.ts)

    def _state(self, rule: SensorRule, source: Source, event: SensorEvent) -> None:
        sid = self._ids[source]
        holding = self._holding.setdefault(sid, set())
        if event.active and source not in holding:
            holding.add(source)
            if len(holding) == 1:
                self._emit(rule.kind, sid, event.ts, 1.0)
        elif not event.active and source in holding:
            holding.discard(source)
            if not holding:
                self._emit(rule.kind, sid, event.ts, 0.0)

    def _pulse(self, rule: SensorRule, source: Source, event: SensorEvent) -> None:
        sid, since = self._ids[source], self._since.get(source)
        if event.active:
            if rule.kind == "motion" or (rule.kind == "toilet" and since is None):
                self._emit(rule.kind, sid, event.ts, 1.0)
            if since is None:
                self._since[source] = event.ts
            return
        if since is None:
            return
        del self._since[source]
        if rule.kind == "motion" and rule.repeat and self.mapping.motion_repeat > 0:
            for ts in np.arange(since, event.ts, self.mapping.motion_repeat)[1:]:
                self._emit("motion", sid, float(ts), 1.0)
        elif rule.kind == "tap":
            low, high = VALUE_RANGES[Kind.TAP]
            litres = (event.ts - since) / 60.0 * self.mapping.tap_litres_per_minute
            self._emit("tap", sid, event.ts, round(min(max(litres, low), high), 3))

    def _emit(self, kind: str, sid: str, ts: float, value: float) -> None:
        self.readings.append(ReadingRecord(self.home, sid, Kind(kind), round(ts, 3), value))
        self.tally.readings[kind] += 1
