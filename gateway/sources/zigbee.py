"""zigbee2mqtt bridge: device payloads on a local broker -> CareWatch readings.

Most care sensors are Zigbee; zigbee2mqtt publishes each device's state as JSON on
``<base_topic>/<friendly_name>``. A per-home mapping file says which devices matter
and how a payload field becomes a reading::

    [devices."hall pir"]          # the zigbee2mqtt friendly name
    sensor = "motion-hall"        # our pseudonymous id
    kind = "motion"
    field = "occupancy"
    transform = "rising"          # 1 each time occupancy turns true

Transforms: ``state`` (bool -> 1/0, on change), ``inverted`` (contact sensors report
``contact: true`` when *closed*: door 0), ``rising`` (1 when the field turns true),
``action`` (1 when the field equals ``action``, e.g. a flush button), ``number``
(the value times ``scale``, e.g. litres from a flow meter). ``battery`` goes into the
status. A malformed payload or an unknown device is logged and counted, never fatal.

``[source.zigbee2mqtt]`` options: ``mapping`` (path), ``url`` (default
``mqtt://localhost:1883``), ``base_topic`` (default ``zigbee2mqtt``).
"""

import json
import logging
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import paho.mqtt.client as paho

from carewatch.clock import Clock
from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import Kind, Reading
from gateway.config import IdStr, Section, parse_section
from gateway.sources.base import Sink, SourceContext

log = logging.getLogger(__name__)

Transform = Literal["state", "inverted", "rising", "action", "number"]
_IGNORED_SUFFIXES = ("/set", "/get", "/availability")


class DeviceMapping(Section):
    """How one zigbee2mqtt device becomes readings."""

    sensor: IdStr
    kind: Kind
    field: Annotated[str, msgspec.Meta(min_length=1)]
    transform: Transform
    action: str | None = None
    scale: float = 1.0
    resident: IdStr | None = None


class MappingFile(Section):
    """The per-home mapping file: friendly name -> its table (each checked on its own)."""

    devices: dict[str, dict[str, Any]]


class ZigbeeOptions(Section):
    """``[source.zigbee2mqtt]``."""

    mapping: str
    url: str = "mqtt://localhost:1883"
    base_topic: str = "zigbee2mqtt"


@dataclass
class Mapped:
    """What one payload yields."""

    readings: list[Reading] = field(default_factory=list)
    battery: float | None = None
    sensor: str | None = None


class PayloadError(ValueError):
    """A payload the mapping cannot use; the message says why."""


class UnknownDevice(PayloadError):
    """A device the mapping file does not mention."""


class Zigbee2MqttMapper:
    """Pure payload-to-readings logic (no MQTT), remembering states to report changes.

    Examples
    --------
    >>> devices = {"front door": DeviceMapping(
    ...     sensor="door-front", kind=Kind.DOOR, field="contact", transform="inverted")}
    >>> mapper = Zigbee2MqttMapper(devices, clock=lambda: 1_700_000_000.0)
    >>> mapper.map("front door", b'{"contact": false, "battery": 91}').readings[0].value
    1.0
    >>> mapper.map("front door", b'{"contact": false, "linkquality": 80}').readings
    []
    >>> mapper.map("kettle", b'{}')
    Traceback (most recent call last):
    ...
    gateway.sources.zigbee.UnknownDevice: unknown device 'kettle'
    """

    def __init__(self, devices: Mapping[str, DeviceMapping], *, clock: Clock) -> None:
        self._devices = dict(devices)
        self._clock = clock
        self._last: dict[str, Any] = {}

    def map(self, friendly_name: str, payload: bytes) -> Mapped:
        """Readings (and battery level) in one payload, or raise :class:`PayloadError`."""
        device = self._devices.get(friendly_name)
        if device is None:
            raise UnknownDevice(f"unknown device {friendly_name!r}")
        try:
            data = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as error:
            raise PayloadError(f"{friendly_name!r}: payload is not JSON ({error})") from None
        if not isinstance(data, dict):
            raise PayloadError(f"{friendly_name!r}: payload is not a JSON object")
        mapped = Mapped(sensor=device.sensor, battery=_battery(friendly_name, data))
        if device.field in data:
            value = self._value(friendly_name, device, data[device.field])
            if value is not None:
                mapped.readings.append(self._reading(friendly_name, device, value))
        return mapped

    def _value(self, name: str, device: DeviceMapping, raw: Any) -> float | None:
        previous = self._last.get(device.sensor)
        self._last[device.sensor] = raw
        if device.transform == "action":
            return 1.0 if raw == device.action else None
        if device.transform == "number":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise PayloadError(f"{name!r}: {device.field} should be a number, got {raw!r}")
            return float(raw) * device.scale if raw else None  # 0 litres: nothing drawn
        if not isinstance(raw, bool):
            raise PayloadError(f"{name!r}: {device.field} should be true/false, got {raw!r}")
        if raw == previous:
            return None  # zigbee2mqtt republishes the whole state on any change
        if device.transform == "rising":
            return 1.0 if raw else None
        return float(raw != (device.transform == "inverted"))

    def _reading(self, name: str, device: DeviceMapping, value: float) -> Reading:
        try:
            return Reading(device.sensor, device.kind, self._clock(), value, device.resident)
        except ValueError as error:  # out of the kind's range, e.g. a 0 ml "tap"
            raise PayloadError(f"{name!r}: {error}") from None


def _battery(name: str, data: Mapping[str, Any]) -> float | None:
    level = data.get("battery")
    if level is None:
        return None
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 <= level <= 100:
        raise PayloadError(f"{name!r}: battery should be 0-100, got {level!r}")
    return float(level)


def load_mapping(path: Path, file: str = "gateway.toml") -> dict[str, DeviceMapping]:
    """Read a mapping file or raise ConfigError naming the device and setting."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{file}: [source.zigbee2mqtt].mapping: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}") from None
    devices = parse_section(MappingFile, raw, path.name, "").devices
    return {
        name: parse_section(DeviceMapping, table, path.name, f'devices."{name}"')
        for name, table in devices.items()
    }


class Zigbee2MqttSource:
    """Subscribes to the local zigbee2mqtt broker and feeds mapped readings to the sink."""

    name = "zigbee2mqtt"

    def __init__(self, options: ZigbeeOptions, mapper: Zigbee2MqttMapper, client_id: str) -> None:
        self.counters: Counter[str] = Counter()
        self._options = options
        self._mapper = mapper
        self._broker = BrokerAddress.parse(options.url)
        self._client = make_client(client_id, self._broker, persistent=False)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._sink: Sink | None = None

    def start(self, sink: Sink) -> None:
        """Connect (retrying in the background) and subscribe to every device."""
        self._sink = sink
        self._client.connect_async(self._broker.host, self._broker.port, keepalive=30)
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect from the local broker."""
        self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(self, client: paho.Client, *_: Any) -> None:
        client.subscribe(f"{self._options.base_topic}/#", qos=1)

    def _on_message(self, _c: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        sink = self._sink
        name = message.topic.removeprefix(f"{self._options.base_topic}/")
        if sink is None or name.startswith("bridge/") or name.endswith(_IGNORED_SUFFIXES):
            return
        try:
            mapped = self._mapper.map(name, bytes(message.payload))
        except PayloadError as error:
            self.counters[
                "unknown_device" if isinstance(error, UnknownDevice) else "malformed"
            ] += 1
            sink.problem(self.name, str(error))
            return
        for reading in mapped.readings:
            self.counters["readings"] += 1
            sink.reading(reading)
        if mapped.battery is not None and mapped.sensor is not None:
            sink.battery(mapped.sensor, mapped.battery)


def build(options: Mapping[str, Any], context: SourceContext) -> Zigbee2MqttSource:
    """Factory for ``[source.zigbee2mqtt]``."""
    opts = parse_section(ZigbeeOptions, options, context.file, "source.zigbee2mqtt")
    mapper = Zigbee2MqttMapper(load_mapping(Path(opts.mapping), context.file), clock=context.clock)
    return Zigbee2MqttSource(opts, mapper, client_id=f"{context.gateway}-zigbee2mqtt")
