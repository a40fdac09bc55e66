"""Out or at home: a weekend away, an afternoon out without a door sensor, a silence at home."""

import msgspec

from carewatch.protocol import GatewayStatus, Kind
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.config import DAY
from tests.detectors.helpers import Outcome, replay
from tests.detectors.life import HOUR, MINUTE, Day, Life

NORMAL = 9  # routine days first (the tests' learning period is 7 days)


def away(
    life: Life, readings: list[ReadingRecord], leave: float, back: float
) -> list[ReadingRecord]:
    """``readings`` with the resident out of the front door from ``leave`` to ``back``."""
    kept = [r for r in readings if not leave - MINUTE <= r.ts <= back + MINUTE]

    def at(ts: float, sensor: str, kind: Kind, value: float = 1.0) -> ReadingRecord:
        return ReadingRecord(life.home, sensor, kind, ts, value)

    trip = [
        at(leave - 50.0, "chair", Kind.CHAIR, 0.0),  # up from the chair if they were in it
        at(leave - 40.0, "motion-hall", Kind.MOTION),
        at(leave, "door-front", Kind.DOOR),
        at(leave + 10.0, "door-front", Kind.DOOR, 0.0),
        at(back, "door-front", Kind.DOOR),
        at(back + 10.0, "door-front", Kind.DOOR, 0.0),
        at(back + 20.0, "motion-hall", Kind.MOTION),
    ]
    return sorted(kept + trip, key=lambda r: r.ts)


def ticked(readings: list[ReadingRecord]) -> Outcome:
    """Readings through a new engine ticked every 5 minutes, as ingest's wall clock does."""
    engine = Engine(EngineConfig(learning_period=7 * DAY))
    engine.set_home_tz("h-1", "Europe/London")
    items = []
    for reading in readings:
        now = engine.now()
        while now and reading.ts - now > 5 * MINUTE:
            now += 5 * MINUTE
            items += engine.tick(now)
        items += engine.process(reading)
    return Outcome(items)


def without(kind: Kind, readings: list[ReadingRecord]) -> list[ReadingRecord]:
    return [r for r in readings if r.kind is not kind]


def test_a_weekend_away_through_the_front_door_is_away_not_a_fault() -> None:
    life = Life()
    readings = life.live([Day() for _ in range(NORMAL + 4)])
    leave, back = life.at(NORMAL, 10.0), life.at(NORMAL + 2, 15.0)  # Saturday to Monday
    outcome = replay(away(life, readings, leave, back))
    assert outcome.alerts == []  # no gateway, sensor, inactivity or "not up" alert


def test_the_gateway_saying_offline_while_they_are_away_still_alerts() -> None:
    life = Life()
    readings = life.live([Day() for _ in range(NORMAL)])
    leave = life.at(NORMAL - 1, 10.0)
    engine = Engine(EngineConfig(learning_period=7 * DAY))
    engine.set_home_tz("h-1", life.tz)
    for reading in away(life, readings, leave, leave + 3 * DAY):
        if reading.ts <= leave + MINUTE:
            engine.process(reading)
    assert engine.tick(leave + 12 * HOUR) == []  # out: a quiet home is expected
    offline = GatewayStatus(gateway="gw-1", state="offline", ts=leave + 12 * HOUR)
    engine.status("h-1", offline, received_at=leave + 12 * HOUR)
    [alert] = engine.tick(leave + 13 * HOUR)
    assert alert.kind == "sensor_health" and alert.evidence["subject"] == "gateway"
    assert "gateway" in alert.explanation and alert.severity == "medium"


def test_an_afternoon_out_without_a_door_sensor_is_not_inactivity() -> None:
    # days at home first (their quiet is learnt without outings), then afternoons out
    home = [Day() for _ in range(3)]
    outings = [Day(out=(13.0, 16.5 + (n % 3) * 0.5)) for n in range(NORMAL)]
    life = Life()
    outcome = ticked(without(Kind.DOOR, life.live([*home, *outings, Day()])))
    assert outcome.of("inactivity") == []
    assert outcome.of("sensor_health") == []


def test_an_outing_far_longer_than_usual_without_a_door_sensor_says_they_may_be_out() -> None:
    outings = [Day(out=(13.0, 15.0 + (n % 3) * 0.5)) for n in range(NORMAL)]
    life = Life()
    readings = life.live([*outings, Day(out=(11.0, 21.0)), Day()])
    outcome = ticked(without(Kind.DOOR, readings))  # live: time passes while they are out
    [alert] = outcome.of("inactivity")
    leave = life.at(NORMAL, 11.0)
    assert leave + 3 * HOUR < alert.detected_at < leave + 10 * HOUR
    assert "may be out" in alert.explanation and alert.severity == "medium"
    assert outcome.of("sensor_health") == []


def test_someone_at_home_who_stops_moving_still_alerts_with_or_without_a_door_sensor() -> None:
    days = [Day(out=(13.0, 16.0)) for _ in range(NORMAL)] + [Day(silence=(11.0, 4.0)), Day()]
    for kit in ("door", "no door"):
        life = Life()
        readings = life.live(days)
        if kit == "no door":
            readings = without(Kind.DOOR, readings)
        outcome = replay(readings)
        [alert] = outcome.of("inactivity")
        start = life.at(NORMAL, 11.0)
        assert start + 2 * HOUR <= alert.detected_at <= start + 3 * HOUR, kit
        assert alert.severity == "high" and outcome.kinds() == ["inactivity"], kit


def test_the_room_outings_begin_from_is_learnt_whatever_its_name() -> None:
    home = [Day() for _ in range(3)]
    outings = [Day(out=(13.0, 16.5 + (n % 3) * 0.5)) for n in range(NORMAL)]
    life = Life()
    readings = [
        msgspec.structs.replace(r, sensor="pir-3") if r.sensor == "motion-hall" else r
        for r in without(Kind.DOOR, life.live([*home, *outings, Day()]))
    ]
    outcome = ticked(readings)
    early = [a for a in outcome.alerts if a.detected_at < life.at(3 + 4, 0.0)]
    late = [a for a in outcome.alerts if a.detected_at >= life.at(3 + 4, 0.0)]
    assert late == []  # learnt after three outings that ended where they began
    assert len(early) == 3  # the first three: "the gateway may be down, or they went out"
    assert all("may be down, or they went out" in a.explanation for a in early)
