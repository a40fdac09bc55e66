"""Each detector on hand-built days: it fires on its pattern and stays silent on look-alikes."""

import msgspec
import pytest

from carewatch.protocol import AlertKind, Kind
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.cli import run
from detectors.config import DAY
from tests.detectors.helpers import Outcome, replay
from tests.detectors.life import HOUR, MINUTE, Day, Life

NORMAL = 9  # routine days before anything happens (the tests' learning period is 7 days)


def days_with(*special: Day, before: int = NORMAL, after: int = 1) -> list[Day]:
    return [Day() for _ in range(before)] + list(special) + [Day() for _ in range(after)]


def test_a_fortnight_of_routine_raises_nothing() -> None:
    outcome = replay(Life().live([Day() for _ in range(14)]))
    assert outcome.alerts == []
    assert len(outcome.summaries) == 14


def test_normal_night_toilet_trips_are_not_wandering() -> None:
    nights = [Day(night_trips=[1.5, 4.0]) for _ in range(NORMAL + 3)]
    outcome = replay(Life().live(nights))
    assert outcome.of("night_wandering") == []
    assert outcome.summaries[-1].toilet_night == 2


def test_a_long_spell_up_at_night_alerts_once_within_minutes() -> None:
    life = Life()
    outcome = replay(life.live(days_with(Day(wander=(2.0, 45.0, False)))))
    [alert] = outcome.of("night_wandering")
    start = life.at(NORMAL + 1, 2.0)
    assert start <= alert.detected_at <= start + 12 * MINUTE  # the 10-minute floor, then a sign
    assert "02:00" in alert.explanation
    assert alert.evidence["toilet_visit"] is False
    assert outcome.kinds() == ["night_wandering"]


def test_the_front_door_at_night_alerts_at_once() -> None:
    life = Life()
    outcome = replay(life.live(days_with(Day(wander=(2.0, 45.0, True)))))
    door = [a for a in outcome.of("night_wandering") if "Front door" in a.explanation]
    assert len(door) == 1
    assert door[0].severity == "high"


def test_raised_heart_rate_in_the_chair_alerts_within_ten_minutes() -> None:
    life = Life()
    outcome = replay(life.live(days_with(Day(stress=(15.0, 30.0, 25.0)))))
    [alert] = outcome.of("stress")
    start = life.at(NORMAL, 15.0) + 5 * MINUTE
    assert start <= alert.detected_at <= start + 10 * MINUTE
    assert 62 <= float(alert.evidence["resting_usual"]) <= 70  # type: ignore[arg-type]
    assert alert.resident == "r-1"
    assert outcome.kinds() == ["stress"]


def test_a_visitor_and_a_cold_raise_no_alert() -> None:
    cold = [Day(hr_extra=5.0, wake=7.4, bed=22.0) for _ in range(3)]
    outcome = replay(Life().live(days_with(Day(visitor=(14.0, 16.0)), *cold)))
    assert outcome.alerts == []


def test_a_day_out_raises_no_alert() -> None:
    outcome = replay(Life().live(days_with(Day(out=(10.0, 15.5)), Day(out=(9.0, 16.0)))))
    assert outcome.alerts == []
    assert outcome.summaries[NORMAL].tap_uses < outcome.summaries[NORMAL - 1].tap_uses


def test_a_long_silence_at_home_alerts_inactivity() -> None:
    life = Life()
    outcome = replay(life.live(days_with(Day(silence=(11.0, 4.0)))))
    [alert] = outcome.of("inactivity")
    start = life.at(NORMAL, 11.0)
    assert start + 2 * HOUR <= alert.detected_at <= start + 3 * HOUR
    assert "No movement" in alert.explanation
    assert outcome.kinds() == ["inactivity"]


def test_not_up_by_the_usual_time_alerts_inactivity() -> None:
    life = Life()
    outcome = replay(life.live(days_with(Day(wake=10.5))))
    [alert] = outcome.of("inactivity")
    assert "Not up yet" in alert.explanation and "07:00" in alert.explanation
    assert life.at(NORMAL, 8.5) <= alert.detected_at <= life.at(NORMAL, 9.5)


def _bedless(readings: list[ReadingRecord]) -> list[ReadingRecord]:
    return [r for r in readings if r.kind is not Kind.BED]


def test_not_up_without_a_bed_sensor_is_told_from_their_first_sign_of_the_morning() -> None:
    life = Life()
    outcome = replay(_bedless(life.live(days_with(Day(wake=10.5)))))
    [alert] = outcome.of("inactivity")
    assert "No sign of them yet" in alert.explanation and "no bed sensor" in alert.explanation
    assert life.at(NORMAL, 8.5) <= alert.detected_at <= life.at(NORMAL, 9.5)
    assert replay(_bedless(Life().live(days_with(Day())))).of("inactivity") == []


def test_drinking_falling_over_days_alerts_dehydration_once() -> None:
    steps = [(5, 0.2), (2, 0.12), (1, 0.1), (1, 0.1)]
    decline = [Day(drinks=n, drink_litres=litres) for n, litres in steps]
    life = Life()
    outcome = replay(life.live(days_with(*decline, after=1)))
    [alert] = outcome.of("dehydration")
    assert life.at(NORMAL, 0) < alert.detected_at < life.at(NORMAL + 4, 0)
    assert "Less water drawn from the tap than usual" in alert.explanation
    assert float(alert.evidence["tap_uses"]) < float(alert.evidence["tap_uses_usual"])  # type: ignore[arg-type]


def test_a_hot_day_drinking_more_is_no_alert() -> None:
    outcome = replay(Life().live(days_with(Day(drinks=12, drink_litres=0.35))))
    assert outcome.alerts == []


def test_summaries_count_the_day() -> None:
    outcome = replay(Life().live([Day(drinks=6, toilets=3, night_trips=[2.0]) for _ in range(3)]))
    day = outcome.summaries[1]
    # drinks, two meals (3 taps and a drink each), hand washes after each flush
    assert day.tap_uses == 6 + 2 * 4 + (3 + 2) + 1
    assert day.toilet_day == 3 + 2  # errands plus getting up and going to bed
    assert day.toilet_night == 1
    assert len(day.night_episodes) == 1
    assert 400 < day.chair_minutes < 900
    assert day.resting_hr is not None and 62 < day.resting_hr < 70


def test_a_sensor_clock_running_an_hour_fast_raises_nothing() -> None:
    readings = Life().live([Day() for _ in range(NORMAL + 3)])
    fast = [
        msgspec.structs.replace(r, ts=r.ts + 3600.0)
        if r.sensor == "motion-hall" and r.ts > readings[-1].ts - 2 * 86400
        else r
        for r in readings
    ]
    assert replay(fast).alerts == []


def test_a_dead_bed_sensor_makes_no_night_look_like_inactivity() -> None:
    life = Life()
    readings = life.live(days_with(Day(), Day(), Day(silence=(11.0, 4.0))))
    dead_from = life.at(NORMAL, 8.0)
    readings = [r for r in readings if not (r.sensor == "bed" and r.ts >= dead_from)]
    outcome = replay(readings)
    [alert] = outcome.of("inactivity")  # the daytime silence, not the nights
    assert life.at(NORMAL + 2, 13.0) <= alert.detected_at <= life.at(NORMAL + 2, 14.0)


@pytest.mark.parametrize("kind", [Kind.TAP, Kind.BED, Kind.MOTION])
def test_a_sensor_whose_stream_is_withheld_is_not_reported_silent(kind: Kind) -> None:
    life = Life()
    readings = life.live([Day() for _ in range(16)])
    refused = life.at(12, 8.0)  # consent to collect this kind withdrawn: ingest drops it
    readings = [r for r in readings if not (r.kind is kind and r.ts >= refused)]
    told, untold = (Engine(EngineConfig(learning_period=7 * DAY)) for _ in range(2))
    for engine in (told, untold):
        engine.set_home_tz("h-1", "Europe/London")
    told.withhold("h-1", frozenset({kind}))
    silent = Outcome(run(untold, readings)).of("sensor_health")
    assert silent and all(str(a.evidence["subject"]).startswith(kind.value) for a in silent)
    assert Outcome(run(told, readings)).alerts == []


def test_a_wearable_taken_off_for_good_does_not_make_its_quiet_nights_an_outage() -> None:
    life = Life()
    readings = life.live(days_with(Day(), Day(), Day(), Day()))
    off = life.at(NORMAL, 8.0)  # worn day and night until now: no silence of the home learnt
    readings = [r for r in readings if not (r.kind is Kind.HEART_RATE and r.ts >= off)]
    assert replay(readings).alerts == []  # it was "the gateway is down", every night


def test_consent_and_tuning_told_before_a_first_reading_wait_for_it() -> None:
    engine = Engine(EngineConfig(learning_period=7 * DAY))
    engine.withhold("h-9", frozenset({Kind.TAP}))
    engine.tune("h-9", {AlertKind.STRESS: 2})
    assert engine.homes() == []  # an empty home would hold event time back
    assert engine.withheld("h-9") == {Kind.TAP}
    engine.process(ReadingRecord("h-9", "motion-1", Kind.MOTION, 1_767_571_200.0, 1.0))
    assert engine.homes() == ["h-9"] and engine.withheld("h-9") == {Kind.TAP}
    assert engine.tuning("h-9") == {AlertKind.STRESS: 2}
