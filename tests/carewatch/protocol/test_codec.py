"""The protocol decoder is strict and total: it decodes or raises ProtocolError, nothing else."""

import contextlib

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carewatch.clock import ManualClock
from carewatch.protocol import (
    MAX_MESSAGE_BYTES,
    MAX_READINGS_PER_BATCH,
    Alert,
    GatewayStatus,
    Kind,
    ProtocolError,
    Reading,
    ReadingsBatch,
    decode,
    decode_readings,
    encode,
)
from carewatch.protocol.kinds import VALUE_RANGES

NOW = 1_700_000_000.0
clock = ManualClock(NOW)
ids = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")
times = st.floats(min_value=1e9, max_value=NOW + 200)


@st.composite
def readings(draw: st.DrawFn) -> Reading:
    kind = draw(st.sampled_from(list(Kind)))
    low, high = VALUE_RANGES[kind]
    if low == high:
        value = low
    elif kind in (Kind.CHAIR, Kind.BED, Kind.DOOR):
        value = draw(st.sampled_from([0.0, 1.0]))
    else:
        value = draw(st.floats(min_value=low, max_value=high))
    resident = draw(st.none() | ids)
    return Reading(sensor=draw(ids), kind=kind, ts=draw(times), value=value, resident=resident)


batches = st.builds(
    ReadingsBatch,
    gateway=ids,
    seq=st.integers(min_value=0, max_value=2**63 - 1),
    sent=times,
    readings=st.lists(readings(), min_size=1, max_size=30),
)


def batch_json(**reading: object) -> bytes:
    base = {"sensor": "hr-1", "kind": "heart_rate", "ts": NOW, "value": 70}
    base.update(reading)
    return msgspec.json.encode({"gateway": "gw-1", "seq": 1, "sent": NOW, "readings": [base]})


@given(batches)
def test_batches_round_trip(batch: ReadingsBatch) -> None:
    assert decode_readings(encode(batch), clock=clock) == batch


@given(st.binary(max_size=2_000))
def test_fuzzed_bytes_raise_only_protocol_error(data: bytes) -> None:
    for message_type in (ReadingsBatch, GatewayStatus, Alert):
        with contextlib.suppress(ProtocolError):
            decode(data, message_type, clock=clock)


@given(batches, st.data())
def test_mutated_valid_messages_raise_only_protocol_error(
    batch: ReadingsBatch, data: st.DataObject
) -> None:
    raw = bytearray(encode(batch))
    for _ in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    with contextlib.suppress(ProtocolError):
        decode_readings(bytes(raw), clock=clock)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_arbitrary_json_raises_only_protocol_error(value: object) -> None:
    with contextlib.suppress(ProtocolError):
        decode_readings(msgspec.json.encode({"gateway": "gw", "seq": 1, "readings": value}))


@pytest.mark.parametrize(
    ("payload", "field", "reason"),
    [
        (batch_json(value=900), "readings[0]", "outside 20..250"),
        (batch_json(kind="smell"), "readings[0].kind", "Invalid enum value 'smell'"),
        (batch_json(value="fast"), "readings[0].value", "Expected `float`, got `str`"),
        (batch_json(sensor="Kitchen Tap"), "readings[0].sensor", "Expected `str` matching"),
        (batch_json(ts=NOW + 3_600), "readings[0].ts", "3600 s in the future"),
        (batch_json(ts=1.0), "readings[0].ts", "Expected `float` >= 946684800"),
        (batch_json(kind="door", value=0.5), "readings[0]", "must be 0 or 1"),
        (batch_json(name="Mrs Smith"), "readings[0]", "unknown field `name`"),
        (b"\xff\x00", "", "not JSON"),
        (b"[]", "", "Expected `object`, got `array`"),
    ],
)
def test_invalid_batches_name_the_field_and_reason(payload: bytes, field: str, reason: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_readings(payload, clock=clock)
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_oversized_batches_and_messages_are_refused() -> None:
    reading = Reading(sensor="hr-1", kind=Kind.HEART_RATE, ts=NOW, value=70)
    too_many = ReadingsBatch(
        gateway="gw-1", seq=1, sent=NOW, readings=[reading] * (MAX_READINGS_PER_BATCH + 1)
    )
    with pytest.raises(ProtocolError, match="length <= 1000") as caught:
        decode_readings(encode(too_many), clock=clock)
    assert caught.value.field == "readings"
    with pytest.raises(ProtocolError, match="exceeds"):
        decode_readings(b" " * (MAX_MESSAGE_BYTES + 1), clock=clock)


def test_status_will_payload_decodes_with_defaults() -> None:
    status = decode(b'{"gateway": "gw-1", "state": "offline"}', GatewayStatus)
    assert status.state == "offline"
    assert status.battery == {}


def test_status_time_zone_must_be_iana() -> None:
    ok = decode(b'{"gateway": "gw-1", "state": "online", "tz": "Europe/London"}', GatewayStatus)
    assert ok.tz == "Europe/London"
    with pytest.raises(ProtocolError, match="not an IANA time zone"):
        decode(b'{"gateway": "gw-1", "state": "online", "tz": "../../etc/passwd"}', GatewayStatus)


def test_a_bad_sensor_id_is_named_at_its_position_even_after_good_ids_were_seen() -> None:
    good = Reading(sensor="tap-kitchen", kind=Kind.TAP, ts=NOW, value=0.2)
    bad = Reading(sensor="Mrs Smith's tap", kind=Kind.TAP, ts=NOW, value=0.2)
    decode_readings(encode(ReadingsBatch("gw-1", 1, NOW, [good])), clock=clock)
    with pytest.raises(ProtocolError, match="matching regex") as caught:
        decode_readings(encode(ReadingsBatch("gw-1", 2, NOW, [good, good, bad])), clock=clock)
    assert caught.value.field == "readings[2].sensor"
    with pytest.raises(ProtocolError):  # refused again: a bad id is never remembered as good
        decode_readings(encode(ReadingsBatch("gw-1", 3, NOW, [bad])), clock=clock)
