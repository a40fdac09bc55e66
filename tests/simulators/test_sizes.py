"""Small alert episodes mixed with large ones in realistic homes, their size in ``detail``."""

from itertools import pairwise
from statistics import mean

import msgspec

from carewatch.protocol.kinds import Kind
from carewatch.records import LabelRecord
from simulators import make_cohort, simulate_home
from simulators.home import HomeSimulation
from tests.simulators.measures import baseline, daily_sum, days_of


def _episodes(kind: str, seeds: range) -> list[tuple[HomeSimulation, LabelRecord]]:
    found = []
    for seed in seeds:
        base = make_cohort(1, seed=seed)[0]
        profile = msgspec.structs.replace(base, population="realistic")
        sim = simulate_home(profile, days=24, seed=seed, scenarios=[kind])
        found.extend((sim, label) for label in sim.labels if label.kind == kind)
    return found


def _size(label: LabelRecord) -> str:
    assert label.detail is not None and label.detail.startswith("size=")
    return label.detail.split()[0].removeprefix("size=")


def test_stress_is_small_8_to_15_bpm_or_large() -> None:
    sizes = set()
    for sim, label in _episodes("stress", range(8)):
        hr = [(r.ts, r.value) for r in sim.readings if r.kind is Kind.HEART_RATE]
        before = mean(v for t, v in hr if label.start - 600 <= t < label.start)
        during = mean(v for t, v in hr if label.start + 300 <= t < label.end)
        size = _size(label)
        sizes.add(size)
        rise = during - before
        assert (4 <= rise <= 19) if size == "small" else rise >= 15, (size, rise)
    assert sizes == {"small", "large"}


def test_night_spells_are_about_twenty_minutes_or_long() -> None:
    sizes = set()
    for _, label in _episodes("night_wandering", range(8)):
        minutes = (label.end - label.start) / 60
        size = _size(label)
        sizes.add(size)
        # (the clocks going forward shorten one spell by an hour's worth at most)
        assert (minutes <= 30) if size == "small" else minutes >= 30, (size, minutes)
    assert sizes == {"small", "large"}


def test_a_small_decline_in_drinking_ends_near_three_quarters() -> None:
    sizes = set()
    for sim, label in _episodes("dehydration", range(8)):
        tz = sim.profile.tz
        litres = daily_sum(sim.readings, tz, "tap-kitchen")
        days = days_of(label, tz)
        last = litres[days[-1]] / baseline(litres, days[0])  # the last day of the decline
        size = _size(label)
        sizes.add(size)
        lowest = float(label.detail.split("lowest=")[1]) if label.detail else 0.0
        assert (0.7 <= lowest <= 0.8) if size == "small" else 0.4 <= lowest <= 0.6
        assert (0.5 <= last <= 1.05) if size == "small" else last <= 0.7, (size, last)
    assert sizes == {"small", "large"}


def test_a_classic_home_keeps_large_episodes_without_a_size() -> None:
    profile = make_cohort(1, seed=3)[0]
    sim = simulate_home(profile, days=24, seed=3, scenarios=["stress", "night_wandering"])
    for label in sim.labels:
        if label.kind == "stress":
            assert label.detail is not None and label.detail.startswith("rise_bpm=")
        if label.kind == "night_wandering":
            assert label.detail is None and label.end - label.start >= 30 * 60


def test_a_sleepless_night_is_spent_in_the_chair_soon_after_going_to_bed() -> None:
    sleepless = 0
    for sim, label in _episodes("night_wandering", range(16)):
        if label.detail is None or "where=chair" not in label.detail:
            continue
        sleepless += 1
        bed_in = max(
            r.ts
            for r in sim.readings
            if r.sensor == "bed" and r.value == 1.0 and r.ts < label.start
        )
        assert label.start - bed_in < 60 * 60  # a short first sleep
        chair = sorted((r.ts, r.value) for r in sim.readings if r.sensor == "chair")
        sat = sum(
            min(b, label.end) - max(a, label.start)
            for (a, va), (b, _) in pairwise(chair)
            if va == 1.0 and a < label.end and b > label.start
        )
        assert sat >= 0.6 * (label.end - label.start)
    assert sleepless >= 2
