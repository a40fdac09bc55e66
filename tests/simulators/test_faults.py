"""Faults of the data path are labelled and really in the readings (or malformed list)."""

from collections import Counter

import numpy as np
import pytest

from carewatch.clock import ManualClock
from carewatch.protocol import ProtocolError, ReadingsBatch, decode
from carewatch.records import LabelRecord
from simulators import HomeSimulation, make_cohort, simulate_home

PROFILES = make_cohort(4, seed=23)


def run(kind: str, home: int = 0, seed: int = 9) -> tuple[HomeSimulation, LabelRecord]:
    sim = simulate_home(PROFILES[home], days=20, seed=seed, scenarios=[kind])
    (label,) = [label for label in sim.labels if label.kind == kind]
    return sim, label


def _sensor(label: LabelRecord) -> str:
    assert label.detail is not None
    return dict(part.split("=") for part in label.detail.split())["sensor"]


@pytest.mark.parametrize("home", range(3))
def test_sensor_dead_goes_silent(home: int) -> None:
    sim, label = run("sensor_dead", home)
    sensor = _sensor(label)
    mine = [r.ts for r in sim.readings if r.sensor == sensor]
    assert any(ts < label.start for ts in mine)
    assert not any(label.start <= ts < label.end for ts in mine)
    # a dead sensor is out for hours at least: a real outage, not a quiet spell
    assert label.end - label.start > 12 * 3600


@pytest.mark.parametrize("home", range(3))
def test_gateway_offline_backfills_late_in_arrival_order(home: int) -> None:
    sim, label = run("gateway_offline", home)
    assert 2 * 3600 <= label.end - label.start <= 8 * 3600
    ts = np.array([r.ts for r in sim.readings])
    measured_in_outage = np.flatnonzero((ts >= label.start) & (ts < label.end))
    assert len(measured_in_outage) > 100  # hours of heart rate at least
    # in file order, every backfilled reading comes after one measured after the outage
    first_after = int(np.flatnonzero(ts >= label.end)[0])
    assert measured_in_outage.min() > first_after
    assert np.all(np.diff(ts[measured_in_outage]) >= 0)  # drained in measured order
    # and nothing measured in the outage is lost
    assert label.detail == f"backfilled={len(measured_in_outage)}"


@pytest.mark.parametrize("home", range(3))
def test_clock_drift_moves_one_sensors_timestamps(home: int) -> None:
    sim, label = run("clock_drift", home)
    sensor = _sensor(label)
    code = sim.sensors.code(sensor)
    rows = sim.trace.sensor == code
    skew = sim.trace.ts[rows] - sim.trace.arrival[rows]  # measured minus true (arrival) time
    inside = (sim.trace.arrival[rows] >= label.start) & (sim.trace.arrival[rows] < label.end)
    assert np.all(np.abs(skew[~inside]) < 1e-6)
    assert np.abs(skew[inside]).max() > 15 * 60  # minutes off by the end
    others = sim.trace.sensor != code
    assert np.all(sim.trace.ts[others] == sim.trace.arrival[others])


@pytest.mark.parametrize("home", range(2))
def test_duplicates_are_identical_readings_again(home: int) -> None:
    sim, label = run("duplicate", home)
    counts = Counter(sim.readings)
    repeated = [r for r, n in counts.items() if n > 1]
    assert repeated
    assert all(counts[r] == 2 for r in repeated)
    assert all(label.start - 60 <= r.ts < label.end for r in repeated)
    assert label.detail == f"copies={len(repeated)}"


def test_malformed_payloads_are_refused_by_the_protocol_and_say_why() -> None:
    reasons = set()
    for home in range(4):
        sim, label = run("malformed", home)
        assert sim.malformed
        assert label.start == sim.malformed[0].ts and label.end == sim.malformed[-1].ts
        for record in sim.malformed:
            assert record.home == sim.profile.home and record.reason
            with pytest.raises(ProtocolError):
                decode(record.payload.encode(), ReadingsBatch, clock=ManualClock(record.ts))
            reasons.add(record.reason)
    assert len(reasons) >= 5


def test_faults_keep_readings_valid_records() -> None:
    sim = simulate_home(
        PROFILES[3],
        days=20,
        seed=4,
        scenarios=["sensor_dead", "gateway_offline", "clock_drift", "duplicate", "malformed"],
    )
    kinds = {label.kind for label in sim.labels}
    assert kinds >= {"sensor_dead", "gateway_offline", "clock_drift", "duplicate", "malformed"}
    assert sim.jsonl().count(b"\n") == len(sim.readings)
