"""Bed and chair mats that miss part of the night or stick pressed: labelled sensor faults."""

import msgspec

from carewatch.protocol.kinds import Kind
from carewatch.records import LabelRecord, ReadingRecord
from simulators import make_cohort, simulate_home
from simulators.home import HomeSimulation


def _labels(sim: HomeSimulation, kind: str) -> list[LabelRecord]:
    return [label for label in sim.labels if label.kind == kind]


def _state_at(readings: list[ReadingRecord], sensor: str, ts: float) -> float:
    """The mat's state at ``ts``: its last reading before (0 if none)."""
    before = [r for r in readings if r.sensor == sensor and r.ts <= ts]
    return max(before, key=lambda r: r.ts).value if before else 0.0


def test_a_stuck_mat_reads_pressed_throughout_its_label() -> None:
    stuck = 0
    for seed in range(6):
        sim = simulate_home(
            make_cohort(1, seed=seed)[0], days=24, seed=seed, scenarios=["sensor_stuck"]
        )
        for label in _labels(sim, "sensor_stuck"):
            stuck += 1
            assert label.subject in ("bed", "chair") and label.end - label.start >= 86400
            mat = [r for r in sim.readings if r.sensor == label.subject]
            assert _state_at(mat, label.subject, label.start + 1) == 1.0
            assert all(r.value == 1.0 for r in mat if label.start <= r.ts < label.end)
            # the resident still gets up: other sensors say so while the mat does not
            moving = [r for r in sim.readings if label.start < r.ts < label.end]
            assert sum(r.kind is Kind.MOTION for r in moving) > 50
    assert stuck >= 5


def _silent_rises(readings: list[ReadingRecord], start: float, end: float) -> int:
    """Bed 'vacated' readings in [start, end] with no other home sensor within two minutes."""
    others = sorted(r.ts for r in readings if r.sensor != "bed" and r.kind is not Kind.HEART_RATE)
    rises = [
        r.ts for r in readings if r.sensor == "bed" and r.value == 0.0 and start <= r.ts <= end
    ]
    return sum(1 for t in rises if not any(t - 30 <= o <= t + 120 for o in others))


def test_a_mat_that_misses_nights_reads_vacated_while_nobody_moves() -> None:
    profile = make_cohort(1, seed=31)[0]
    sim = simulate_home(profile, days=25, seed=31, scenarios=["sensor_misses"])
    (label,) = _labels(sim, "sensor_misses")
    assert label.subject == "bed"
    missed = _silent_rises(sim.readings, label.start, label.end)
    assert missed >= 2  # several nights
    assert _silent_rises(sim.readings, 0.0, label.start - 1) == 0
    healthy = simulate_home(profile, days=25, seed=31)
    assert _silent_rises(healthy.readings, 0.0, 2e9) == 0


def test_no_mat_no_mat_fault() -> None:
    base = make_cohort(1, seed=32)[0]
    kit = {s: k for s, k in base.sensors.items() if k not in ("bed", "chair")}
    sim = simulate_home(
        msgspec.structs.replace(base, sensors=kit),
        days=25,
        seed=32,
        scenarios=["sensor_misses", "sensor_stuck"],
    )
    assert not _labels(sim, "sensor_misses") and not _labels(sim, "sensor_stuck")
