"""The tables docs/contributing.md's "Adding a sensor kind" names cover every kind."""

from carewatch.protocol import Kind
from carewatch.protocol.kinds import VALUE_RANGES
from carewatch.store.sqlite import KIND_CODES
from detectors.sensors import FLOORS, SensorState


def test_every_kind_has_its_tables() -> None:
    assert set(VALUE_RANGES) == set(Kind)
    assert set(KIND_CODES) == set(Kind)
    assert set(FLOORS) == set(Kind)
    assert len(set(KIND_CODES.values())) == len(Kind)  # stored codes never shared


def test_a_sensor_of_each_kind_has_a_silence_limit() -> None:
    for kind in Kind:
        assert SensorState(kind).limit(1.5) == FLOORS[kind] > 0
