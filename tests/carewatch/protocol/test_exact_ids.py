"""Ids match whole: a control character or non-ASCII letter anywhere, trailing "\\n" included,
is refused by the codec, the topic parser and the record files (issue 14, attack 7)."""

from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carewatch.clock import ManualClock
from carewatch.errors import BadData
from carewatch.protocol import (
    Alert,
    DailySummary,
    ProtocolError,
    decode,
    decode_readings,
    parse_topic,
)
from carewatch.records import LabelRecord, ReadingRecord, read_readings

NOW = 1_700_000_000.0
clock = ManualClock(NOW)
ids = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")
ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"
# The characters the issue found plus any other one outside [a-z0-9-] (unicode included).
strays = st.sampled_from(["\n", "\r", "\x00", "\r\n", "\t", " ", "\u2028", "é", "٣", "K"]) | (
    st.characters(exclude_characters=ID_CHARS + "/+#").map(str)
)


@st.composite
def spoiled_ids(draw: st.DrawFn) -> str:
    """A valid id with a stray character put before, inside or after it."""
    good = draw(ids)
    stray = draw(strays)
    at = draw(st.sampled_from([0, len(good), len(good) // 2 + 1]))
    at = min(at, len(good))
    return good[:at] + stray + good[at:]


def batch(sensor: str = "hr-1", gateway: str = "gw-1", resident: str | None = None) -> bytes:
    reading: dict[str, object] = {"sensor": sensor, "kind": "heart_rate", "ts": NOW, "value": 70}
    if resident is not None:
        reading["resident"] = resident
    return msgspec.json.encode({"gateway": gateway, "seq": 1, "sent": NOW, "readings": [reading]})


@given(spoiled_ids())
def test_a_spoiled_sensor_gateway_or_resident_id_is_refused_by_the_codec(bad: str) -> None:
    for payload, field in (
        (batch(sensor=bad), "readings[0].sensor"),
        (batch(gateway=bad), "gateway"),
        (batch(resident=bad), "readings[0].resident"),
    ):
        with pytest.raises(ProtocolError) as caught:
            decode_readings(payload, clock=clock)
        assert caught.value.field == field


@given(spoiled_ids())
def test_a_spoiled_home_is_refused_in_alerts_and_summaries(bad: str) -> None:
    alert = {
        "home": bad,
        "kind": "stress",
        "detected_at": NOW,
        "start": NOW,
        "severity": "low",
        "explanation": "x",
    }
    with pytest.raises(ProtocolError):
        decode(msgspec.json.encode(alert), Alert, clock=clock)
    summary = {"home": bad, "date": "2026-11-01", "tap_litres": 1, "tap_uses": 1}
    summary |= {"toilet_day": 1, "toilet_night": 0, "chair_minutes": 0}
    with pytest.raises(ProtocolError):
        decode(msgspec.json.encode(summary), DailySummary, clock=clock)


@given(spoiled_ids(), ids)
def test_the_topic_parser_refuses_a_spoiled_level(bad: str, good: str) -> None:
    for topic in (
        f"carewatch/v1/{bad}/{good}/readings",
        f"carewatch/v1/{good}/{bad}/status",
        f"carewatch/v1/{bad}/alerts",
    ):
        with pytest.raises(ProtocolError):
            parse_topic(topic)


@given(ids, ids)
def test_valid_levels_still_parse(home: str, gateway: str) -> None:
    assert parse_topic(f"carewatch/v1/{home}/{gateway}/readings").gateway == gateway


@pytest.mark.parametrize("date", ["2026-11-01\n", "２０２６-11-01", "2026-11-01\x00"])
def test_a_summary_date_matches_whole_and_in_ascii_digits(date: str) -> None:
    summary = {"home": "h-1", "date": date, "tap_litres": 1, "tap_uses": 1}
    summary |= {"toilet_day": 1, "toilet_night": 0, "chair_minutes": 0}
    with pytest.raises(ProtocolError, match="date"):
        decode(msgspec.json.encode(summary), DailySummary, clock=clock)


@given(spoiled_ids())
def test_record_files_refuse_spoiled_ids(bad: str) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(
            {"home": bad, "sensor": "s-1", "kind": "tap", "ts": NOW, "value": 1}, ReadingRecord
        )
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"home": "h-1", "kind": "fall\n", "start": 0, "end": 1}, LabelRecord)


def test_a_readings_file_line_with_a_trailing_newline_in_an_id_is_bad_data(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    line = msgspec.json.encode(
        {"home": "h-1", "sensor": "hr-1\n", "kind": "tap", "ts": NOW, "value": 1}
    )
    path.write_bytes(line + b"\n")
    with pytest.raises(BadData, match="sensor"):
        list(read_readings(path))
