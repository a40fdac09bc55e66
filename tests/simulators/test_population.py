"""The realistic population: sleep patterns, naps, partial kits, shares as documented."""

from itertools import pairwise
from pathlib import Path
from statistics import median

import msgspec
import numpy as np
import pytest

from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from detectors.cli import load_homes
from simulators import make_cohort, simulate_cohort, simulate_home
from simulators.output import write_simulation
from simulators.population import (
    KIT,
    NAPS,
    PET_SHARE,
    SECOND_OCCUPANT_SHARE,
    SLEEP_RANGES,
    SLEEPERS,
)
from simulators.profiles import HomeProfile
from tests.simulators.measures import local

COHORT = make_cohort(600, seed=11, population="realistic")


def _near(count: int, share: float, n: int) -> bool:
    """Within 4 binomial standard deviations of ``share`` of ``n``."""
    return abs(count - share * n) <= 4 * np.sqrt(n * share * (1 - share)) + 1


def test_a_realistic_cohort_draws_the_documented_shares() -> None:
    n = len(COHORT)
    for sleeper, share in SLEEPERS.items():
        assert _near(sum(p.sleeper == sleeper for p in COHORT), share, n), sleeper
    for nap, share in NAPS.items():
        assert _near(sum(p.nap == nap for p in COHORT), share, n), nap
    for kind, share in KIT.items():
        has = sum(kind in p.sensors.values() for p in COHORT)
        assert _near(has, share, n), kind
    assert _near(sum(p.pet for p in COHORT), PET_SHARE, n)
    assert _near(sum(p.second_occupant for p in COHORT), SECOND_OCCUPANT_SHARE, n)
    for p in COHORT:
        for name, (low, high) in SLEEP_RANGES.get(p.sleeper, {}).items():
            assert low <= getattr(p, name) <= high, (p.home, name)


def test_the_classic_cohort_is_unchanged_by_the_realistic_one() -> None:
    classic = make_cohort(5, seed=11)
    assert all(p.population == "classic" and len(p.sensors) == 12 for p in classic)
    assert [p.resting_hr for p in classic] == [p.resting_hr for p in COHORT[:5]]


def _nights(readings: list[ReadingRecord], longer_than_h: float = 3.0) -> list[tuple[float, float]]:
    """(into bed, out of bed) stretches of the bed mat at least ``longer_than_h`` long."""
    bed = sorted((r.ts, r.value) for r in readings if r.sensor == "bed")
    return [
        (a, b)
        for (a, va), (b, vb) in pairwise(bed)
        if va == 1.0 and vb == 0.0 and b - a >= longer_than_h * 3600
    ]


def _sleep_centre_h(profile: HomeProfile) -> float:
    """Median local hour of the middle of the nights, counted from noon (12-36: 29 is 05:00)."""
    sim = simulate_home(profile, days=10, seed=3)
    hours = []
    for a, b in _nights(sim.readings):
        mid = local((a + b) / 2, profile.tz)
        hours.append((mid.hour + mid.minute / 60 - 12) % 24 + 12)
    return median(hours)


def test_a_late_riser_sleeps_from_about_two_to_half_past_ten() -> None:
    base = make_cohort(1, seed=2)[0]
    late = msgspec.structs.replace(
        base, population="realistic", sleeper="late", wake_h=10.5, bed_h=25.8
    )
    assert _sleep_centre_h(late) > 24 + 5.0
    assert _sleep_centre_h(base) < 24 + 5.0  # the same home, usual hours


def test_an_early_bird_sleeps_earlier_than_the_usual_resident() -> None:
    base = make_cohort(1, seed=4)[0]
    early = msgspec.structs.replace(base, sleeper="early", wake_h=5.3, bed_h=20.8)
    assert _sleep_centre_h(early) < _sleep_centre_h(base) - 1.0


def _afternoon_bed(readings: list[ReadingRecord], tz: str) -> int:
    return sum(
        1
        for r in readings
        if r.sensor == "bed" and r.value == 1.0 and 12 <= local(r.ts, tz).hour < 18
    )


def test_an_afternoon_sleeper_lies_down_in_the_afternoon() -> None:
    base = make_cohort(1, seed=6)[0]
    napper = msgspec.structs.replace(base, nap="bed", nap_h=14.0, nap_min=90.0, nap_chance=0.8)
    assert _afternoon_bed(simulate_home(napper, days=10, seed=1).readings, base.tz) >= 5
    assert _afternoon_bed(simulate_home(base, days=10, seed=1).readings, base.tz) == 0


def test_a_chair_nap_is_sleep_on_the_heart_rate() -> None:
    base = make_cohort(1, seed=8)[0]
    napper = msgspec.structs.replace(base, nap="chair", nap_h=14.5, nap_min=60.0, nap_chance=1.0)

    def lowest_afternoon_hour(profile: HomeProfile) -> float:
        sim = simulate_home(profile, days=6, seed=2)
        hr = [(r.ts, r.value) for r in sim.readings if r.kind is Kind.HEART_RATE]
        means = []
        for i in range(len(hr) - 30):
            if 13 <= local(hr[i][0], profile.tz).hour < 17:
                means.append(float(np.mean([v for _, v in hr[i : i + 30]])))
        return min(means)

    dip = lowest_afternoon_hour(base) - lowest_afternoon_hour(napper)
    assert dip >= base.sleep_dip / 2


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_a_home_without_a_kind_has_no_readings_of_it(kind: str) -> None:
    base = make_cohort(1, seed=9)[0]
    kit = {sensor: k for sensor, k in base.sensors.items() if k != kind}
    partial = msgspec.structs.replace(base, population="realistic", sensors=kit)
    sim = simulate_home(partial, days=3, seed=9, scenarios=["stress", "sensor_dead"])
    kinds = {r.kind.value for r in sim.readings}
    assert kind not in kinds
    assert kinds == set(kit.values())
    assert [label.kind for label in sim.labels if label.kind == "stress"] == ["stress"]


def test_homes_json_says_each_kit_and_replay_still_reads_it(tmp_path: Path) -> None:
    profiles = COHORT[:8]
    cohort = simulate_cohort(profiles, days=1, seed=2)
    write_simulation(cohort, tmp_path, malformed=False)
    raw = msgspec.json.decode((tmp_path / "homes.json").read_bytes())
    assert [entry["sensors"] for entry in raw] == [p.sensors for p in profiles]
    assert any(len(entry["sensors"]) < 12 for entry in raw)
    assert load_homes(tmp_path / "homes.json") == {p.home: p.tz for p in profiles}
    seen: dict[str, set[str]] = {}
    for home in cohort.homes:
        seen[home.profile.home] = {r.sensor for r in home.readings}
    assert all(seen[p.home] <= set(p.sensors) for p in profiles)


def test_an_old_homes_json_still_decodes_as_classic() -> None:
    old = msgspec.json.encode(make_cohort(2, seed=1))
    assert b"population" not in old and b"sleeper" not in old
    profiles = msgspec.json.decode(old, type=list[HomeProfile])
    assert all(p.population == "classic" and p.nap == "none" for p in profiles)


def test_the_gateway_source_names_a_bad_population() -> None:
    from carewatch.errors import ConfigError
    from gateway.sources.base import SourceContext
    from simulators.gateway_source import build

    with pytest.raises(ConfigError, match="population"):
        build({"population": "mixed"}, SourceContext("home-1", "gw-1", "UTC"))


def _night_trip_minutes(profile: HomeProfile) -> float:
    """Median minutes out of bed on night trips (those with a flush) of a 10-day run."""
    sim = simulate_home(profile, days=10, seed=5)
    bed = sorted((r.ts, r.value) for r in sim.readings if r.sensor == "bed")
    flushes = [r.ts for r in sim.readings if r.kind is Kind.TOILET]
    trips = [
        (b - a) / 60
        for (a, va), (b, vb) in pairwise(bed)
        if va == 0.0
        and vb == 1.0
        and b - a < 3600
        and any(a < f < b for f in flushes)
        and not 7 <= local(a, profile.tz).hour < 22
    ]
    return median(trips)


def test_realistic_night_toilet_trips_take_their_time() -> None:
    base = make_cohort(1, seed=12)[0]
    slow = msgspec.structs.replace(base, population="realistic", night_trip_min=6.0)
    assert _night_trip_minutes(slow) >= 6.0
    assert _night_trip_minutes(base) < 5.0
    assert all(3.0 <= p.night_trip_min <= 7.0 for p in COHORT)
