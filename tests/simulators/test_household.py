"""Days away, guests who stay the night, pets, a second occupant: each labelled, as described."""

from itertools import pairwise

import msgspec
import numpy as np

from carewatch.protocol.kinds import Kind
from carewatch.records import LabelRecord, ReadingRecord
from simulators import make_cohort, simulate_home
from simulators.home import HomeSimulation
from simulators.profiles import HomeProfile
from simulators.scenarios import plan_home
from tests.simulators.measures import local


def _realistic(seed: int, **changes: object) -> HomeProfile:
    base = make_cohort(1, seed=seed)[0]
    return msgspec.structs.replace(base, population="realistic", **changes)


def _only(sim: HomeSimulation, kind: str) -> LabelRecord:
    found = [label for label in sim.labels if label.kind == kind]
    assert len(found) == 1, [label.kind for label in sim.labels]
    return found[0]


def test_days_away_leave_the_home_silent_and_door_marks_both_ends() -> None:
    profile = _realistic(21)
    sim = simulate_home(profile, days=30, seed=21, scenarios=["away"])
    away = _only(sim, "away")
    assert away.end - away.start >= 24 * 3600
    assert not [r for r in sim.readings if away.start < r.ts < away.end]
    door = [r.ts for r in sim.readings if r.kind is Kind.DOOR]
    assert min(abs(t - away.start) for t in door) < 60
    assert min(abs(t - away.end) for t in door) < 60


def test_days_away_without_a_door_sensor_are_just_silence() -> None:
    full = _realistic(22)
    kit = {s: k for s, k in full.sensors.items() if k != Kind.DOOR.value}
    sim = simulate_home(
        msgspec.structs.replace(full, sensors=kit), days=30, seed=22, scenarios=["away"]
    )
    away = _only(sim, "away")
    assert not [r for r in sim.readings if away.start < r.ts < away.end]
    assert not [r for r in sim.readings if r.kind is Kind.DOOR]


def test_absences_are_weekends_or_whole_weeks() -> None:
    spans = set()
    for seed in range(30):
        days = plan_home(40, ("away",), np.random.default_rng(seed), realistic=True).days
        for first, day in enumerate(days):
            if day.away == "leave":
                back = next(i for i in range(first, len(days)) if days[i].away == "back")
                spans.add(back - first + 1)
    assert spans == {2, 3, 7}


def _in_bed(readings: list[ReadingRecord]) -> list[tuple[float, float]]:
    bed = sorted((r.ts, r.value) for r in readings if r.sensor == "bed")
    return [(a, b) for (a, va), (b, vb) in pairwise(bed) if va == 1.0 and vb == 0.0]


def _flushes_while_in_bed(sim: HomeSimulation) -> list[float]:
    """Toilet flushes while the resident lies in bed (well inside a stretch in bed)."""
    stretches = _in_bed(sim.readings)
    return [
        r.ts
        for r in sim.readings
        if r.kind is Kind.TOILET and any(a + 300 < r.ts < b - 300 for a, b in stretches)
    ]


def test_an_overnight_guest_uses_the_toilet_while_the_resident_sleeps() -> None:
    guests_at_night = 0
    for seed in range(23, 27):
        profile = _realistic(seed)
        sim = simulate_home(profile, days=25, seed=seed, scenarios=["visitor_overnight"])
        stay = _only(sim, "visitor_overnight")
        assert 12 * 3600 < stay.end - stay.start < 24 * 3600
        assert local(stay.start, profile.tz).date() < local(stay.end, profile.tz).date()
        assert all(stay.start < t < stay.end for t in _flushes_while_in_bed(sim))
        guests_at_night += len(_flushes_while_in_bed(sim))
        assert not _flushes_while_in_bed(simulate_home(profile, days=25, seed=seed))
    assert guests_at_night >= 2


def test_a_second_occupant_flushes_and_moves_about_on_their_own() -> None:
    profile = _realistic(24, second_occupant=True)
    sim = simulate_home(profile, days=10, seed=24)
    label = _only(sim, "second_occupant")
    assert label.end - label.start >= 9 * 86400
    assert len(_flushes_while_in_bed(sim)) >= 3
    alone = simulate_home(msgspec.structs.replace(profile, second_occupant=False), days=10, seed=24)
    assert not _flushes_while_in_bed(alone)
    assert not any(label.kind == "second_occupant" for label in alone.labels)


def _night_motion_away_from_the_bedroom(sim: HomeSimulation) -> int:
    stretches = _in_bed(sim.readings)
    return sum(
        1
        for r in sim.readings
        if r.kind is Kind.MOTION
        and r.sensor != "motion-bedroom"
        and any(a + 600 < r.ts < b - 600 for a, b in stretches)
    )


def test_a_pet_sets_off_motion_sensors_at_night_and_is_labelled() -> None:
    profile = _realistic(25, pet=True)
    sim = simulate_home(profile, days=10, seed=25)
    label = _only(sim, "pet")
    assert label.start <= sim.readings[0].ts and label.end >= sim.readings[-1].ts - 3600
    assert _night_motion_away_from_the_bedroom(sim) >= 10
    alone = simulate_home(msgspec.structs.replace(profile, pet=False), days=10, seed=25)
    assert _night_motion_away_from_the_bedroom(alone) == 0


def test_others_in_the_home_stay_out_of_a_labelled_silence() -> None:
    profile = _realistic(26, pet=True, second_occupant=True)
    for seed in range(6):
        sim = simulate_home(profile, days=20, seed=seed, scenarios=["inactivity", "away"])
        for label in sim.labels:
            if label.kind == "away" or label.detail == "silence":
                inside = [r for r in sim.readings if label.start < r.ts < label.end]
                assert all(r.kind is Kind.HEART_RATE for r in inside), label


def test_in_a_cohort_with_every_scenario_days_away_stay_silent() -> None:
    from simulators import SCENARIO_KINDS, simulate_cohort

    cohort = simulate_cohort(
        make_cohort(24, seed=10, population="realistic"),
        days=45,
        seed=10,
        scenarios=SCENARIO_KINDS,
    )
    aways = 0
    for home in cohort.homes:
        for label in home.labels:
            if label.kind == "away":
                aways += 1
                assert not [r for r in home.readings if label.start < r.ts < label.end], label
    assert aways >= 8
