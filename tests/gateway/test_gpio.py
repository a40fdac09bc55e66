"""Flow-meter and pressure-mat logic, fed edge timestamps (no hardware)."""

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carewatch.errors import ConfigError
from carewatch.protocol import Kind
from gateway.sources.base import SourceContext, load_source
from gateway.sources.gpio import FlowMeter, PressureMat

T0 = 1_700_000_000.0


def test_a_tap_use_ends_after_the_idle_time_and_counts_litres() -> None:
    meter = FlowMeter("tap-1", pulses_per_litre=450, idle_s=5)
    for i in range(225):  # half a litre over ~4.5 s, with a 3 s pause in the middle
        meter.pulse(T0 + i * 0.01 + (3 if i >= 100 else 0))
    assert meter.poll(T0 + 6) is None  # pause shorter than idle_s: same use
    use = meter.poll(T0 + 3 + 2.24 + 5)
    assert use is not None
    assert (use.sensor, use.kind, use.value) == ("tap-1", Kind.TAP, 0.5)
    assert use.ts == pytest.approx(T0 + 3 + 2.24)  # stamped when the tap closed
    assert meter.poll(T0 + 100) is None  # reported once


def test_two_uses_are_two_readings() -> None:
    meter = FlowMeter("tap-1", pulses_per_litre=100, idle_s=2)
    got = []
    for start, pulses in ((T0, 150), (T0 + 60, 30)):
        for i in range(pulses):
            meter.pulse(start + i * 0.02)
        got.append(meter.poll(start + 30))
    assert [r.value for r in got if r] == [1.5, 0.3]


def test_a_drip_is_not_a_use() -> None:
    meter = FlowMeter("tap-1", pulses_per_litre=450, idle_s=5)
    meter.pulse(T0)
    meter.pulse(T0 + 1)
    assert meter.poll(T0 + 10) is None


def test_mat_ignores_bounces_and_reports_changes_once() -> None:
    mat = PressureMat("chair-1", Kind.CHAIR, debounce_s=2)
    mat.edge(False, T0)
    assert mat.poll(T0 + 2).value == 0.0  # the initial stable state
    for i in range(10):  # sitting down: contact chatters for a second
        mat.edge(i % 2 == 0, T0 + 10 + i * 0.1)
    mat.edge(True, T0 + 11)
    assert mat.poll(T0 + 12) is None
    sat = mat.poll(T0 + 13.5)
    assert sat is not None and (sat.value, sat.ts) == (1.0, T0 + 11)
    mat.edge(False, T0 + 20)  # shifting weight for half a second
    mat.edge(True, T0 + 20.5)
    assert mat.poll(T0 + 30) is None
    mat.edge(False, T0 + 40)
    up = mat.poll(T0 + 45)
    assert up is not None and (up.kind, up.value, up.ts) == (Kind.CHAIR, 0.0, T0 + 40)


@settings(max_examples=100)
@given(st.lists(st.tuples(st.booleans(), st.floats(0, 0.5)), max_size=60))
def test_mat_reports_alternating_states(edges: list[tuple[bool, float]]) -> None:
    mat = PressureMat("bed-1", Kind.BED, debounce_s=1)
    now, values = T0, []
    for level, gap in edges:
        now += gap
        mat.edge(level, now)
        if (reading := mat.poll(now)) is not None:
            values.append(reading.value)
    if (reading := mat.poll(now + 2)) is not None:
        values.append(reading.value)
    assert all(a != b for a, b in pairwise(values))


def test_gpio_config_errors_name_the_setting() -> None:
    context = SourceContext("home-1", "gw-1", "UTC")
    with pytest.raises(
        ConfigError, match=r"\[source.gpio\].mat\[0\].kind: Invalid enum value 'sofa'"
    ):
        load_source("gpio", {"mat": [{"pin": 4, "sensor": "sofa-1", "kind": "sofa"}]}, context)
    with pytest.raises(ConfigError, match=r"\[source.gpio\]: configure at least one"):
        load_source("gpio", {}, context)
