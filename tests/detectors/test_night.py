"""Night wandering at the resident's own hours, with this home's trips and its bed sensor."""

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.config import DAY, HOUR, MINUTE
from tests.detectors.helpers import Outcome, replay
from tests.detectors.life import Day, Life

NORMAL = 9  # days of routine first (the helper learns for 7)


def test_a_late_riser_getting_up_after_noon_is_not_up_in_the_night() -> None:
    late = Day(bed=26.0, wake=12.25, night_trips=[6.0])  # asleep 02:00 to 12:15
    life = Life()
    outcome = replay(
        life.live([late] * NORMAL + [Day(bed=26.0, wake=12.25, wander=(8.0, 45.0, False))])
    )
    [alert] = outcome.of("night_wandering")  # their night is watched, at their hours
    up = life.at(NORMAL + 1, 8.0)
    assert up <= alert.detected_at <= up + 12 * MINUTE  # the 10-minute floor, then a sign
    assert "12:" not in alert.explanation


def test_an_evening_nap_before_their_usual_bedtime_is_not_a_night() -> None:
    outcome = replay(Life().live([Day()] * NORMAL + [Day(nap=(19.0, 1.0)), Day()]))
    assert outcome.of("night_wandering") == []


def test_up_soon_after_going_to_bed_and_long_in_the_chair_is_a_night_spell() -> None:
    # in bed about 28 minutes, then 71 minutes in the chair, then back to bed
    life = Life()
    outcome = replay(life.live([Day()] * NORMAL + [Day(sit_up=(22.8, 71.0), night_trips=[])]))
    [alert] = outcome.of("night_wandering")
    up = life.at(NORMAL, 22.8)
    assert up <= alert.detected_at <= up + 12 * MINUTE


def without(readings: list[ReadingRecord], kind: Kind) -> list[ReadingRecord]:
    return [r for r in readings if r.kind is not kind]


def test_a_home_without_a_flush_sensor_learns_its_nine_minute_trips() -> None:
    slow = Day(night_trips=[1.5, 4.0], trip_dwell=8 * MINUTE)  # 9-10 minutes up, no flush heard
    life = Life()
    readings = life.live([slow] * NORMAL + [slow, Day(wander=(2.0, 45.0, False))])
    outcome = replay(without(readings, Kind.TOILET))
    [alert] = outcome.of("night_wandering")  # the long spell, not the trips
    assert alert.detected_at >= life.at(NORMAL + 2, 2.0)
    assert "toilet" not in alert.explanation  # no flush sensor: no claim about the toilet


def test_a_flush_some_minutes_into_the_trip_is_learnt_too() -> None:
    slow = Day(night_trips=[1.5, 4.0], trip_dwell=6.5 * MINUTE)  # flush after ~7 minutes
    outcome = replay(Life().live([slow] * (NORMAL + 3)))
    assert outcome.of("night_wandering") == []


def test_a_stuck_bed_sensor_is_reported_once_and_the_night_rules_wait_for_it() -> None:
    life = Life()
    days = [Day()] * 13 + [Day(wander=(2.0, 45.0, False)), Day()]
    stuck = (life.at(9, 23.0), life.at(12, 12.0))  # pressed since the bed-in on day 9
    readings = [
        r for r in life.live(days) if not (r.kind is Kind.BED and stuck[0] <= r.ts <= stuck[1])
    ]
    engine = Engine(EngineConfig(learning_period=7 * DAY))
    engine.set_home_tz("h-1", "Europe/London")
    trusted: list[bool] = []
    items = []
    for reading in readings:
        items += engine.process(reading)
        trusted.append(engine._homes["h-1"].night.bed.trusted)
    outcome = Outcome(items)
    [report] = outcome.of("sensor_health")
    assert report.evidence["subject"] == "bed"
    assert report.evidence["problem"] == "stuck"
    assert "paused until it reads normally again" in report.explanation
    assert stuck[0] + 15 * HOUR <= report.detected_at <= stuck[0] + DAY  # 16 h after bed
    assert False in trusted and trusted[-1]  # paused, then trusted again
    [alert] = outcome.of("night_wandering")  # once it reads normally, nights are watched
    assert alert.detected_at >= life.at(14, 2.0)


def test_a_bed_sensor_that_misses_the_night_is_reported_once_and_raises_no_night_spell() -> None:
    life = Life()
    readings = life.live([Day()] * 17 + [Day(wander=(2.0, 45.0, False)), Day()])
    for day in range(8, 11):  # "out of bed" 01:00 to 02:30 while nothing stirs
        readings.append(ReadingRecord("h-1", "bed", Kind.BED, life.at(day, 25.0), 0.0))
        readings.append(ReadingRecord("h-1", "bed", Kind.BED, life.at(day, 26.5), 1.0))
    outcome = replay(sorted(readings, key=lambda r: r.ts))
    [report] = outcome.of("sensor_health")
    assert report.evidence["subject"] == "bed"
    assert report.evidence["problem"] == "misses"
    assert "paused until it reads normally again" in report.explanation
    [alert] = outcome.of("night_wandering")  # trusted again after good nights: found
    assert alert.detected_at >= life.at(18, 2.0)


def _missed(life: Life, readings: list[ReadingRecord], *days: int) -> list[ReadingRecord]:
    """The bed says "out of bed" from 01:00 to 02:30 on these nights, while nothing stirs."""
    for day in days:
        readings.append(ReadingRecord("h-1", "bed", Kind.BED, life.at(day, 25.0), 0.0))
        readings.append(ReadingRecord("h-1", "bed", Kind.BED, life.at(day, 26.5), 1.0))
    return sorted(readings, key=lambda r: r.ts)


def test_a_bed_sensor_missing_two_nights_five_apart_is_reported_one_miss_is_not() -> None:
    life = Life()
    readings = life.live([Day()] * 17)
    [report] = replay(_missed(life, list(readings), 8, 13)).of("sensor_health")
    assert report.evidence["problem"] == "misses"
    assert life.at(14, 1.0) <= report.detected_at <= life.at(14, 4.0)  # that night, not later
    assert replay(_missed(life, list(readings), 8)).of("sensor_health") == []


def test_a_checkpoint_from_before_the_sleep_window_restores() -> None:
    readings = Life().live([Day()] * 4)
    engine = Engine(EngineConfig(learning_period=2 * DAY))
    engine.set_home_tz("h-1", "Europe/London")
    for reading in readings[: len(readings) // 2]:
        engine.process(reading)
    night = engine._homes["h-1"].night
    for name in ("window", "trips", "bed", "up_since", "last_sign", "signs", "flush_at"):
        del night.__dict__[name]  # as the night watch was pickled before these existed
    restored = Engine.from_bytes(engine.to_bytes())
    for reading in readings[len(readings) // 2 :]:
        restored.process(reading)
    assert restored._homes["h-1"].night.window.start.count >= 1  # learning again
