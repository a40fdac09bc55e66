"""zigbee2mqtt bridge: mapping payloads, and surviving bad input on a real broker."""

import logging
from pathlib import Path

import paho.mqtt.client as paho
import pytest

from carewatch.clock import ManualClock
from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import Kind
from gateway.sources.base import SourceContext, load_source
from gateway.sources.zigbee import (
    PayloadError,
    UnknownDevice,
    Zigbee2MqttMapper,
    Zigbee2MqttSource,
    load_mapping,
)
from tests.gateway.sinks import RecordingSink
from tests.servers import Mosquitto

MAPPING = """
[devices."hall pir"]
sensor = "motion-hall"
kind = "motion"
field = "occupancy"
transform = "rising"

[devices."front door"]
sensor = "door-front"
kind = "door"
field = "contact"
transform = "inverted"

[devices."armchair mat"]
sensor = "chair-1"
kind = "chair"
field = "occupancy"
transform = "state"

[devices."flush button"]
sensor = "toilet-1"
kind = "toilet"
field = "action"
transform = "action"
action = "single"

[devices."kitchen flow"]
sensor = "tap-kitchen"
kind = "tap"
field = "volume"
transform = "number"
scale = 0.001
"""


def _mapper(tmp_path: Path) -> Zigbee2MqttMapper:
    path = tmp_path / "zigbee.toml"
    path.write_text(MAPPING)
    return Zigbee2MqttMapper(load_mapping(path), clock=ManualClock(1_700_000_000.0))


def test_transforms_follow_the_mapping(tmp_path: Path) -> None:
    mapper = _mapper(tmp_path)
    values = lambda name, payload: [r.value for r in mapper.map(name, payload).readings]  # noqa: E731
    assert values("hall pir", b'{"occupancy": true}') == [1.0]
    assert values("hall pir", b'{"occupancy": true, "battery": 80}') == []  # a republish
    assert values("hall pir", b'{"occupancy": false}') == []
    assert values("hall pir", b'{"occupancy": true}') == [1.0]
    assert values("front door", b'{"contact": true}') == [0.0]  # contact = closed
    assert values("front door", b'{"contact": false}') == [1.0]
    assert values("armchair mat", b'{"occupancy": true}') == [1.0]
    assert values("armchair mat", b'{"occupancy": false}') == [0.0]
    assert values("flush button", b'{"action": "single"}') == [1.0]
    assert values("flush button", b'{"action": ""}') == []
    assert values("kitchen flow", b'{"volume": 2500}') == [2.5]
    mapped = mapper.map("front door", b'{"battery": 64, "linkquality": 120}')
    assert (mapped.readings, mapped.battery, mapped.sensor) == ([], 64.0, "door-front")
    reading = mapper.map("flush button", b'{"action": "single"}').readings[0]
    assert (reading.sensor, reading.kind, reading.ts) == ("toilet-1", Kind.TOILET, 1_700_000_000.0)


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        ("hall pir", b"{not json", "not JSON"),
        ("hall pir", b"[1, 2]", "not a JSON object"),
        ("hall pir", b'{"occupancy": "yes"}', "should be true/false"),
        ("kitchen flow", b'{"volume": "lots"}', "should be a number"),
        ("kitchen flow", b'{"volume": 1e9}', "outside"),
        ("front door", b'{"battery": 250}', "battery should be 0-100"),
        ("hall pir", b"\xff\xfe", "not JSON"),
    ],
)
def test_malformed_payloads_say_why(tmp_path: Path, name: str, payload: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        _mapper(tmp_path).map(name, payload)


def test_unknown_device_is_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(UnknownDevice, match="'kettle'"):
        _mapper(tmp_path).map("kettle", b"{}")


def test_mapping_errors_name_the_device_and_setting(tmp_path: Path) -> None:
    mapping = tmp_path / "zigbee.toml"
    mapping.write_text('[devices."hall pir"]\nsensor = "Hall PIR"\nkind = "motion"\n')
    context = SourceContext("home-1", "gw-1", "UTC")
    with pytest.raises(
        ConfigError, match=r"zigbee.toml: \[devices.\"hall pir\"\].sensor: Expected `str`"
    ):
        load_source("zigbee2mqtt", {"mapping": str(mapping)}, context)


def test_bad_input_on_a_real_broker_is_counted_and_logged_never_fatal(
    mosquitto: Mosquitto, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mapping = tmp_path / "zigbee.toml"
    mapping.write_text(MAPPING)
    source = load_source(
        "zigbee2mqtt",
        {"mapping": str(mapping), "url": mosquitto.url},
        SourceContext("home-1", "gw-1", "UTC"),
    )
    assert isinstance(source, Zigbee2MqttSource)
    sink = RecordingSink()
    source.start(sink)
    z2m = make_client("fake-zigbee2mqtt", BrokerAddress.parse(mosquitto.url), persistent=False)
    z2m.connect(host="127.0.0.1", port=mosquitto.port)
    z2m.loop_start()
    try:
        _wait_subscribed(z2m, sink)
        caplog.set_level(logging.WARNING)
        for topic, payload in [
            ("zigbee2mqtt/hall pir", b"{not json"),
            ("zigbee2mqtt/kettle", b'{"state": "ON"}'),
            ("zigbee2mqtt/bridge/state", b'{"state": "online"}'),  # bridge chatter: ignored
            ("zigbee2mqtt/front door/set", b'{"contact": false}'),  # commands: ignored
            ("zigbee2mqtt/armchair mat", b'{"occupancy": 7}'),
            ("zigbee2mqtt/front door", b'{"contact": false, "battery": 77}'),
        ]:
            z2m.publish(topic, payload, qos=1).wait_for_publish(5)
        sink.wait_for(readings=2, problems=3)
    finally:
        z2m.disconnect()
        z2m.loop_stop()
        source.stop()
    door = sink.readings[-1]
    assert (door.sensor, door.kind, door.value) == ("door-front", Kind.DOOR, 1.0)
    assert sink.batteries == {"door-front": 77.0}
    assert source.counters == {"readings": 2, "malformed": 2, "unknown_device": 1}
    assert len(sink.problems) == 3 and "'kettle'" in sink.problems[1]


def _wait_subscribed(z2m: paho.Client, sink: RecordingSink) -> None:
    """Publish the PIR until the source has subscribed and reports it (one reading)."""
    import time

    deadline = time.monotonic() + 10
    while not sink.readings:
        assert time.monotonic() < deadline, "source never subscribed"
        z2m.publish("zigbee2mqtt/hall pir", b'{"occupancy": true}', qos=1).wait_for_publish(5)
        time.sleep(0.1)
