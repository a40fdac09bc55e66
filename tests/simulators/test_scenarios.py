"""Each scenario appears in the labels when asked for, and the readings really show it."""

from collections import Counter
from datetime import timedelta
from itertools import pairwise
from statistics import mean, median

import numpy as np
import pytest

from carewatch.records import LabelRecord
from simulators import SCENARIO_KINDS, HomeSimulation, make_cohort, simulate_home
from simulators.scenarios import plan_home
from tests.simulators.measures import (
    baseline,
    between,
    daily_count,
    daily_sum,
    days_of,
    first_rise,
    heart_in,
    local,
    night_spells,
    out_of_bed_spells,
    sitting_spells,
)

DAYS = 21
PROFILES = make_cohort(6, seed=11)


def run(kind: str, home: int = 0, seed: int = 5, days: int = DAYS) -> HomeSimulation:
    return simulate_home(PROFILES[home], days=days, seed=seed, scenarios=[kind])


def only(sim: HomeSimulation, kind: str) -> list[LabelRecord]:
    labels = [label for label in sim.labels if label.kind == kind]
    assert labels, f"no {kind} label"
    return labels


@pytest.mark.parametrize("home", range(4))
def test_dehydration_drinking_and_voiding_fall_over_days(home: int) -> None:
    sim = run("dehydration", home)
    tz = sim.profile.tz
    (label,) = only(sim, "dehydration")
    days = days_of(label, tz)
    assert 3 <= len(days) <= 5
    litres = daily_sum(sim.readings, tz, "tap-kitchen")
    uses = daily_count(sim.readings, tz, "tap-kitchen")
    toilets = daily_count(sim.readings, tz, "toilet")
    normal_litres = baseline(litres, days[0])
    normal_uses = baseline({d: float(n) for d, n in uses.items()}, days[0])
    normal_toilets = baseline({d: float(n) for d, n in toilets.items()}, days[0])
    # a gradual decline: the last day far below normal, and below the first day
    assert litres[days[-1]] < 0.7 * normal_litres
    assert litres[days[-1]] < litres[days[0]]
    assert uses[days[-1]] < 0.75 * normal_uses
    assert mean(toilets[d] for d in days[-2:]) < normal_toilets
    # and back to normal afterwards
    after = [d for d in litres if d > days[-1]]
    if after:
        assert litres[after[-1]] > 0.7 * normal_litres


def test_hot_day_means_more_drinking_not_less() -> None:
    sim = run("hot_day", home=1)
    tz = sim.profile.tz
    (day,) = days_of(only(sim, "hot_day")[0], tz)
    litres = daily_sum(sim.readings, tz, "tap-kitchen")
    normal = baseline(litres, day)
    assert normal < litres[day] < 1.6 * normal


@pytest.mark.parametrize("home", range(3))
def test_night_wandering_long_spells_through_rooms(home: int) -> None:
    sim = run("night_wandering", home)
    tz = sim.profile.tz
    labels = only(sim, "night_wandering")
    for label in labels:
        assert 30 * 60 <= label.end - label.start <= 2.5 * 3600
        assert 0 <= local(label.start, tz).hour < 5
        rooms = {r.sensor for r in between(sim.readings, label.start, label.end, kinds={"motion"})}
        assert len(rooms) >= 3
    # ordinary nights: only short toilet trips
    ordinary = [
        b - a
        for a, b in night_spells(sim.readings, tz)
        if not any(label.start - 60 <= a <= label.end for label in labels)
    ]
    assert ordinary and max(ordinary) < 20 * 60
    assert sum(label.end - label.start for label in labels) > 2 * max(ordinary)


def test_night_wandering_sometimes_opens_the_front_door() -> None:
    opened = 0
    for seed in range(8):
        sim = run("night_wandering", home=seed % 6, seed=seed)
        for label in only(sim, "night_wandering"):
            doors = between(sim.readings, label.start, label.end, kinds={"door"})
            assert [r.value for r in doors] in ([], [1.0, 0.0])
            opened += bool(doors)
    assert opened >= 1


@pytest.mark.parametrize("home", range(3))
def test_stress_raises_heart_rate_while_sitting(home: int) -> None:
    sim = run("stress", home)
    (label,) = only(sim, "stress")
    assert 20 * 60 <= label.end - label.start <= 60 * 60
    sits = sitting_spells(sim.readings)
    assert any(a <= label.start and label.end <= b for a, b in sits), "not sitting throughout"
    # skip the heart's first minutes of climbing
    stressed = heart_in(sim.readings, [(label.start + 180, label.end)])
    calm = heart_in(sim.readings, [s for s in sits if s[1] < label.start or s[0] > label.end])
    assert mean(stressed) > median(calm) + 15


def test_cold_raises_resting_heart_rate_a_little_and_sleep_lengthens() -> None:
    longer = []
    for home in range(3):
        sim = run("cold", home=home)
        tz = sim.profile.tz
        days = set(days_of(only(sim, "cold")[0], tz))
        sleeping = [(a, b) for a, b in _in_bed(sim) if local(b, tz).date() in days]
        normal = [(a, b) for a, b in _in_bed(sim) if local(b, tz).date() not in days]
        rise = median(heart_in(sim.readings, sleeping)) - median(heart_in(sim.readings, normal))
        assert 2 <= rise <= 9  # well below a stress episode's rise
        longer.append(mean(b - a for a, b in sleeping) - mean(b - a for a, b in normal))
    assert mean(longer) > 20 * 60


def _in_bed(sim: HomeSimulation) -> list[tuple[float, float]]:
    """(got into bed, got up in the morning) pairs: nights, split at no toilet trip."""
    nights, went = [], None
    for r in sim.readings:
        if r.sensor == "bed":
            hour = local(r.ts, sim.profile.tz).hour
            if r.value == 1.0 and hour >= 20:
                went = r.ts
            elif r.value == 0.0 and 5 <= hour < 13 and went is not None:
                nights.append((went, r.ts))
                went = None
    return nights


def _inactivity(variant: str) -> tuple[HomeSimulation, LabelRecord]:
    for seed in range(20):
        sim = run("inactivity", home=seed % 6, seed=seed)
        label = only(sim, "inactivity")[0]
        if label.detail == variant:
            return sim, label
    raise AssertionError(f"no {variant} inactivity in 20 seeds")


def test_inactivity_not_up_by_the_usual_time() -> None:
    sim, label = _inactivity("late_wake")
    tz = sim.profile.tz
    rises = first_rise(sim.readings, tz)
    day = local(label.end, tz).date()
    usual = median(hour for d, hour in rises.items() if d != day)
    assert rises[day] > usual + 2
    # nothing but the heart between the usual time and getting up
    assert not between(sim.readings, label.start, label.end - 1, kinds={"bed", "motion", "tap"})


def test_inactivity_long_silence_in_the_day() -> None:
    sim, label = _inactivity("silence")
    assert label.end - label.start >= 3 * 3600
    assert 8 <= local(label.start, sim.profile.tz).hour <= 20
    inside = between(sim.readings, label.start + 1, label.end - 1)
    assert inside and {r.kind.value for r in inside} == {"heart_rate"}


def test_day_out_empty_house_between_two_door_openings() -> None:
    sim = run("day_out", home=3)
    label = only(sim, "day_out")[0]
    assert label.end - label.start >= 3 * 3600
    inside = between(sim.readings, label.start, label.end + 1)
    doors = [r for r in inside if r.kind == "door"]
    assert [r.value for r in doors] == [1.0, 0.0, 1.0, 0.0]
    # between closing the door behind them and opening it on return: nothing at all,
    # not even the heart (the wearable is out of the gateway's range)
    assert between(sim.readings, doors[1].ts + 0.001, doors[2].ts) == []


def test_visitor_brings_extra_movement_and_a_door() -> None:
    sim = run("visitor", home=4)
    label = only(sim, "visitor")[0]
    inside = between(sim.readings, label.start, label.end + 1)
    assert [r.value for r in inside if r.kind == "door"] == [1.0, 0.0, 1.0, 0.0]
    minutes = (label.end - label.start) / 60
    lounge = sum(r.sensor == "motion-lounge" for r in inside) / minutes
    sits = sitting_spells(sim.readings)
    alone = sum(b - a for a, b in sits if b < label.start) / 60
    alone_lounge = sum(
        len(between(sim.readings, a, b, kinds={"motion"})) for a, b in sits if b < label.start
    )
    assert lounge > 3 * alone_lounge / alone


def test_confounders_happen_in_ordinary_life_unasked() -> None:
    kinds: Counter[str] = Counter()
    for home in range(6):
        sim = simulate_home(PROFILES[home], days=30, seed=3)
        kinds.update(label.kind for label in sim.labels)
    assert {"day_out", "visitor"} <= set(kinds)
    assert not set(kinds) & {"dehydration", "night_wandering", "stress", "inactivity"}


def test_normal_nights_have_toilet_trips() -> None:
    sim = simulate_home(PROFILES[5], days=14, seed=2)
    trips = out_of_bed_spells(sim.readings)
    night = [(a, b) for a, b in trips if local(a, sim.profile.tz).hour < 5]
    assert len(night) >= 3
    assert all(between(sim.readings, a, b, kinds={"toilet"}) for a, b in night)


@pytest.mark.parametrize("kind", SCENARIO_KINDS)
def test_every_kind_is_labelled_whenever_asked(kind: str) -> None:
    for seed in range(6):
        for days in (1, 4, 12):
            sim = simulate_home(PROFILES[seed], days=days, seed=seed, scenarios=[kind])
            mine = [label for label in sim.labels if label.kind == kind]
            assert mine, f"{kind} missing (seed {seed}, {days} days)"
            first, last = sim.trace.arrival.min(), sim.trace.arrival.max()
            assert all(first - 86400 <= x.start <= x.end <= last + 86400 for x in mine)


def test_dehydration_stands_apart_from_ordinary_and_hot_days() -> None:
    """Two-day means of kitchen litres, relative to the week before: no overlap."""
    dehydrated, hot, ordinary = [], [], []
    for i, profile in enumerate(make_cohort(12, seed=7)):
        sim = simulate_home(profile, days=30, seed=i, scenarios=["dehydration", "hot_day"])
        tz = profile.tz
        litres = daily_sum(sim.readings, tz, "tap-kitchen")
        labelled = {d: x.kind for x in sim.labels for d in days_of(x, tz)}
        days = sorted(litres)
        for day, after in pairwise(days[8:]):
            ratio = (litres[day] + litres[after]) / 2 / baseline(litres, day)
            kinds = {labelled.get(day), labelled.get(after)}
            if kinds == {None}:
                ordinary.append(ratio)
            elif kinds == {"dehydration"} and labelled.get(after + timedelta(days=1)) is None:
                start = day  # the last two days of the decline, against the week before it
                while labelled.get(start - timedelta(days=1)) == "dehydration":
                    start -= timedelta(days=1)
                dehydrated.append((litres[day] + litres[after]) / 2 / baseline(litres, start))
        for d, kind in labelled.items():
            if kind == "hot_day" and d in litres and d > days[7]:
                hot.append(litres[d] / baseline(litres, d))
    assert len(dehydrated) >= 10 and len(ordinary) > 100 and hot
    assert max(dehydrated) < min(ordinary)  # no overlap
    assert median(dehydrated) < 0.55 < 0.75 < min(ordinary)
    assert min(hot) > 1.0


@pytest.mark.parametrize("days", [30, 60])
def test_episodes_wait_for_the_detectors_default_learning_period(days: int) -> None:
    # a cohort replayed on the defaults (14 days' learning) has every episode judged
    for seed in range(20):
        plan = plan_home(days, SCENARIO_KINDS, np.random.default_rng(seed))
        alerts = [
            d
            for d, day in enumerate(plan.days)
            if day.drink < 1.0 or day.wander_night or day.stress or day.inactivity
        ]
        assert alerts and min(alerts) >= 15, (seed, alerts)
        assert min(fault.day for fault in plan.faults) >= 15, (seed, plan.faults)
