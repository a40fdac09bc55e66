"""Heart Rate Measurement (0x2A37) parsing, with byte layouts from the Bluetooth specification."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carewatch.errors import BadData
from gateway.sources.ble import (
    HeartRateMeasurement,
    HeartRateThrottle,
    MalformedMeasurement,
    parse_heart_rate_measurement,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # flags 0x00: uint8 value, contact not supported, nothing else
        (b"\x00\x48", HeartRateMeasurement(72, None, None, ())),
        # flags 0x01: uint16 little-endian value 0x0148 = 328
        (b"\x01\x48\x01", HeartRateMeasurement(328, None, None, ())),
        # flags 0x06: contact supported and detected
        (b"\x06\x3c", HeartRateMeasurement(60, True, None, ())),
        # flags 0x04: contact supported, not detected
        (b"\x04\x3c", HeartRateMeasurement(60, False, None, ())),
        # flags 0x08: energy expended (uint16 kJ) follows the value
        (b"\x08\x48\x10\x01", HeartRateMeasurement(72, None, 0x0110, ())),
        # flags 0x16: contact detected + RR intervals in 1/1024 s: 1024 -> 1.0 s, 512 -> 0.5 s
        (b"\x16\x48\x00\x04\x00\x02", HeartRateMeasurement(72, True, None, (1.0, 0.5))),
        # flags 0x19: uint16 value, energy, and one RR interval (820/1024 s)
        (b"\x19\x4b\x00\x2c\x01\x34\x03", HeartRateMeasurement(75, None, 300, (820 / 1024,))),
    ],
)
def test_spec_layouts(data: bytes, expected: HeartRateMeasurement) -> None:
    assert parse_heart_rate_measurement(data) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x00", "8-bit value needs 1 bytes, got 0"),
        (b"\x01\x48", "16-bit value needs 2 bytes, got 1"),
        (b"\x08\x48\x10", "energy expended is cut short"),
        (b"\x10\x48", "RR intervals need pairs of bytes, got 0"),
        (b"\x10\x48\x00\x04\x01", "RR intervals need pairs of bytes, got 3"),
        (b"\x00\x48\x00", "1 unexpected trailing byte"),
        (b"\x20\x48", "reserved flag bits"),
    ],
)
def test_malformed_bytes_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedMeasurement, match=reason):
        parse_heart_rate_measurement(data)


@settings(max_examples=300)
@given(st.binary(max_size=24))
def test_any_bytes_parse_or_raise_bad_data(data: bytes) -> None:
    try:
        measurement = parse_heart_rate_measurement(data)
    except BadData:
        return
    assert 0 <= measurement.bpm <= 0xFFFF


def test_throttle_keeps_one_reading_per_interval_and_skips_lost_contact() -> None:
    throttle = HeartRateThrottle("hr-1", "res-1", interval_s=10)
    emitted = [
        throttle.offer(data, ts)
        for data, ts in [
            (b"\x06\x48", 100.0 + 1e9),
            (b"\x06\x49", 105.0 + 1e9),  # within the interval
            (b"\x04\x49", 111.0 + 1e9),  # strap off the skin
            (b"\x06\x4a", 112.0 + 1e9),
        ]
    ]
    values = [(r.ts - 1e9, r.value, r.resident) for r in emitted if r is not None]
    assert values == [(100.0, 72.0, "res-1"), (112.0, 74.0, "res-1")]


def test_impossible_heart_rate_is_bad_data_not_a_reading() -> None:
    with pytest.raises(MalformedMeasurement, match=r"outside 20\.\.250"):
        HeartRateThrottle("hr-1", None, interval_s=0).offer(b"\x01\x48\x01", 1e9)
