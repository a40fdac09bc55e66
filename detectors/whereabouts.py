"""Where the resident is and what they are doing, as the home's events left it.

At rest (seated, or still out of bed, for the stress watch), away (the front door, or
probably out: detectors/presence.py), moving (the wearable says up and about), quiet
since when, and walking from room to room. Kept as spans and times on the home, as
heart beats ask "at rest?" several times a second in a replay.

A mixin of :class:`detectors.home.Home`, which owns the state named below (kept on the
home, so checkpoints keep their shape).
"""

from carewatch.protocol import Kind
from detectors.config import HOUR, MINUTE, EngineConfig
from detectors.presence import Presence
from detectors.stress import StressWatch
from detectors.view import HomeView

BED = Kind.BED
WALKING = 2 * MINUTE  # motion in another room this soon after the last: walking
STUCK_CHAIR = 4 * HOUR  # no one sits this long without a chair event
NEVER = float("inf")


class Whereabouts:
    """At rest, away, moving and quiet since: read by the detectors through the view."""

    # when the resident is at rest, as the last motion or chair event left it (class
    # defaults: a checkpoint from before these existed learns them at the next event)
    rest_from = 0.0
    rest_until = 0.0
    cfg: EngineConfig
    last_activity: float
    last_door: float
    last_motion: float
    motion_sensor: str
    walked: float  # two rooms' motion sensors in quick succession: walking about
    chair_room: dict[str, int]  # motion triggers per sensor while seated
    chair_sensor: str  # the chair_room sensor with the most triggers (the first of ties)
    in_bed: bool
    in_chair: bool
    chair_since: float
    has_motion: bool
    kinds: frozenset[Kind]  # the kinds of sensor heard from
    has_furniture: bool
    local_hour: int
    resumed: float
    presence: Presence
    hearts: dict[str, StressWatch]

    def _motion(self, sensor: str, ts: float) -> None:
        if sensor != self.motion_sensor and ts - self.last_motion < WALKING:
            self.walked = ts
        if self.in_chair and ts - self.chair_since > MINUTE:
            self._fidget(sensor)
        if self.chair_sensor and sensor != self.chair_sensor:
            self.walked = ts  # moving in another room: a chair that says "occupied" is stale
        self.last_motion = ts
        self.motion_sensor = sensor

    def _fidget(self, sensor: str) -> None:
        """Motion while seated: it teaches which room the chair is in (the most fidgets)."""
        room = self.chair_room
        count = room[sensor] = room.get(sensor, 0) + 1
        best = self.chair_sensor
        if not best or (sensor != best and count >= room[best]):
            # max() keeps the first of equals, so a tie may or may not move it: ask it
            self.chair_sensor = max(room, key=room.__getitem__)

    def at_rest(self, ts: float) -> bool:
        """Sitting in the chair a while (fidgets allowed), or no way to tell otherwise.

        Lying in bed is not "at rest" for stress: a sleeping heart is slower, and mixing
        the two would make every evening look raised.
        """
        return self.rest_from <= ts < self.rest_until

    def _rest_span(self) -> None:
        """When they are at rest, given the events so far (kept, as beats ask often).

        Not within ``rest_quiet`` of moving from room to room (a chair that says
        otherwise is stale); with a chair sensor, seated ``rest_settle`` and for less
        than ``STUCK_CHAIR`` (hours with no chair event: the sensor is stuck); with
        only motion sensors and a bed sensor, out of bed and no motion for ``rest_quiet``;
        otherwise never (a wearable alone cannot tell sitting from walking, motion alone
        sitting from sleeping: stress at rest is not armed).
        """
        if self.has_furniture and not self.in_chair:
            self.rest_from, self.rest_until = NEVER, 0.0  # (most motion: up and about)
            return
        cfg = self.cfg
        start = self.walked + cfg.rest_quiet if self.walked else 0.0
        if self.has_furniture:
            self.rest_from = max(start, self.chair_since + cfg.rest_settle)
            self.rest_until = self.chair_since + STUCK_CHAIR
            return
        # A wearable alone: walking looks like stress; motion without a bed sensor: asleep
        # looks like sitting still, and a sleeping heart is another heart.
        if not self.has_motion or BED not in self.kinds or self.in_bed:
            self.rest_from, self.rest_until = NEVER, 0.0
            return
        start = max(start, self.last_motion + cfg.rest_quiet)
        self.rest_from, self.rest_until = start, NEVER

    def moving(self, ts: float) -> bool:
        """The wearable says they are up and about (heart rate well above resting)."""
        return any(watch.active(ts, self.local_hour) for watch in self.hearts.values())

    def quiet_since(self) -> float:
        """Since when nothing shows the resident about (or since data came back)."""
        return max(self.last_activity, self.resumed)

    @property
    def away(self: HomeView) -> bool:
        """Out: the door was the last thing that happened, or (no door sensor) probably."""
        return self.last_door > self.last_activity or self.presence.probably_out(self)
