"""Dehydration on hand-built days: drinking since yesterday against the resident's usual."""

import random

import pytest

from carewatch.records import ReadingRecord
from detectors.dehydration import Dehydration, Kept
from detectors.drinking_days import Found, WholeDays
from detectors.hours import ACTIVITY, FIRST_TAP, SEEN, HourRing
from tests.detectors.helpers import replay
from tests.detectors.life import Day, Life

NORMAL = 9  # routine days before anything happens (the tests' learning period is 7 days)
USUAL = Day()  # 8 drinks and two meals: 16 kitchen-tap uses, about 6 L a day


def days_with(*special: Day, before: int = NORMAL, after: int = 2) -> list[Day]:
    return [Day() for _ in range(before)] + list(special) + [Day() for _ in range(after)]


def test_drinking_falling_alerts_on_the_evening_of_the_second_low_day() -> None:
    # Uses and litres at about 80 % of usual, then 70 %, then 60 %.
    decline = [Day(drinks=5, drink_litres=0.18), Day(drinks=3, drink_litres=0.12)]
    life = Life()
    outcome = replay(life.live(days_with(*decline, Day(drinks=2, drink_litres=0.1))))
    [alert] = outcome.of("dehydration")
    # Not on the first low day (a fifth down can be an ordinary day), but within the second.
    assert life.at(NORMAL + 1, 8.0) < alert.detected_at <= life.at(NORMAL + 2, 1.0)
    assert alert.start == life.at(NORMAL, 0.0)  # the window opens at midnight yesterday
    assert "Less water drawn from the tap than usual since yesterday" in alert.explanation
    assert "00:00" not in alert.explanation  # the end of the day reads "to midnight"
    evidence = alert.evidence
    assert evidence["tap_uses_yesterday"] == 5 + 2 * 4  # drinks, and each meal's four draws
    assert 15.0 <= float(evidence["tap_uses_yesterday_usual"]) <= 17.0  # type: ignore[arg-type]
    assert float(evidence["shortfall_sd"]) >= float(evidence["shortfall_sd_alert_above"])  # type: ignore[arg-type]
    assert float(evidence["index"]) < 0.85  # type: ignore[arg-type]
    assert outcome.kinds() == ["dehydration"]


def test_one_day_drinking_a_little_less_is_no_alert() -> None:
    outcome = replay(Life().live(days_with(Day(drinks=6, drink_litres=0.22))))
    assert outcome.alerts == []


def test_going_out_as_lunch_is_due_is_no_alert() -> None:
    # Two days running they leave at 12:27 and eat both meals out: the hour at home
    # when lunch is usually made looks dry, and today's drinking moved with the outing.
    out = Day(out=(12.45, 20.0))
    outcome = replay(Life().live(days_with(out, out)))
    assert outcome.of("dehydration") == []


def test_a_dead_kitchen_tap_is_not_taken_for_a_resident_who_stopped_drinking() -> None:
    life = Life()
    readings = life.live(days_with())
    dead = (life.at(NORMAL, 9.0), life.at(NORMAL + 1, 15.0))
    alive = [r for r in readings if not (r.sensor == "tap-kitchen" and dead[0] <= r.ts < dead[1])]
    assert len(alive) < len(readings) - 20
    assert replay(alive).of("dehydration") == []


def test_the_last_hours_count_as_drunk_but_are_not_yet_expected() -> None:
    detector = Dehydration()
    usual = detector.profiles[FIRST_TAP - 4].values  # tap 1 uses, by local hour
    usual[:] = [1.0] * 24
    ring = HourRing(96)
    for hour in range(30):  # local hour = UTC hour: a day and six hours
        ring.open(hour, hour % 24)
        slot = ring.slot(hour)
        assert slot is not None
        slot[SEEN] = slot[ACTIVITY] = 1.0
        slot[FIRST_TAP] = 1.0
    window = detector._window(ring, 29, lag=2, signals=[1], uses=[1])
    assert window.hours == [24, 6]  # yesterday from its midnight, and today
    assert window.total(1) == (30.0, 28.0)


def test_the_hand_built_usual_day_is_what_these_tests_assume() -> None:
    readings: list[ReadingRecord] = Life().live([USUAL])
    assert sum(r.sensor == "tap-kitchen" for r in readings) == USUAL.drinks + 2 * 4


def test_a_long_decline_is_one_episode_though_each_meal_lifts_the_index() -> None:
    low = [Day(drinks=5, drink_litres=0.18), Day(drinks=3, drink_litres=0.12)]
    low += [Day(drinks=2, drink_litres=0.1) for _ in range(4)]
    outcome = replay(Life().live(days_with(*low)))
    assert len(outcome.of("dehydration")) == 1


def _fields(kept: Kept) -> tuple[list[list[float]], list[list[float]], bool]:
    return kept.today, kept.yesterday, kept.away


def test_the_window_carried_from_hour_to_hour_is_the_one_walked_afresh() -> None:
    # Five days, local hours with a repeated and a skipped hour (clock changes), hours
    # out and unheard, and late readings marking hours already judged.
    rng = random.Random(5)
    ring = HourRing(96)
    carried: Kept | None = None
    local, went_on = 20, 0
    for hour in range(1000, 1120):
        local = (local + rng.choice([1] * 30 + [0, 2])) % 24
        ring.open(hour, local)
        slot = ring.slot(hour)
        assert slot is not None
        slot[SEEN] = float(rng.random() < 0.95)
        slot[ACTIVITY] = float(rng.random() < 0.8)
        if rng.random() < 0.1:  # backfill: a past hour heard from, or the resident seen
            ring.add(hour - rng.randrange(1, 60), rng.choice([SEEN, ACTIVITY]))
        fresh = Kept.walk(ring, hour)
        following = carried.next(ring, hour) if carried is not None else None
        carried = following or fresh
        went_on += following is not None
        assert _fields(carried) == _fields(fresh)
        assert carried.recent(ring, 2) == fresh.recent(ring, 2)
    assert ring.edits > 0 and went_on > 80  # mostly carried on, walked again after edits


USUAL_DAY = [16.0, 6.0]  # usual tap uses (signal 1) and litres (signal 2) a day


def _days(*shares: float, hours: int = 24) -> WholeDays:
    """Whole days drinking these shares of a usual 16 tap uses and 6 L."""
    days = WholeDays()
    for share in shares:
        days.add({1: (16.0 * share, 16.0), 2: (6.0 * share, 6.0)}, hours)
    return days


def _judge(days: WholeDays, z: float, ratio: float = 0.85) -> Found | None:
    detector = Dehydration()  # a fresh spread of 0.21
    return days.short(
        lambda totals: detector._shortfall(totals, [1, 2], USUAL_DAY), z, ratio, [1, 2]
    )


def test_whole_days_each_within_the_ordinary_add_up_to_a_shortfall() -> None:
    # A fresh spread of 0.21: a day at 70 % is 1.4 spreads short; two days together are
    # 2.0 spreads x sqrt(2), three 2.45 x sqrt(3).
    assert round(Dehydration().spread.sd(), 2) == 0.21
    three = _days(0.7, 0.7, 0.7)
    assert _judge(three, z=2.5) is None
    found = _judge(three, z=2.2)
    assert found is not None and found.days == 3 and round(found.value, 2) == 0.7
    shorter = _judge(three, z=1.9)
    assert shorter is not None and shorter.days == 2  # the shorter span is tried first


def test_whole_days_with_time_out_or_near_usual_are_not_a_shortfall() -> None:
    out = _days(0.7, 0.7, 0.7)
    out.add({1: (11.2, 16.0), 2: (4.2, 6.0)}, hours=16)  # out 8 hours today
    assert _judge(out, z=0.5) is None
    assert _judge(_days(0.9, 0.9, 0.9), z=0.5) is None  # short, but not below 85 %


def test_a_slow_decline_over_whole_days_is_told_day_by_day() -> None:
    # About 87 %, 81 % and 78 % of usual: found at a midnight, over the whole days.
    decline = [
        Day(drinks=6, drink_litres=0.2),
        Day(drinks=5, drink_litres=0.2),
        Day(drinks=5, drink_litres=0.18),
    ]
    # the rule since yesterday is switched off: these days are judged whole
    outcome = replay(Life().live(days_with(*decline, after=1)), dehydration_z=9.0)
    [alert] = outcome.of("dehydration")
    evidence = alert.evidence
    k = int(evidence["days_judged"])  # type: ignore[arg-type]
    assert k in (2, 3)
    assert f"over the last {k} whole days at home" in alert.explanation
    # the words say the evidence's own numbers
    uses, litres = int(evidence["tap_uses"]), float(evidence["tap_litres"])  # type: ignore[arg-type]
    assert f"used {uses} times ({litres:.1f} L)" in alert.explanation
    share = round(litres, 1) / round(float(evidence["tap_litres_usual"]), 1)  # type: ignore[arg-type]
    assert f"{share:.0%} of their usual" in alert.explanation
    assert alert.detected_at - alert.start == pytest.approx(k * 86400, abs=3 * 3600)
