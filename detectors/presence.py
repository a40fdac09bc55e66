"""Presence: is the resident out? The front door says so; without one, the room they leave from.

Rule (docs/detectors.md, decision D75): the front door opening or closing with nothing
after it means they are out, however long (a weekend away is away, not a fault). A home
without a door sensor learns where outings begin: the motion sensor last heard before a
long daytime silence (30 minutes or more, not in bed or the chair, no wearable heard)
that ends with motion in the same room again. Once at least 3 silences after a room
ended there, and at least half of all such silences after it did, and the home has
another motion sensor to tell it apart from, silence after that room is *probably*
out: judged only after 1.5 x their longest usual outing (6 hours until 3 are learnt),
and then said to be unclear. Until 3 silences after a room are learnt, a room named like
an entrance (hall, entrance, porch, lobby...) is taken as where they leave from.
"""

from carewatch.protocol import Kind
from detectors.baselines import Gaps
from detectors.config import DAY, HOUR, MINUTE
from detectors.view import HomeView

OUTING = 30 * MINUTE  # a silence this long after the exit room may have been an outing
MIN_OUTINGS = 3  # silences that ended in the room they began in, before it is the exit room
SHARE = 0.5  # … and at least this share of the silences that began there
SETTLED = 30  # outings learnt before the quantile alone gives their usual length
OUTING_FACTOR = 1.5  # a probable outing is judged after this x their longest usual one
OUTING_MAX = 12 * HOUR  # … and always by this (an outing has no door sensor to end it)
UNLEARNT_OUTING = 6 * HOUR  # the limit until their outings are learnt
WALK_OUT = 5 * MINUTE  # the wearable heard this soon after the last motion: leaving with it
MOTION, DOOR, HEART_RATE = Kind.MOTION, Kind.DOOR, Kind.HEART_RATE  # (globals: hot path)
ENTRANCES = ("hall", "entr", "porch", "lobby", "foyer", "vestibule", "door")  # in sensor ids


class Presence:
    """Where outings begin in a home without a door sensor, and how long they last."""

    def __init__(self) -> None:
        self.last_room = ""  # the motion sensor behind the last sign of them ("" if other)
        self.ended: dict[str, int] = {}  # long daytime silences after each motion sensor
        self.returned: dict[str, int] = {}  # … that ended with motion in that room again
        self.outings = Gaps(q=0.95)
        self.longest = 0.0  # the longest outing while the quantile settles
        self.wearable_gap = (0.0, 0.0)  # the wearable's last long silence (from, to)
        self.absence = (0.0, 0.0)  # the last time they were out (from, to)

    def on_activity(self, home: HomeView, sensor: str, kind: Kind, ts: float) -> None:
        """A sign of the resident (before ``home.last_activity`` moves): learn the silence."""
        since = home.last_activity
        gap = ts - since
        if gap >= OUTING and since:  # (most signs come minutes apart: nothing to learn)
            self._silence_ends(home, sensor, since, gap, ts)
        self.last_room = sensor if kind is MOTION else ""

    def _silence_ends(
        self, home: HomeView, sensor: str, since: float, gap: float, ts: float
    ) -> None:
        """A long silence ends with ``sensor``: was it an absence, and after which room?"""
        if home.away:  # sensors are not expected to speak while they are out
            start, end = self.absence
            # one sign alone between two silences out (a bed mat gone wrong, a stray
            # reading) does not split the absence: the sensors' silence spans both
            self.absence = (start if end == since else since, ts)
        room = self.last_room
        if (
            room
            and gap < DAY
            and not (home.in_bed or home.in_chair or home.night.in_night)
            and not self._wearable_since(home, since, self.wearable_gap)
        ):
            self.ended[room] = self.ended.get(room, 0) + 1
            if sensor == room:
                self.returned[room] = self.returned.get(room, 0) + 1
                self.outings.learn_one(gap)
                count = self.outings.count
                self.longest = max(self.longest, gap) if count <= SETTLED else 0.0

    def exit_room(self, home: HomeView, room: str) -> bool:
        """Whether silences after ``room`` are usually outings (learnt, and told apart)."""
        back, ended = self.returned.get(room, 0), self.ended.get(room, 0)
        if ended < MIN_OUTINGS:  # not learnt yet: an entrance by its name
            named = any(word in room.lower() for word in ENTRANCES)
            if not named or back < ended - 1:
                return False
        elif back < MIN_OUTINGS or back < SHARE * ended:
            return False
        motions = sum(state.kind is MOTION for state in home.sensors.values())
        return motions >= 2  # one motion sensor: every silence begins and ends there

    def left(self, home: HomeView) -> bool:
        """The front door was the last thing that happened: they are out."""
        return home.last_door > home.last_activity

    def probably_out(self, home: HomeView) -> bool:
        """No door sensor, and the last sign of them was in the room they leave from."""
        room = self.last_room
        if not room or DOOR in home.kinds or home.in_bed or home.in_chair:
            return False
        since = home.last_activity
        return self.exit_room(home, room) and not self._wearable_since(
            home, since, self.wearable_gap
        )

    def out_during(self, since: float) -> float:
        """How long of the time after ``since`` they were out (at their last absence)."""
        start, end = self.absence
        return end - max(start, since) if end > since else 0.0

    def usual_outing(self) -> float:
        """Their longest usual outing (seconds; 0 until 3 are learnt)."""
        if self.outings.count < MIN_OUTINGS:
            return 0.0
        return max(self.outings.get(), self.longest)

    def outing_limit(self) -> float:
        """How long a probable outing may last before the silence is judged (seconds)."""
        usual = self.usual_outing()
        return min(OUTING_FACTOR * usual, OUTING_MAX) if usual else UNLEARNT_OUTING

    @staticmethod
    def _wearable_since(home: HomeView, since: float, gap: tuple[float, float]) -> bool:
        """A wearable heard after ``since`` (and not just back from a silence that began
        by then, ``gap``): it is with them, so they were at home."""
        start, end = gap
        if start <= since + WALK_OUT < end:
            return False  # it went quiet with them and came back with them
        return any(
            state.kind is HEART_RATE and state.heard > since + WALK_OUT
            for state in home.sensors.values()
        )
