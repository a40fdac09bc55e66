"""A home as a detector sees it, built by hand: to test one detector without a Home.

Any object with the members of :class:`detectors.view.HomeView` will do; mypy checks
that :class:`FakeHome` has them all, with the right types.
"""

from dataclasses import dataclass, field

from carewatch.protocol import AlertKind, Kind
from carewatch.tuning import factor
from detectors.baselines import Normal
from detectors.calendar import LocalCalendar
from detectors.config import EngineConfig
from detectors.hours import HourRing
from detectors.morning import usual_wake
from detectors.presence import Presence
from detectors.sensors import SensorState
from detectors.summary import DayTally
from detectors.view import HomeView

T0 = 1_767_571_200.0  # 2026-01-05 00:00 UTC, a Monday


@dataclass
class FakeNight:
    """The night watch's state that other detectors read."""

    in_night: bool = False
    wake: Normal = field(default_factory=usual_wake)
    bed_trusted: bool = True
    asleep: bool = False  # what sleep_hours says: inside their usual night

    def sleep_hours(self, home: object, ts: float) -> bool:
        return self.asleep


@dataclass
class FakeHome:
    """Every member of the view, as plain fields a test sets."""

    id: str = "h-1"
    cfg: EngineConfig = field(default_factory=EngineConfig)
    cal: LocalCalendar = field(default_factory=lambda: LocalCalendar("UTC"))
    first_ts: float = T0
    learning: bool = False
    local_hour: int = 0
    sensors: dict[str, SensorState] = field(default_factory=dict)
    kinds: frozenset[Kind] = frozenset()
    withheld: frozenset[Kind] = frozenset()
    ring: HourRing = field(default_factory=lambda: HourRing(96))
    taps: dict[str, int] = field(default_factory=dict)
    tally: DayTally = field(default_factory=lambda: DayTally("2026-01-05", T0))
    last_seen: float = 0.0
    last_activity: float = 0.0
    last_motion: float = 0.0
    motion_sensor: str = ""
    last_door: float = 0.0
    in_bed: bool = False
    in_chair: bool = False
    bed_at: float = 0.0
    has_motion: bool = False
    rest_from: float = 0.0
    rest_until: float = 0.0
    away: bool = False
    night: FakeNight = field(default_factory=FakeNight)
    presence: Presence = field(default_factory=Presence)
    tuning: dict[AlertKind, int] = field(default_factory=dict)

    def strictness(self, kind: AlertKind) -> float:
        return factor(self.tuning.get(kind, 0))

    def quiet_since(self) -> float:
        return self.last_activity

    def moving(self, ts: float) -> bool:
        return False

    def with_sensors(self, **kinds: Kind) -> "FakeHome":
        """Add sensors by id (``hall=Kind.MOTION``); the kit follows."""
        for name, kind in kinds.items():
            self.sensors[name] = SensorState(kind)
        self.kinds = frozenset(state.kind for state in self.sensors.values())
        return self


def as_view(home: FakeHome) -> HomeView:
    """The fake as the protocol (mypy checks it fits)."""
    return home
