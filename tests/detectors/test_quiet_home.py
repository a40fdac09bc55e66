"""A home gone quiet is one absence, not a heap of sensor faults (health.py, presence.py)."""

from carewatch.protocol import Alert, DailySummary, Kind
from detectors.config import DAY, HOUR, MINUTE
from detectors.health import SensorHealth
from detectors.presence import Presence
from tests.detectors.standalone import T0, FakeHome, as_view

SENSORS = {"hall": Kind.MOTION, "lounge": Kind.MOTION, "tap": Kind.TAP, "toilet": Kind.TOILET}


def learnt_home() -> FakeHome:
    """Four sensors, each heard every 40 minutes for days: their usual silences learnt."""
    home = FakeHome(first_ts=T0 - 30 * DAY).with_sensors(**SENSORS)
    for state in home.sensors.values():
        for beat in range(40):
            state.seen(T0 - DAY + beat * 40 * MINUTE, T0 - DAY + beat * 40 * MINUTE, True)
    home.last_seen = home.last_activity = T0
    return home


def overdue_alerts(home: FakeHome, silent: list[str]) -> list[str]:
    """Who is reported once ``silent`` sensors said nothing for a day and the rest spoke."""
    now = T0 + DAY
    for name, state in home.sensors.items():
        if name not in silent:
            state.seen(now - MINUTE, now - MINUTE, True)
    home.last_seen = home.last_activity = now - MINUTE
    out: list[Alert | DailySummary] = []
    SensorHealth().check(as_view(home), now, out)
    return [str(a.evidence["subject"]) for a in out if isinstance(a, Alert)]


def test_one_silent_sensor_is_reported() -> None:
    assert overdue_alerts(learnt_home(), ["tap"]) == ["tap"]


def test_a_week_away_split_by_one_reading_reports_no_sensor_on_the_return() -> None:
    home = learnt_home()
    home.last_door, home.away = T0 + MINUTE, True  # out of the front door for a week
    home.presence.on_activity(as_view(home), "bed", Kind.BED, T0 + 7 * DAY - HOUR)  # a mat
    home.last_activity = T0 + 7 * DAY - HOUR
    home.last_door = T0 + 7 * DAY  # back in
    home.presence.on_activity(as_view(home), "hall", Kind.MOTION, T0 + 7 * DAY + MINUTE)
    home.last_seen = home.last_activity = T0 + 7 * DAY + MINUTE
    home.away = False
    home.sensors["hall"].seen(T0 + 7 * DAY + MINUTE, T0 + 7 * DAY + MINUTE, True)
    out: list[Alert | DailySummary] = []
    SensorHealth().check(as_view(home), T0 + 7 * DAY + HOUR, out)
    assert out == []  # the lounge, tap and toilet were not due: they were away


def test_one_sign_between_two_silences_out_does_not_split_the_absence() -> None:
    home = FakeHome().with_sensors(hall=Kind.MOTION, door=Kind.DOOR, bed=Kind.BED)
    presence = Presence()
    home.last_activity, home.last_door, home.away = T0, T0 + MINUTE, True  # out of the door
    back = T0 + 6 * DAY
    presence.on_activity(as_view(home), "bed", Kind.BED, back - HOUR)  # a mat gone wrong
    home.last_activity = back - HOUR
    presence.on_activity(as_view(home), "hall", Kind.MOTION, back)  # in through the door
    assert presence.out_during(T0) == back - T0  # one absence of six days, not an hour
