"""What a detector may read of its home: a read-only view, and where its findings go.

A detector is handed a :class:`HomeView` and reads it; it never assigns to it (the one
home state a detector used to set, the bed mat's "in bed is void", is now asked for:
``BedTrust.voided``). The home (detectors/home.py) is the only class that satisfies it
in the engine; a test may hand a detector any object with these members, so a detector
is testable without a whole home (tests/detectors/test_standalone.py).

This module imports no detector, so every detector can name it without an import
circle (tests/detectors/test_imports.py walks the imports). Where a detector reads
another's state (the night's, the outings'), it sees it through a narrow protocol here.
Two things handed on are written, as ``out`` is: the day's tally (``tally``, the daily
summary being filled) and a sensor's ``alerted`` mark, which the health check owns.
"""

from collections.abc import Mapping
from typing import Protocol

from carewatch.protocol import Alert, AlertKind, DailySummary, Kind
from detectors.baselines import Normal
from detectors.calendar import LocalCalendar
from detectors.config import EngineConfig
from detectors.hours import HourRing
from detectors.sensors import SensorState
from detectors.summary import DayTally

Output = list[Alert | DailySummary]  # where a detector adds the alerts it raises


class NightView(Protocol):
    """What other detectors read of the night watch (detectors/night.py)."""

    @property
    def in_night(self) -> bool:
        """Whether the resident's night has begun (in bed, in their sleep window)."""

    @property
    def wake(self) -> Normal:
        """Their usual time of getting up (minutes after local midnight)."""

    @property
    def bed_trusted(self) -> bool:
        """Whether the bed sensor agrees with the home's other sensors."""

    def sleep_hours(self, home: "HomeView", ts: float) -> bool:
        """Whether ``ts`` falls in the core of their usual night, whatever the bed says."""


class OutingsView(Protocol):
    """What other detectors read of the outings learnt (detectors/presence.py)."""

    @property
    def last_room(self) -> str:
        """The motion sensor behind the last sign of them ("" if another kind)."""

    def left(self, home: "HomeView") -> bool:
        """The front door was the last thing that happened: they are out."""

    def probably_out(self, home: "HomeView") -> bool:
        """No door sensor, and the last sign of them was in the room they leave from."""

    def outing_limit(self) -> float:
        """How long a probable outing may last before the silence is judged (seconds)."""

    def out_during(self, since: float) -> float:
        """How long of the time after ``since`` they were out (at their last absence)."""

    def usual_outing(self) -> float:
        """Their longest usual outing (seconds; 0 until learnt)."""


class HomeView(Protocol):
    """One home as its detectors see it: read-only (properties, so mypy forbids writes)."""

    @property
    def id(self) -> str:
        """The home's pseudonym."""

    @property
    def cfg(self) -> EngineConfig:
        """The engine's settings."""

    @property
    def cal(self) -> LocalCalendar:
        """The home's local time (its zone)."""

    @property
    def first_ts(self) -> float:
        """When its first reading happened (0 before any)."""

    @property
    def learning(self) -> bool:
        """Whether the routine detectors are still learning this home."""

    @property
    def local_hour(self) -> int:
        """The local hour of the home's clock."""

    @property
    def sensors(self) -> Mapping[str, SensorState]:
        """Every sensor heard from, by id."""

    @property
    def kinds(self) -> frozenset[Kind]:
        """The kinds of sensor heard from (its kit)."""

    def strictness(self, kind: AlertKind) -> float:
        """How many times the documented rule's distance from usual ``kind`` asks for
        (carers' feedback, carewatch/tuning.py)."""

    @property
    def withheld(self) -> frozenset[Kind]:
        """The kinds not collected here (no consent): their sensors fall silent by design."""

    @property
    def ring(self) -> HourRing:
        """The last days' hourly counts."""

    @property
    def taps(self) -> Mapping[str, int]:
        """Each tap sensor's index in the hourly counts."""

    @property
    def tally(self) -> DayTally:
        """Today's summary, being filled (written by the detectors that count in it)."""

    @property
    def last_seen(self) -> float:
        """When the home last sent anything."""

    @property
    def last_activity(self) -> float:
        """The last sign of the resident: motion, furniture, tap, toilet."""

    @property
    def last_motion(self) -> float:
        """The last motion reading."""

    @property
    def motion_sensor(self) -> str:
        """The motion sensor heard last."""

    @property
    def last_door(self) -> float:
        """The last front-door event."""

    @property
    def in_bed(self) -> bool:
        """The bed sensor says someone is in bed (and it is not void)."""

    @property
    def in_chair(self) -> bool:
        """The chair sensor says someone is sitting."""

    @property
    def bed_at(self) -> float:
        """When the bed sensor last said in or out."""

    @property
    def has_motion(self) -> bool:
        """A motion sensor has been heard from."""

    @property
    def rest_from(self) -> float:
        """From when they are at rest (detectors/whereabouts.py)."""

    @property
    def rest_until(self) -> float:
        """Until when they are at rest."""

    @property
    def away(self) -> bool:
        """Out: by the front door, or probably (no door sensor)."""

    @property
    def night(self) -> NightView:
        """The night watch's state."""

    @property
    def presence(self) -> OutingsView:
        """The outings learnt."""

    def quiet_since(self) -> float:
        """Since when nothing shows the resident about (or since data came back)."""

    def moving(self, ts: float) -> bool:
        """The wearable says they are up and about."""
