"""Detectors on their own, against a home built by hand (tests/detectors/standalone.py)."""

from carewatch.protocol import Alert, AlertKind, DailySummary, Kind
from detectors.config import HOUR, MINUTE
from detectors.contract import Detector
from detectors.dehydration import Dehydration
from detectors.inactivity import Inactivity
from detectors.night import NightWatch
from detectors.presence import Presence
from tests.detectors.standalone import T0, FakeHome, as_view


def learnt_wake(home: FakeHome, minutes: float, nights: int = 10) -> None:
    for _ in range(nights):
        home.night.wake.learn_one(minutes)


def test_inactivity_alerts_when_not_up_by_their_usual_time() -> None:
    home = FakeHome(in_bed=True).with_sensors(bed=Kind.BED, hall=Kind.MOTION)
    home.night.in_night = True
    learnt_wake(home, 7 * 60.0)
    home.last_activity = T0 - 2 * HOUR  # last seen the evening before
    detector = Inactivity()
    out: list[Alert | DailySummary] = []
    detector.check(as_view(home), T0 + 7 * HOUR, out)
    assert out == []  # their usual time: not late yet
    detector.check(as_view(home), T0 + 10 * HOUR, out)
    assert [a.kind for a in out if isinstance(a, Alert)] == [AlertKind.INACTIVITY]
    detector.check(as_view(home), T0 + 11 * HOUR, out)
    assert len(out) == 1  # once a day


def test_inactivity_stays_quiet_while_someone_moves_or_while_learning() -> None:
    home = FakeHome(in_bed=True).with_sensors(bed=Kind.BED, hall=Kind.MOTION)
    home.night.in_night = True
    learnt_wake(home, 7 * 60.0)
    out: list[Alert | DailySummary] = []
    home.last_activity = T0 + 10 * HOUR - 5 * MINUTE  # moving about: the bed may be wrong
    Inactivity().check(as_view(home), T0 + 10 * HOUR, out)
    home.last_activity, home.learning = T0 - 2 * HOUR, True
    Inactivity().check(as_view(home), T0 + 10 * HOUR, out)
    assert out == []


def outing(presence: Presence, home: FakeHome, room: str, start: float, hours: float) -> None:
    """Motion in ``room``, silence for ``hours``, motion in ``room`` again."""
    presence.on_activity(as_view(home), room, Kind.MOTION, start)
    home.last_activity = start
    back = start + hours * HOUR
    presence.on_activity(as_view(home), room, Kind.MOTION, back)
    home.last_activity = back


def test_presence_learns_the_room_they_leave_from() -> None:
    home = FakeHome().with_sensors(hall=Kind.MOTION, lounge=Kind.MOTION)
    presence = Presence()
    assert not presence.exit_room(as_view(home), "lounge")
    for trip in range(3):  # ten minutes between them: too short to be outings
        outing(presence, home, "lounge", T0 + 8 * HOUR + trip * (2 * HOUR + 10 * MINUTE), 2.0)
    assert presence.exit_room(as_view(home), "lounge")
    assert presence.probably_out(as_view(home))  # last seen in the lounge, no door sensor
    assert presence.usual_outing() == 2 * HOUR
    home.with_sensors(door=Kind.DOOR)
    assert not presence.probably_out(as_view(home))  # a door sensor says so instead


def test_presence_does_not_learn_a_silence_in_bed() -> None:
    home = FakeHome(in_bed=True).with_sensors(hall=Kind.MOTION, lounge=Kind.MOTION)
    presence = Presence()
    for trip in range(3):
        outing(presence, home, "lounge", T0 + 8 * HOUR + trip * (2 * HOUR + 10 * MINUTE), 2.0)
    assert not presence.exit_room(as_view(home), "lounge")


def test_the_engine_detectors_keep_the_contract() -> None:
    detectors: list[Detector] = [NightWatch(FakeHome().cfg), Inactivity(), Dehydration()]
    assert all(isinstance(d.wants, frozenset) for d in detectors)
    assert Kind.HEART_RATE not in NightWatch(FakeHome().cfg).wants
    assert Inactivity().wants == frozenset()
