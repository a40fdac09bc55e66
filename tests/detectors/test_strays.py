"""A pet's motion while the resident is out (detectors/strays.py, decision D131)."""

from carewatch.protocol import Kind
from detectors.config import HOUR, MINUTE
from detectors.strays import StrayMotion
from tests.detectors.standalone import T0, FakeHome, as_view


def day_out(strays: StrayMotion, home: FakeHome, start: float, believed: bool) -> list[bool]:
    """The door at ``start``, a pet about for an hour, the door again: what was set aside."""
    home.last_door = start
    strays.door()
    said = []
    for minutes in (60, 61, 120):
        ts = start + minutes * MINUTE
        said.append(strays.is_stray(as_view(home), Kind.MOTION, ts))
        if not said[-1]:
            home.last_activity = ts
    home.last_door = start + 3 * HOUR  # back in
    strays.door()
    assert strays.believed() is believed
    return said


def test_motion_after_a_departure_is_set_aside_once_two_ended_at_the_door() -> None:
    home = FakeHome().with_sensors(hall=Kind.MOTION, door=Kind.DOOR, tap=Kind.TAP)
    strays = StrayMotion()
    assert day_out(strays, home, T0, believed=False) == [False] * 3  # not yet learnt: them
    assert day_out(strays, home, T0 + 24 * HOUR, believed=True) == [False] * 3
    assert day_out(strays, home, T0 + 48 * HOUR, believed=True) == [True] * 3
    assert strays.pets == 3 and strays.residents == 0


def test_motion_soon_after_the_door_or_anything_used_is_the_resident() -> None:
    home = FakeHome().with_sensors(hall=Kind.MOTION, door=Kind.DOOR, tap=Kind.TAP)
    strays = StrayMotion()
    strays.pets = 2  # learnt: this home has a pet
    home.last_door = T0
    assert not strays.is_stray(as_view(home), Kind.MOTION, T0 + 5 * MINUTE)  # came in
    home.last_activity = T0 + 5 * MINUTE
    home.last_door = T0 + HOUR  # out again
    assert strays.is_stray(as_view(home), Kind.MOTION, T0 + 2 * HOUR)  # the pet
    assert not strays.is_stray(as_view(home), Kind.TAP, T0 + 3 * HOUR)  # in all along
    assert strays.residents == 1 and not strays.suspect_from
    home.in_chair, home.last_door = True, T0 + 4 * HOUR  # someone sits: not out
    assert not strays.is_stray(as_view(home), Kind.MOTION, T0 + 5 * HOUR)


def test_someone_about_at_night_while_they_are_in_bed_is_learnt_per_night() -> None:
    strays = StrayMotion()
    for night in range(5):
        assert not strays.believed()
        for minutes in (0, 30, 90):  # several times a night: one night
            strays.someone_else(T0 + night * 24 * HOUR + 23 * HOUR + minutes * MINUTE)
    assert strays.nights == 5 and strays.believed()
    strays.residents = 1  # a departure they were in for, and none ended at the door
    assert not strays.believed()


def test_a_departure_they_showed_themselves_in_counts_against() -> None:
    home = FakeHome().with_sensors(hall=Kind.MOTION, door=Kind.DOOR, bed=Kind.BED)
    strays = StrayMotion()
    home.last_door = T0
    assert not strays.is_stray(as_view(home), Kind.MOTION, T0 + 30 * MINUTE)
    home.last_activity = T0 + 30 * MINUTE
    assert not strays.is_stray(as_view(home), Kind.BED, T0 + 40 * MINUTE)
    assert (strays.pets, strays.residents) == (0, 1)
