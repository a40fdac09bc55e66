"""Stray motion: a pet (or a draught) setting off the motion sensors while the resident is out.

Rule (docs/detectors.md, decision D131): the front door, then nothing for 15 minutes
(nobody in the bed or the chair, no wearable heard) looks like a departure. Motion after
it, in any room, with nothing used (tap, flush, bed, chair) is *suspect*: a pet walks
from room to room too. What ends the suspicion teaches the home: the door again (they
came back in: the motion was not them) counts for a pet; anything used without the door
(they were in all along) counts against. So does motion in a room away from the bed
while a trusted bed sensor has them in it at night (a pet or someone else about: the
first day out comes before any is learnt). Once 2 departures ended at the door with
suspect motion, or someone else was about on 5 nights, and at least twice as many
departures ended that way as ended without it, suspect motion in this home is not taken
as a sign of the resident: they come back through the door, or show
themselves by using something. Until then, as in a home without a pet, any motion is
them.
"""

from carewatch.protocol import Kind
from detectors.config import HOUR, MINUTE
from detectors.view import HomeView

DEPARTED = 15 * MINUTE  # the door, then nothing this long: they may have gone out
LEARNT = 2  # departures that ended at the door with suspect motion, before it is believed
HALF_DAY = 12 * HOUR  # such motion this long after the first of a night: another night
NIGHTS = 5  # … or nights with someone else moving about while they were in bed
MOTION = Kind.MOTION


class StrayMotion:
    """Whether motion after a departure is a pet's, learnt from how such spells end.

    Examples
    --------
    >>> strays = StrayMotion()
    >>> strays.pets, strays.believed()
    (0, False)
    """

    def __init__(self) -> None:
        self.suspect_from = 0.0  # the door of the departure whose motion is suspect (0: none)
        self.pets = 0  # departures that ended at the door after suspect motion
        self.residents = 0  # … that ended with the resident showing themselves
        self.nights = 0  # nights with motion away from the bed while they were in it
        self.night_at = 0.0  # the first such motion of the last of them

    def believed(self) -> bool:
        """Suspect motion here has been a pet's often enough to be set aside."""
        learnt = self.pets >= LEARNT or self.nights >= NIGHTS
        return learnt and self.pets >= 2 * self.residents

    def someone_else(self, ts: float) -> None:
        """Motion away from the bed while a trusted bed sensor has them in it, at night."""
        if ts - self.night_at >= HALF_DAY:
            self.night_at = ts
            self.nights += 1

    def door(self) -> None:
        """The front door: a suspect spell ends with them coming in (or going out again)."""
        if self.suspect_from:
            self.pets += 1
            self.suspect_from = 0.0

    def is_stray(self, home: HomeView, kind: Kind, ts: float) -> bool:
        """Whether this sign (before ``home.last_activity`` moves) is set aside as stray."""
        door = home.last_door
        if not self.suspect_from and (door <= home.last_activity or door == 0.0):
            return False  # (most signs: the door was not the last thing)
        if kind is not MOTION or home.in_bed or home.in_chair:
            if self.suspect_from:
                self.residents += 1  # they were in: the motion was theirs
                self.suspect_from = 0.0
            return False
        if not self.suspect_from:
            if ts - door < DEPARTED or _wearable_since(home, door):
                return False
            self.suspect_from = door
        return self.believed()


def _wearable_since(home: HomeView, since: float) -> bool:
    return any(
        state.kind is Kind.HEART_RATE and state.heard > since for state in home.sensors.values()
    )
