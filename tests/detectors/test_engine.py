"""The engine as a whole: checkpoints, duplicates, outages with backfill, gateway status."""

import zlib
from pathlib import Path

from carewatch.protocol import Alert, DailySummary, GatewayStatus, Kind
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.config import DAY
from tests.detectors.helpers import Outcome, replay
from tests.detectors.life import HOUR, MINUTE, Day, Life

V1_CHECKPOINT = Path(__file__).parent / "data" / "checkpoint-v1.bin"


def engine() -> Engine:
    e = Engine(EngineConfig(learning_period=7 * DAY))
    e.set_home_tz("h-1", "Europe/London")
    return e


def live(e: Engine, readings: list[ReadingRecord], arrival: list[float]) -> Outcome:
    """Deliver readings at their arrival times, ticking a wall clock every minute."""
    order = sorted(range(len(readings)), key=lambda i: (arrival[i], i))
    items: list[Alert | DailySummary] = []
    now = arrival[order[0]]
    for i in order:
        while now + MINUTE <= arrival[i]:
            now += MINUTE
            items += e.tick(now)
        items += e.process(readings[i])
    return Outcome(items)


def test_checkpoint_round_trip_gives_identical_output() -> None:
    readings = Life().live([Day() for _ in range(9)] + [Day(wander=(2.0, 40.0, True)), Day()])
    half = len(readings) // 2
    first = engine()
    for reading in readings[:half]:
        first.process(reading)
    second = Engine.from_bytes(first.to_bytes())
    out_first = [item for r in readings[half:] for item in first.process(r)]
    out_second = [item for r in readings[half:] for item in second.process(r)]
    assert out_first == out_second
    assert any(isinstance(item, Alert) for item in out_first)
    assert first.home_bytes("h-1") < 20_000


def test_replay_gives_what_process_and_watermark_ticks_give() -> None:
    readings = Life().live([Day() for _ in range(9)] + [Day(wander=(2.0, 40.0, True)), Day()])
    one_by_one, replayed = engine(), engine()
    expected: list[Alert | DailySummary] = []
    next_tick = 0.0
    for reading in readings:
        expected += one_by_one.process(reading)
        if one_by_one.now() >= next_tick:
            mark = one_by_one.watermark()
            expected += one_by_one.tick(mark)
            next_tick = max(mark, one_by_one.now()) + MINUTE
    assert list(replayed.replay(readings, MINUTE)) == expected
    assert any(isinstance(item, Alert) for item in expected)
    assert replayed.now() == one_by_one.now()


def test_a_version_1_checkpoint_restores_and_goes_on_as_if_never_stopped() -> None:
    # written half-way through these readings by the engine of checkpoint version 1
    readings = Life().live([Day() for _ in range(9)] + [Day(wander=(2.0, 40.0, True)), Day()])
    half = len(readings) // 2
    restored = Engine.from_bytes(V1_CHECKPOINT.read_bytes())
    assert restored.config.learning_period == 7 * DAY  # its own settings, not scrambled
    whole = Engine(restored.config)  # (defaults may have changed since it was written)
    whole.set_home_tz("h-1", "Europe/London")
    for reading in readings[:half]:
        whole.process(reading)
    again = readings[half - 50 :]  # the last 50 re-delivered first: duplicates, remembered
    out_restored = [item for r in again for item in restored.process(r)]
    out_whole = [item for r in again for item in whole.process(r)]
    assert out_restored == out_whole
    assert any(isinstance(item, Alert) for item in out_whole)


def test_checkpoints_keep_settings_by_name() -> None:
    e = Engine(EngineConfig(learning_period=3 * DAY, wander_after=7 * MINUTE))
    blob = e.to_bytes()
    assert b"EngineConfig" not in zlib.decompress(blob)  # not by position: see checkpoint.py
    assert Engine.from_bytes(blob).config == e.config


def test_duplicated_readings_change_nothing() -> None:
    readings = Life().live([Day() for _ in range(9)] + [Day(stress=(15.0, 30.0, 25.0)), Day()])
    doubled = [copy for r in readings for copy in (r, r)]
    once, twice = replay(readings), replay(doubled)
    assert twice.alerts == once.alerts and twice.summaries == once.summaries
    assert once.kinds() == ["stress"]


def outage(life: Life, readings: list[ReadingRecord], day: int) -> tuple[float, float, list[float]]:
    start, end = life.at(day, 10.0), life.at(day, 14.0)
    arrival = [
        end + 600.0 + i * 0.001 if start <= r.ts < end else r.ts for i, r in enumerate(readings)
    ]
    return start, end, arrival


def test_an_outage_is_one_gateway_alert_and_late_readings_raise_no_false_alarm() -> None:
    life = Life()
    readings = life.live([Day() for _ in range(12)])
    start, _, arrival = outage(life, readings, 10)
    with_outage = live(engine(), readings, arrival)
    without = live(engine(), readings, [r.ts for r in readings])
    [alert] = with_outage.alerts
    assert alert.kind == "sensor_health" and alert.evidence["subject"] == "gateway"
    assert start + 28 * MINUTE <= alert.detected_at <= start + 32 * MINUTE
    assert "since 09:5" in alert.explanation  # the last reading before the outage
    assert without.alerts == []

    # the backfilled readings still count in the day they belong to (chair time, a state,
    # is only followed live)
    def counts(o: Outcome) -> list[tuple[float, int, int, int]]:
        return [(s.tap_litres, s.tap_uses, s.toilet_day, s.toilet_night) for s in o.summaries]

    assert counts(with_outage) == counts(without)


def test_gateway_status_offline_and_low_battery() -> None:
    e = engine()
    life = Life()
    readings = life.live([Day() for _ in range(3)])
    for reading in readings:
        e.process(reading)
    last = readings[-1].ts
    status = GatewayStatus(gateway="gw-1", state="offline", ts=last + 60.0)
    assert e.status("h-1", status, received_at=last + 60.0) == []
    [offline] = e.tick(last + 60.0 + 31 * MINUTE)
    assert isinstance(offline, Alert)
    assert offline.kind == "sensor_health" and "gateway" in offline.explanation
    battery = GatewayStatus(gateway="gw-1", state="online", ts=last + HOUR, battery={"bed": 9.0})
    [low] = e.status("h-1", battery, received_at=last + HOUR)
    assert "Battery low" in low.explanation and "bed" in low.explanation
    assert e.status("h-1", battery, received_at=last + 2 * HOUR) == []  # once per episode


def stress_from_a_wearable(chair: bool) -> list[Alert]:
    """Fifteen calm minutes, ten at 100 bpm, ten calm: with or without a chair sensor."""
    e = Engine(EngineConfig(learning_period=600.0))
    t0 = 1_767_600_000.0
    seated = [ReadingRecord("sp-1", "chair", Kind.CHAIR, t0 - 1.0, 1.0)] if chair else []
    bpm = [70.0] * 15 + [100.0] * 10 + [70.0] * 10
    beats = [
        ReadingRecord("sp-1", "wrist", Kind.HEART_RATE, t0 + minute * 60 + second, value)
        for minute, value in enumerate(bpm)
        for second in range(0, 60, 5)
    ]
    alerts = [item for r in seated + beats for item in e.process(r)]
    assert all(isinstance(a, Alert) and a.detected_at <= t0 + 21 * MINUTE for a in alerts)
    return [a for a in alerts if isinstance(a, Alert)]


def test_a_wearable_alone_cannot_tell_sitting_from_walking_so_stress_waits_for_a_chair() -> None:
    assert stress_from_a_wearable(chair=False) == []
    [stress] = stress_from_a_wearable(chair=True)
    assert stress.kind == "stress" and stress.detected_at > stress.start


def test_getting_up_during_an_outage_is_not_still_in_bed() -> None:
    life = Life()
    readings = life.live([Day() for _ in range(12)])
    start, end = life.at(10, 5.0), life.at(10, 10.0)  # they get up at 07:00, unseen live
    arrival = [
        end + 600.0 + i * 0.001 if start <= r.ts < end else r.ts for i, r in enumerate(readings)
    ]
    outcome = live(engine(), readings, arrival)
    assert [a.evidence["subject"] for a in outcome.alerts] == ["gateway"]
