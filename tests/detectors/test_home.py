"""A home's timing and presence: homes without a wearable, sensors with fast clocks."""

import msgspec

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord, StatusRecord
from detectors import Engine, EngineConfig
from detectors.cli import run
from detectors.config import DAY
from detectors.hours import OCCUPIED, SEEN, HourRing
from tests.detectors.helpers import Outcome, replay
from tests.detectors.life import MINUTE, Day, Life

NORMAL = 9  # routine days before anything happens (the tests' learning period is 7 days)


def without_wearable(readings: list[ReadingRecord]) -> list[ReadingRecord]:
    return [r for r in readings if r.kind is not Kind.HEART_RATE]


def test_quiet_nights_without_a_wearable_are_not_gateway_outages() -> None:
    # asleep with no wearable, nothing is heard for hours, night after night
    outcome = replay(without_wearable(Life().live([Day() for _ in range(NORMAL + 5)])))
    gateway = [a for a in outcome.of("sensor_health") if a.evidence["subject"] == "gateway"]
    assert len(gateway) <= 1  # at most the first night, before its quiet is learnt
    assert outcome.of("night_wandering") == [] and outcome.of("inactivity") == []


def test_a_long_daytime_silence_without_a_wearable_says_it_may_be_the_resident() -> None:
    life = Life()
    days = [Day() for _ in range(NORMAL)] + [Day(silence=(11.0, 5.0)), Day()]
    outcome = replay(without_wearable(life.live(days)))
    silences = [a for a in outcome.of("sensor_health") if a.evidence["subject"] == "gateway"]
    daytime = [a for a in silences if a.detected_at > life.at(NORMAL, 11.0)]
    assert daytime, "five silent hours in the day go unreported"
    assert daytime[0].evidence["could_be_the_resident"] is True
    assert "Check on them first" in daytime[0].explanation
    assert daytime[0].severity == "high"


def test_wandering_without_a_wearable_is_found_at_its_own_time() -> None:
    life = Life()
    days = [Day() for _ in range(NORMAL)] + [Day(wander=(2.0, 45.0, False)), Day()]
    outcome = replay(without_wearable(life.live(days)))
    [alert] = outcome.of("night_wandering")
    start = life.at(NORMAL + 1, 2.0)
    # the first reading after hours of quiet is when they got up, not when they went to bed
    assert abs(alert.start - start) < MINUTE
    assert start <= alert.detected_at <= start + 12 * MINUTE  # the 10-minute floor, then a sign


def test_a_sensor_clock_running_fast_in_a_quiet_home_is_held_then_corrected() -> None:
    life = Life()
    readings = without_wearable(life.live([Day() for _ in range(NORMAL + 3)]))
    fast_from = life.at(NORMAL, 12.0)
    fast = [
        msgspec.structs.replace(r, ts=r.ts + 1800.0)
        if r.sensor == "motion-kitchen" and r.ts > fast_from
        else r
        for r in readings
    ]
    outcome = replay(fast)
    assert outcome.alerts == []
    # the days are counted the same as with a true clock
    honest = replay(readings)
    assert [s.tap_uses for s in outcome.summaries] == [s.tap_uses for s in honest.summaries]


def test_in_bed_or_chair_counts_as_at_home_even_when_nothing_is_heard() -> None:
    ring = HourRing(4)
    ring.open(10, local_hour=2)
    slot = ring.slot(10)
    assert slot is not None
    assert not ring.at_home(slot)  # nothing known
    slot[OCCUPIED] = 1.0
    assert slot[SEEN] == 0.0
    assert ring.at_home(slot)


def test_an_outage_is_reported_when_its_backfill_comes_before_a_second_sensor() -> None:
    # Back online, the wearable's live beats come first, then the outbox drains from the
    # outage's start: the wearable's leap of hours is an outage, not a fast clock.
    life = Life()
    readings = life.live([Day() for _ in range(NORMAL + 2)])
    down, up = life.at(NORMAL, 13.0), life.at(NORMAL, 17.0)
    before = [r for r in readings if r.ts < down]
    backlog = [r for r in readings if down <= r.ts < up]
    after = [r for r in readings if r.ts >= up]
    beats = [r for r in after if r.kind is Kind.HEART_RATE][:3]
    rest = [r for r in after if r not in beats]
    outcome = replay(before + beats + backlog + rest)
    gateway = [a for a in outcome.of("sensor_health") if a.evidence["subject"] == "gateway"]
    [alert] = gateway
    assert down - 2 * MINUTE <= alert.start <= down  # silent from the last reading before it
    assert outcome.of("inactivity") == []  # the backlog shows them about all along


def _silent_afternoon(online_at_hour: float) -> tuple[Life, Outcome]:
    """Five silent hours from 11:00 without a wearable; the gateway online from the hour given."""
    life = Life()
    days = [Day() for _ in range(NORMAL)] + [Day(silence=(11.0, 5.0)), Day()]
    readings = without_wearable(life.live(days))
    # a neighbour with a wearable keeps event time going through the silence, as a
    # cohort's other homes (or a live clock) do
    neighbour = Life(home="h-2").live([Day() for _ in range(NORMAL + 2)])
    merged = sorted(readings + neighbour, key=lambda r: r.ts)
    online_at = life.at(NORMAL, online_at_hour)
    online = [StatusRecord(h, "gw-" + h, "online", online_at) for h in ("h-1", "h-2")]
    engine = Engine(EngineConfig(learning_period=7 * DAY))
    for home in ("h-1", "h-2"):
        engine.set_home_tz(home, "Europe/London")
    return life, Outcome(a for a in run(engine, merged, online) if a.home == "h-1")


def test_a_gateway_online_all_through_a_silence_leaves_it_to_inactivity() -> None:
    life, outcome = _silent_afternoon(online_at_hour=-NORMAL * 24.0)  # online from the start
    assert [a for a in outcome.of("sensor_health") if a.evidence["subject"] == "gateway"] == []
    [inactive] = [a for a in outcome.of("inactivity") if a.detected_at > life.at(NORMAL, 11.0)]
    assert inactive.detected_at <= life.at(NORMAL, 16.0)


def test_a_gateway_online_only_from_inside_a_silence_does_not_vouch_for_it() -> None:
    # its word is given at 13:00, after the home went quiet: the two hours before may be
    # an outage whose readings are still to come, so the home's learnt quiet judges
    life, outcome = _silent_afternoon(online_at_hour=13.0)
    gateway = [a for a in outcome.of("sensor_health") if a.evidence["subject"] == "gateway"]
    assert [a for a in gateway if life.at(NORMAL, 11.0) < a.detected_at < life.at(NORMAL, 16.0)]


def test_an_offline_status_is_a_gateway_alert_after_half_an_hour_even_at_night() -> None:
    # asleep with no wearable the home is silent for hours: only the gateway's will tells
    life = Life()
    readings = without_wearable(life.live([Day() for _ in range(NORMAL + 2)]))
    lost = life.at(NORMAL, 26.0)  # 02:00, asleep
    statuses = [
        StatusRecord("h-1", "gw-1", "online", readings[0].ts),
        StatusRecord("h-1", "gw-1", "offline", lost),
        StatusRecord("h-1", "gw-1", "online", lost + 3 * 3600.0),
    ]
    kept = [r for r in readings if not lost - 90.0 <= r.ts < lost + 3 * 3600.0]
    neighbour = Life(home="h-2").live([Day() for _ in range(NORMAL + 2)])  # time goes on
    engine = Engine(EngineConfig(learning_period=7 * DAY))
    for home in ("h-1", "h-2"):
        engine.set_home_tz(home, "Europe/London")
    merged = sorted(kept + neighbour, key=lambda r: r.ts)
    outcome = Outcome(a for a in run(engine, merged, statuses) if a.home == "h-1")
    gateway = [a for a in outcome.of("sensor_health") if a.evidence["subject"] == "gateway"]
    [alert] = [a for a in gateway if lost <= a.detected_at <= lost + 3 * 3600.0]
    assert lost + 29 * MINUTE <= alert.detected_at <= lost + 36 * MINUTE  # checks: 5-minutely
    assert "gateway" in alert.explanation and alert.severity != "high"
