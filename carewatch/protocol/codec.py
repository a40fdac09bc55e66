"""Encoding and strict, total decoding of wire messages.

Every decoder either returns a valid message or raises :class:`ProtocolError`
naming the field and the reason; no other exception escapes, whatever the bytes.
"""

import re
from collections.abc import Sequence
from operator import attrgetter
from typing import Final, TypeVar

import msgspec

from carewatch.clock import Clock, system_clock
from carewatch.errors import BadData
from carewatch.protocol.messages import (
    ID_PATTERN,
    ID_SCHEMA_PATTERN,
    Alert,
    DailySummary,
    GatewayStatus,
    OutputReceipt,
    Reading,
    ReadingsBatch,
)
from carewatch.protocol.policy import ConsentPolicy

MAX_MESSAGE_BYTES: Final = 256 * 1024
MAX_CLOCK_AHEAD_S: Final = 300.0  # a gateway clock this far ahead of ours is wrong

M = TypeVar("M", ReadingsBatch, GatewayStatus, Alert, DailySummary, OutputReceipt, ConsentPolicy)

_DECODERS: dict[type[msgspec.Struct], msgspec.json.Decoder[msgspec.Struct]] = {}
_ENCODER = msgspec.json.Encoder()
_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_ID = re.compile(ID_PATTERN)
_GOOD_SENSORS: set[str] = set()  # sensor ids already matched against ID_PATTERN
_MAX_GOOD_SENSORS: Final = 100_000  # forgotten when exceeded: ids are few in practice
_TS, _SENSOR = attrgetter("ts"), attrgetter("sensor")


class ProtocolError(BadData):
    """A message that is not valid protocol v1; ``field`` is where, ``reason`` is why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field or 'message'}: {reason}")
        self.field = field
        self.reason = reason


def encode(message: msgspec.Struct) -> bytes:
    """Serialise a protocol message to JSON bytes."""
    return _ENCODER.encode(message)


def decode(data: bytes, message_type: type[M], *, clock: Clock = system_clock) -> M:
    """Decode ``data`` as ``message_type`` or raise :class:`ProtocolError`.

    Examples
    --------
    >>> batch = decode(
    ...     b'{"gateway": "gw-1", "seq": 7, "sent": 1700000000, "readings": '
    ...     b'[{"sensor": "hr-1", "kind": "heart_rate", "ts": 1700000000, "value": 900}]}',
    ...     ReadingsBatch,
    ... )
    Traceback (most recent call last):
    ...
    carewatch.protocol.codec.ProtocolError: readings[0]: heart_rate value 900 is outside 20..250
    """
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError("", f"message of {len(data)} bytes exceeds {MAX_MESSAGE_BYTES}")
    try:
        message: M = _decoder(message_type).decode(data)  # type: ignore[assignment]
    except msgspec.ValidationError as error:
        raise _from_validation_error(error) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as error:  # bad UTF-8 inside a string
        raise ProtocolError("", f"not JSON: {error}") from None
    _check_not_ahead(message, clock())  # and, for readings, their sensor ids
    return message


def decode_readings(data: bytes, *, clock: Clock = system_clock) -> ReadingsBatch:
    """Decode a readings batch (the most common message)."""
    return decode(data, ReadingsBatch, clock=clock)


def _decoder(message_type: type[msgspec.Struct]) -> msgspec.json.Decoder[msgspec.Struct]:
    decoder = _DECODERS.get(message_type)
    if decoder is None:
        decoder = _DECODERS[message_type] = msgspec.json.Decoder(message_type)
    return decoder


def _from_validation_error(error: msgspec.ValidationError) -> ProtocolError:
    text = str(error)
    match = _PATH.search(text)
    if match is None:
        return ProtocolError("", text)
    return ProtocolError(match["path"], text[: match.start()])


def check_readings(readings: Sequence[Reading], now: float, field: str = "readings") -> None:
    """Raise :class:`ProtocolError` unless every sensor id is pseudonymous and no ``ts`` is
    more than :data:`MAX_CLOCK_AHEAD_S` ahead of ``now``.

    :func:`decode` calls this for every batch; call it for readings built any other way.
    Each distinct sensor id is matched once, not once per reading (ingest's hot path).

    Examples
    --------
    >>> from carewatch.protocol import Kind
    >>> check_readings([Reading("hr-1", Kind.HEART_RATE, 1_700_000_000, 70)], now=1_700_000_000)
    >>> check_readings([Reading("Mrs Smith", Kind.MOTION, 1_700_000_000, 1)], now=1_700_000_000)
    Traceback (most recent call last):
    ...
    carewatch.protocol.codec.ProtocolError: readings[0].sensor: Expected `str` matching regex \
'^[a-z0-9][a-z0-9-]{0,63}$'
    """
    if not readings:
        return
    limit = now + MAX_CLOCK_AHEAD_S
    if max(map(_TS, readings)) > limit:  # map + attrgetter: C speed, unlike a generator
        index, ts = next((i, r.ts) for i, r in enumerate(readings) if r.ts > limit)
        raise ProtocolError(f"{field}[{index}].ts", _ahead(ts, now))
    unchecked = set(map(_SENSOR, readings)).difference(_GOOD_SENSORS)
    for sensor in unchecked:
        if not _ID.match(sensor):
            index = next(i for i, r in enumerate(readings) if r.sensor == sensor)
            raise ProtocolError(
                f"{field}[{index}].sensor", f"Expected `str` matching regex {ID_SCHEMA_PATTERN!r}"
            )
    if len(_GOOD_SENSORS) + len(unchecked) > _MAX_GOOD_SENSORS:
        _GOOD_SENSORS.clear()
    _GOOD_SENSORS.update(unchecked)


def _check_not_ahead(message: msgspec.Struct, now: float) -> None:
    if isinstance(message, ReadingsBatch):
        if message.sent > now + MAX_CLOCK_AHEAD_S:
            raise ProtocolError("sent", _ahead(message.sent, now))
        check_readings(message.readings, now)
    elif isinstance(message, Alert) and message.detected_at > now + MAX_CLOCK_AHEAD_S:
        raise ProtocolError("detected_at", _ahead(message.detected_at, now))


def _ahead(ts: float, now: float) -> str:
    return f"timestamp {ts:.0f} is {ts - now:.0f} s in the future (limit {MAX_CLOCK_AHEAD_S:.0f} s)"
