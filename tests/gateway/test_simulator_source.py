"""The simulator source replays a virtual home exactly, resumes, and never runs ahead."""

import time
from datetime import date

from carewatch.clock import ManualClock
from gateway.sources.base import SourceContext, load_source
from simulators import make_cohort, simulate_home
from tests.gateway.sinks import RecordingSink

START = date(2025, 3, 3)
OPTIONS = {"home": 2, "seed": 5, "days": 1, "speed": 0, "start": START}


def _expected() -> list[tuple[str, float, float]]:
    sim = simulate_home(make_cohort(2, seed=5)[1], days=1, seed=5, start=START)
    return [(r.sensor, r.ts, r.value) for r in sim.readings]


def _run(context: SourceContext, settle: float = 0.3) -> RecordingSink:
    source = load_source("simulator", OPTIONS, context)
    sink = RecordingSink()
    source.start(sink)
    count = -1
    while count != len(sink.readings):  # until the replay has emitted all it may
        count = len(sink.readings)
        time.sleep(settle)
    source.stop()
    return sink


def test_replays_the_simulated_home_and_resumes_after_a_restart() -> None:
    expected = _expected()
    later = ManualClock(2e9)
    first = _run(SourceContext("home-1", "gw-1", "UTC", clock=later))
    assert [(r.sensor, r.ts, r.value) for r in first.readings] == expected
    half = expected[len(expected) // 2]
    resume: dict[str, float] = {}
    for sensor, ts, _ in expected[: len(expected) // 2]:
        resume[sensor] = ts
    second = _run(SourceContext("home-1", "gw-1", "UTC", clock=later, resume=resume))
    got = [(r.sensor, r.ts, r.value) for r in second.readings]
    assert got[0] == half and got == expected[len(expected) // 2 :]


def test_never_emits_a_reading_measured_after_the_clock() -> None:
    expected = _expected()
    midday = ManualClock(expected[len(expected) // 2][1])
    sink = _run(SourceContext("home-1", "gw-1", "UTC", clock=midday))
    assert 0 < len(sink.readings) < len(expected)
    assert max(r.ts for r in sink.readings) <= midday()
