"""Profiles within the cited ranges, readings within the protocol, seeds, time zones, merging."""

from datetime import date
from statistics import median

import msgspec
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carewatch.clock import ManualClock
from carewatch.protocol import Reading, ReadingsBatch, decode, encode
from carewatch.protocol.kinds import VALUE_RANGES, Kind
from simulators import SCENARIO_KINDS, make_cohort, simulate_cohort, simulate_home
from simulators.profiles import RANGES, HomeProfile, Population
from tests.simulators.measures import first_rise, local, rise_times


def test_profiles_stay_within_the_cited_ranges() -> None:
    cohort = make_cohort(200, seed=4)
    for name, (low, high) in RANGES.items():
        values = [getattr(profile, name) for profile in cohort]
        assert low <= min(values) and max(values) <= high, name
        assert max(values) - min(values) > (high - low) / 2, f"{name} hardly varies"
    daily_drinks = [p.drinks_per_day * p.litres_per_drink for p in cohort]
    assert min(daily_drinks) > 1.0 and max(daily_drinks) < 3.0  # litres of drinks a day
    zones = {profile.tz for profile in cohort}
    with_dst = {z for z in zones if _has_dst(z)}
    assert len(zones) >= 5 and len(with_dst) >= 3
    assert len({p.home for p in cohort}) == 200


def _has_dst(zone: str) -> bool:
    january, july = 1736000000.0, 1752000000.0  # 2025-01-04 and 2025-07-08
    return len({local(ts, zone).utcoffset() for ts in (january, july)}) == 2


def test_profiles_round_trip_through_homes_json() -> None:
    cohort = make_cohort(5, seed=1)
    raw = msgspec.json.encode(cohort)
    assert msgspec.json.decode(raw, type=list[HomeProfile]) == cohort
    assert all({"home", "tz"} <= set(item) for item in msgspec.json.decode(raw))
    with pytest.raises(ValueError, match="at least 1"):
        make_cohort(0, seed=1)


def test_every_reading_decodes_through_the_protocol() -> None:
    profile = make_cohort(1, seed=8)[0]
    sim = simulate_home(profile, days=12, seed=8, scenarios=SCENARIO_KINDS)
    readings = sim.readings
    clock = ManualClock(max(r.ts for r in readings) + 1)
    sensors = profile.sensors
    for i in range(0, len(readings), 1000):
        chunk = readings[i : i + 1000]
        batch = ReadingsBatch(
            gateway=profile.gateway,
            seq=i // 1000,
            sent=chunk[-1].ts,
            readings=[Reading(r.sensor, r.kind, r.ts, r.value, r.resident) for r in chunk],
        )
        decoded = decode(encode(batch), ReadingsBatch, clock=clock)
        assert len(decoded.readings) == len(chunk)
    for r in readings:
        low, high = VALUE_RANGES[r.kind]
        assert low <= r.value <= high
        assert sensors[r.sensor] == r.kind.value
        assert (r.resident is not None) == (r.kind is Kind.HEART_RATE)
    heart = np.array([r.value for r in readings if r.kind is Kind.HEART_RATE])
    assert np.all(heart == np.round(heart))
    assert 45 < np.median(heart) < 95


def test_same_seed_same_home_whatever_the_cohort() -> None:
    profiles = make_cohort(3, seed=2)
    alone = simulate_home(profiles[1], days=3, seed=6, scenarios=["stress"])
    again = simulate_home(profiles[1], days=3, seed=6, scenarios=["stress"])
    other = simulate_home(profiles[1], days=3, seed=7, scenarios=["stress"])
    assert alone.jsonl() == again.jsonl() and alone.labels == again.labels
    assert alone.jsonl() != other.jsonl()
    cohort = simulate_cohort(profiles, days=3, seed=6)
    plain = simulate_home(profiles[1], days=3, seed=6)
    assert cohort.homes[1].jsonl() == plain.jsonl()


def test_cohort_readings_merge_every_home_in_arrival_order() -> None:
    profiles = make_cohort(4, seed=3)
    cohort = simulate_cohort(profiles, days=12, seed=3, scenarios=["gateway_offline"])
    position = {home.profile.home: 0 for home in cohort.homes}
    homes = {home.profile.home: home for home in cohort.homes}
    arrivals = []
    for record in cohort.readings():
        home = homes[record.home]
        k = position[record.home]
        assert record == home.readings[k]
        arrivals.append(home.trace.arrival[k])
        position[record.home] += 1
    assert all(position[name] == len(homes[name].readings) for name in homes)
    assert np.all(np.diff(arrivals) >= 0)
    assert b"".join(cohort.jsonl_chunks()).count(b"\n") == len(arrivals)


def test_residents_keep_local_time_across_daylight_saving() -> None:
    profile = msgspec.structs.replace(make_cohort(1, seed=5)[0], tz="Europe/London")
    sim = simulate_home(profile, days=28, seed=5, start=date(2025, 3, 16))
    rises = first_rise(sim.readings, profile.tz)
    before = [h for d, h in rises.items() if d < date(2025, 3, 30)]
    after = [h for d, h in rises.items() if d > date(2025, 3, 30)]
    assert abs(median(before) - median(after)) < 0.5  # up at the same wall-clock time
    utc = {d: ts % 86400 / 3600 for d, ts in rise_times(sim.readings, profile.tz).items()}
    shift = median(h for d, h in utc.items() if d < date(2025, 3, 30)) - median(
        h for d, h in utc.items() if d > date(2025, 3, 30)
    )
    assert 0.5 < shift < 1.5  # while in UTC they rise an hour earlier after the change


def test_heart_rate_every_second_when_asked() -> None:
    profile = make_cohort(1, seed=1)[0]
    sim = simulate_home(profile, days=1, seed=1, hr_interval=1.0)
    heart = [r.ts for r in sim.readings if r.kind is Kind.HEART_RATE]
    assert len(heart) > 80_000
    assert np.allclose(np.diff(heart)[:100], 1.0)


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"days": 0}, "days"),
        ({"hr_interval": 0.5}, "hr_interval"),
        ({"scenarios": ["flood"]}, "flood"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object], complaint: str) -> None:
    profile = make_cohort(1, seed=1)[0]
    options: dict[str, object] = {"days": 1, "seed": 1, **arguments}
    with pytest.raises(ValueError, match=complaint):
        simulate_home(profile, **options)  # type: ignore[arg-type]


def test_homes_json_with_a_bad_time_zone_is_refused() -> None:
    raw = msgspec.json.encode(make_cohort(1, seed=1)).replace(b'"tz":"', b'"tz":"Mars/')
    with pytest.raises(msgspec.ValidationError, match="IANA"):
        msgspec.json.decode(raw, type=list[HomeProfile])


def test_normal_life_opens_the_front_door_by_day_too() -> None:
    sim = simulate_home(make_cohort(1, seed=6)[0], days=14, seed=6)
    outings = [(x.start, x.end) for x in sim.labels if x.kind in ("day_out", "visitor")]
    ordinary = [
        r
        for r in sim.readings
        if r.kind is Kind.DOOR and not any(a <= r.ts <= b for a, b in outings)
    ]
    assert len(ordinary) >= 4  # the post, the bins: not every door is an outing
    assert all(8 <= local(r.ts, sim.profile.tz).hour < 23 for r in ordinary)


def test_a_cohort_grows_without_changing_its_first_homes() -> None:
    # so "home 3 of seed 1" means the same home in a 5-home and a 100-home run
    assert make_cohort(5, seed=1)[:3] == make_cohort(3, seed=1)


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    days=st.integers(1, 3),
    kinds=st.sets(st.sampled_from(SCENARIO_KINDS), max_size=5),
    interval=st.sampled_from([1.0, 15.0, 60.0]),
    population=st.sampled_from(["classic", "realistic"]),
)
def test_any_seed_gives_valid_readings_and_labels(
    seed: int, days: int, kinds: set[str], interval: float, population: Population
) -> None:
    profile = make_cohort(1, seed=seed, population=population)[0]
    sim = simulate_home(
        profile, days=days, seed=seed, scenarios=sorted(kinds), hr_interval=interval
    )
    assert sim.readings  # building each record checks its value against the protocol
    assert all(label.end >= label.start for label in sim.labels)
    # Days away, guests and rising night visits need free days (the last drawn on what is
    # left); a mat fault needs a mat (and a whole night).
    optional = {"away", "visitor_overnight", "night_toileting", "sensor_misses", "sensor_stuck"}
    assert set(kinds) - optional <= {label.kind for label in sim.labels}
    assert {r.sensor for r in sim.readings} <= set(profile.sensors)
    assert np.all(np.diff(sim.trace.arrival) >= 0)


def test_evenings_are_not_silent_before_bed() -> None:
    """Up and at home in the evening, some home sensor fires at least every 100 minutes."""
    for i, profile in enumerate(make_cohort(4, seed=5)):
        sim = simulate_home(profile, days=8, seed=i)
        events = sorted(
            (r.ts, r.sensor, r.value) for r in sim.readings if r.kind is not Kind.HEART_RATE
        )
        up, last, previous = False, events[0][0], ""
        for ts, sensor, value in events:
            if up and previous != "door-front" and local(ts, profile.tz).hour >= 17:
                assert ts - last < 100 * 60, f"{profile.home}: silent {(ts - last) / 60:.0f} min"
            if sensor == "bed":
                up = value == 0.0
            last, previous = ts, sensor  # (a gap after the front door: they went out)
