"""Events to readings: states on change, motion repeated while held, flushes, taps, tallies."""

import pytest

from carewatch.errors import BadData
from carewatch.records import ReadingRecord
from simulators.recordings.events import Problems, SensorEvent
from simulators.recordings.mapping import Mapping, SensorRule
from simulators.recordings.readings import Translator

RULES = Mapping(
    sensor=[
        SensorRule("bed*", "bed", "bed"),
        SensorRule("mat*", "bed", "bed"),
        SensorRule("door", "door", "door-front"),
        SensorRule("pir*", "motion", "motion-{place}"),
        SensorRule("oven", "motion", "motion-{place}", repeat=False),
        SensorRule("flush", "toilet", "toilet"),
        SensorRule("sink", "tap", "tap-{place}"),
        SensorRule("temp*", "ignore"),
    ],
    motion_repeat=60.0,
    tap_litres_per_minute=6.0,
)


def _run(*events: tuple[float, str, bool | None], rules: Mapping = RULES) -> Translator:
    translator = Translator(rules, "home-1", Problems(skip=False), "f.txt")
    for number, (ts, name, active) in enumerate(events, start=1):
        translator.add(SensorEvent(ts, name, active, "kitchen", number, "OFcF"))
    return translator


def _said(translator: Translator) -> list[tuple[float, str, float]]:
    return [(r.ts, r.sensor, r.value) for r in translator.sorted_readings()]


def test_state_sensors_send_changes_only_and_merge_sources_into_one_id() -> None:
    translator = _run(
        (0, "bed", True),
        (5, "bed", True),
        (10, "mat", True),
        (20, "bed", False),
        (30, "mat", False),
        (40, "mat", False),
        (50, "door", True),
        (55, "door", False),
    )
    assert _said(translator) == [
        (0, "bed", 1.0),
        (30, "bed", 0.0),
        (50, "door-front", 1.0),
        (55, "door-front", 0.0),
    ]
    assert translator.tally.sensors == {"bed": "bed", "door-front": "door"}


def test_motion_repeats_while_a_sensor_stays_on() -> None:
    translator = _run(
        (0, "pir1", True), (150, "pir1", False), (200, "pir1", True), (201, "pir1", True)
    )
    assert _said(translator) == [
        (0, "motion-kitchen", 1.0),
        (60, "motion-kitchen", 1.0),
        (120, "motion-kitchen", 1.0),
        (200, "motion-kitchen", 1.0),
        (201, "motion-kitchen", 1.0),
    ]


def test_no_repeats_when_the_rule_or_the_mapping_says_so() -> None:
    assert len(_said(_run((0, "oven", True), (600, "oven", False)))) == 1
    once = Mapping(sensor=RULES.sensor, motion_repeat=0.0)
    assert len(_said(_run((0, "pir1", True), (600, "pir1", False), rules=once))) == 1


def test_a_flush_is_one_toilet_reading_and_a_tap_its_litres_when_closed() -> None:
    translator = _run(
        (0, "flush", True),
        (2, "flush", True),
        (20, "flush", False),
        (100, "sink", True),
        (130, "sink", False),
        (200, "sink", True),
        (200.05, "sink", False),
    )
    assert _said(translator) == [
        (0, "toilet", 1.0),
        (130, "tap-kitchen", 3.0),
        (200.05, "tap-kitchen", 0.01),
    ]


def test_readings_come_out_in_time_order_as_valid_records() -> None:
    translator = _run((0, "pir1", True), (100, "pir1", False), (30, "bed", True))
    readings = translator.sorted_readings()
    assert [r.ts for r in readings] == [0, 30, 60]
    assert all(isinstance(r, ReadingRecord) and r.home == "home-1" for r in readings)
    assert translator.tally.readings == {"motion": 2, "bed": 1}


def test_ignored_and_unmapped_sensors_are_counted_not_sent() -> None:
    translator = _run((0, "temp1", None), (1, "temp1", None), (2, "fan", True), (3, "fan", False))
    assert translator.readings == []
    assert translator.tally.ignored == {"temp1": 2}
    assert translator.tally.unmapped == {"fan": 2}


def test_a_used_sensor_sending_no_state_is_a_bad_line() -> None:
    with pytest.raises(BadData, match=r"f.txt:2: sensor pir1 is mapped to motion but sent 'OFcF'"):
        _run((0, "pir1", True), (1, "pir1", None))
    problems = Problems(skip=True)
    translator = Translator(RULES, "home-1", problems, "f.txt")
    translator.add(SensorEvent(1, "pir1", None, "", 9, "ONc"))
    assert problems.count == 1 and translator.readings == []
