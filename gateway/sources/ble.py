"""Bluetooth LE heart rate: the standard Heart Rate Measurement characteristic (0x2A37).

The parser is pure and tested with byte sequences laid out as in the Bluetooth
Heart Rate Service specification. The radio side uses ``bleak`` (the optional
``carewatch[ble]`` extra), imported only when this source is configured.

``[source.ble_heart_rate]`` options: ``address`` (the strap's MAC or UUID),
``sensor`` (our id), ``resident`` (optional), ``interval_s`` (at most one reading
per interval; default 60, 0 = every notification).
"""

import asyncio
import importlib.util
import logging
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final

import msgspec

from carewatch.clock import Clock
from carewatch.errors import BadData, ConfigError
from carewatch.protocol import Kind, Reading
from gateway.config import IdStr, Section, parse_section
from gateway.sources.base import Sink, SourceContext

log = logging.getLogger(__name__)

HEART_RATE_MEASUREMENT_UUID: Final = "00002a37-0000-1000-8000-00805f9b34fb"
_VALUE_16BIT: Final = 0x01
_CONTACT_DETECTED: Final = 0x02
_CONTACT_SUPPORTED: Final = 0x04
_ENERGY_PRESENT: Final = 0x08
_RR_PRESENT: Final = 0x10


class MalformedMeasurement(BadData):
    """Bytes that are not a valid Heart Rate Measurement; the message says why."""


@dataclass(frozen=True)
class HeartRateMeasurement:
    """One decoded 0x2A37 notification.

    ``sensor_contact`` is ``None`` when the strap cannot tell; ``rr_intervals`` are
    in seconds (the wire unit is 1/1024 s); ``energy_expended`` is in kilojoules.
    """

    bpm: int
    sensor_contact: bool | None
    energy_expended: int | None
    rr_intervals: tuple[float, ...]


def parse_heart_rate_measurement(data: bytes) -> HeartRateMeasurement:
    """Decode a Heart Rate Measurement or raise :class:`MalformedMeasurement`.

    Examples
    --------
    >>> parse_heart_rate_measurement(b"\\x00\\x48")
    HeartRateMeasurement(bpm=72, sensor_contact=None, energy_expended=None, rr_intervals=())
    >>> parse_heart_rate_measurement(b"\\x16\\x48\\x00\\x04").rr_intervals
    (1.0,)
    >>> parse_heart_rate_measurement(b"\\x01\\x48")
    Traceback (most recent call last):
    ...
    gateway.sources.ble.MalformedMeasurement: heart rate: a 16-bit value needs 2 bytes, got 1
    """
    if not data:
        raise MalformedMeasurement("heart rate measurement: empty")
    flags, body = data[0], bytes(data[1:])
    if flags & 0xE0:
        raise MalformedMeasurement(f"heart rate measurement: reserved flag bits set ({flags:#04x})")
    width = 2 if flags & _VALUE_16BIT else 1
    if len(body) < width:
        raise MalformedMeasurement(
            f"heart rate: a {8 * width}-bit value needs {width} bytes, got {len(body)}"
        )
    bpm = body[0] if width == 1 else struct.unpack_from("<H", body)[0]
    offset = width
    energy = None
    if flags & _ENERGY_PRESENT:
        if len(body) < offset + 2:
            raise MalformedMeasurement("heart rate measurement: energy expended is cut short")
        energy = struct.unpack_from("<H", body, offset)[0]
        offset += 2
    rr: tuple[float, ...] = ()
    if flags & _RR_PRESENT:
        rest = body[offset:]
        if not rest or len(rest) % 2:
            raise MalformedMeasurement(
                f"heart rate measurement: RR intervals need pairs of bytes, got {len(rest)}"
            )
        rr = tuple(value / 1024 for (value,) in struct.iter_unpack("<H", rest))
    elif len(body) > offset:
        raise MalformedMeasurement(
            f"heart rate measurement: {len(body) - offset} unexpected trailing byte(s)"
        )
    contact = bool(flags & _CONTACT_DETECTED) if flags & _CONTACT_SUPPORTED else None
    return HeartRateMeasurement(bpm, contact, energy, rr)


class HeartRateThrottle:
    """Turns notifications (about one a second) into at most one reading per interval.

    Notifications with the strap off the skin (contact supported but not detected)
    carry no real heart rate and are skipped.

    >>> throttle = HeartRateThrottle("hr-1", None, interval_s=60)
    >>> [throttle.offer(b"\\x06\\x48", ts) is not None for ts in (1e9, 1e9 + 30, 1e9 + 60)]
    [True, False, True]
    >>> throttle.offer(b"\\x04\\x48", 1e9 + 200) is None  # contact lost
    True
    """

    def __init__(self, sensor: str, resident: str | None, *, interval_s: float) -> None:
        self._sensor = sensor
        self._resident = resident
        self._interval = interval_s
        self._last: float | None = None

    def offer(self, data: bytes, ts: float) -> Reading | None:
        """The reading to emit for this notification, if any; raises BadData on bad input."""
        measurement = parse_heart_rate_measurement(data)
        if measurement.sensor_contact is False:
            return None
        if self._last is not None and ts - self._last < self._interval:
            return None
        try:
            reading = Reading(
                self._sensor, Kind.HEART_RATE, ts, float(measurement.bpm), self._resident
            )
        except ValueError as error:
            raise MalformedMeasurement(f"heart rate measurement: {error}") from None
        self._last = ts
        return reading


class BleOptions(Section):
    """``[source.ble_heart_rate]``."""

    address: Annotated[str, msgspec.Meta(min_length=1)]
    sensor: IdStr
    resident: IdStr | None = None
    interval_s: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 60.0


class BleHeartRateSource:
    """Subscribes to a strap's heart-rate notifications with bleak, reconnecting forever."""

    name = "ble_heart_rate"

    def __init__(self, options: BleOptions, clock: Clock) -> None:
        self._options = options
        self._clock = clock
        self._throttle = HeartRateThrottle(
            options.sensor, options.resident, interval_s=options.interval_s
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, sink: Sink) -> None:
        """Run the bleak client in its own thread and event loop."""
        self._thread = threading.Thread(target=self._run, args=(sink,), name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and disconnect."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self, sink: Sink) -> None:
        asyncio.run(self._listen(sink))

    async def _listen(self, sink: Sink) -> None:
        from bleak import BleakClient  # optional extra: only imported on a gateway with BLE
        from bleak.exc import BleakError

        def on_notify(_characteristic: object, data: bytearray) -> None:
            try:
                reading = self._throttle.offer(bytes(data), self._clock())
            except BadData as error:
                sink.problem(self.name, str(error))
                return
            if reading is not None:
                sink.reading(reading)

        while not self._stop.is_set():
            try:
                async with BleakClient(self._options.address) as client:
                    await client.start_notify(HEART_RATE_MEASUREMENT_UUID, on_notify)
                    while client.is_connected and not self._stop.is_set():
                        await asyncio.sleep(0.5)
            except (TimeoutError, BleakError, OSError) as error:
                log.warning("heart-rate strap %s: %s; retrying", self._options.address, error)
                await asyncio.sleep(5)


def build(options: Mapping[str, Any], context: SourceContext) -> BleHeartRateSource:
    """Factory for ``[source.ble_heart_rate]``; needs ``pip install carewatch[ble]``."""
    opts = parse_section(BleOptions, options, context.file, "source.ble_heart_rate")
    if importlib.util.find_spec("bleak") is None:
        raise ConfigError(
            f"{context.file}: [source.ble_heart_rate]: needs bleak: pip install 'carewatch[ble]'"
        )
    return BleHeartRateSource(opts, context.clock)
