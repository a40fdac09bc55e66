"""The Home Assistant bridge against a real Mosquitto and a real served API: retained,
valid discovery configs with the fields HA requires, states that follow the alerts, no
names over MQTT, and entities retracted when the bridge's user loses the grant."""

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from typer.testing import CliRunner

from api.client import ApiClient
from api.ha.bridge import HaBridge
from api.ha.settings import HaBridgeSettings
from api.ha.wanted import wanted
from carewatch.cli import build
from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress, make_client
from carewatch.settings import load_settings
from tests.api.conftest import PASSWORD, World, alert_for
from tests.api.served import serve
from tests.api.test_fhir_export import add_days
from tests.servers import Mosquitto, free_port

NAMES = ("Rose", "Able", "Bert", "Baker")
TOPIC_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
ROSE = "homeassistant/binary_sensor/carewatch_r-1"


def retained(broker: Mosquitto) -> dict[str, str]:
    """Every retained message the broker holds now (a fresh subscriber's view)."""
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"snap-{uuid.uuid4().hex[:8]}")
    marker = f"test/marker/{uuid.uuid4().hex}"
    got: dict[str, str] = {}
    subscribed, done = threading.Event(), threading.Event()

    def on_message(_c: object, _u: object, message: paho.MQTTMessage) -> None:
        if message.topic == marker:
            done.set()
        elif message.retain:
            got[message.topic] = message.payload.decode()

    client.on_message = on_message
    client.on_subscribe = lambda *_args: subscribed.set()
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    client.subscribe("#", qos=1)
    assert subscribed.wait(10)
    client.publish(marker, "end", qos=1)  # delivered after the retained ones
    assert done.wait(10)
    client.loop_stop()
    client.disconnect()
    return got


@pytest.fixture
def served(tmp_path: Path, world_template: tuple[Path, World]) -> Iterator[tuple[World, str]]:
    with serve(tmp_path, world_template) as (world, url):
        add_days(world)
        yield world, url


Factory = Callable[..., HaBridge]


@pytest.fixture
def make_bridge(mosquitto: Mosquitto) -> Iterator[Factory]:
    """Bridges to the test broker, as ``family-a`` unless told; stopped after the test."""
    opened: list[tuple[paho.Client, ApiClient]] = []

    def make(api_url: str, user: str = "family-a") -> HaBridge:
        api = ApiClient(api_url, user, PASSWORD)
        address = BrokerAddress.parse(mosquitto.url)
        client = make_client(f"bridge-{uuid.uuid4().hex[:8]}", address, persistent=False)
        labels = {"r-1": "Flat 3"}
        bridge = HaBridge(
            client, lambda: wanted(api, "homeassistant", "carewatch", labels), "carewatch"
        )
        client.connect_async("127.0.0.1", mosquitto.port)
        client.loop_start()
        opened.append((client, api))
        assert bridge.wait_connected(10)
        return bridge

    yield make
    for client, api in opened:
        client.disconnect()
        client.loop_stop()
        api.close()


def alert_state(held: dict[str, str]) -> dict[str, object]:
    state: dict[str, object] = json.loads(held["carewatch/r-1/alerts"])
    return state


def test_discovery_configs_are_retained_and_complete(
    mosquitto: Mosquitto, served: tuple[World, str], make_bridge: Factory
) -> None:
    _world, url = served
    make_bridge(url).sync()
    held = retained(mosquitto)
    assert not any(name in topic or name in body for topic, body in held.items() for name in NAMES)
    assert not any("r-2" in topic for topic in held)  # family-a is granted Rose only
    configs = {t: json.loads(p) for t, p in held.items() if t.endswith("/config")}
    assert sorted(t.split("/")[1] for t in configs) == ["binary_sensor"] + ["sensor"] * 7
    for topic, config in configs.items():
        prefix, _component, node, object_id, _ = topic.split("/")
        assert (prefix, node) == ("homeassistant", "carewatch_r-1")
        assert TOPIC_ID.match(node) and TOPIC_ID.match(object_id)
        assert config["unique_id"] == f"{node}_{object_id}"
        assert config["device"]["identifiers"] == [node]
        assert config["device"]["name"] == "Flat 3"
        assert config["state_topic"] in held  # its state is retained too
        assert held[config["availability_topic"]] == "online"
        assert config["name"] and config["value_template"]
    [binary] = [c for t, c in configs.items() if "/binary_sensor/" in t]
    assert (binary["payload_on"], binary["payload_off"]) == ("ON", "OFF")
    assert alert_state(held) == {
        "state": "ON",
        "open": 1,
        "acknowledged": 0,
        "kinds": ["dehydration"],
    }
    summary = json.loads(held["carewatch/r-1/summary"])
    assert summary["date"] == "2025-11-14" and summary["tap_litres"] == pytest.approx(1.1)


def test_states_follow_alerts_and_the_grant(
    mosquitto: Mosquitto, served: tuple[World, str], make_bridge: Factory
) -> None:
    world, url = served
    bridge = make_bridge(url)
    bridge.sync()
    world.clock.advance(16 * 60)  # the bridge's 15-minute token has expired: it logs in again
    assert bridge.sync() == 1  # nothing changed: only the availability is said again
    world.tokens.update({who: world.login(who) for who in ("carer-a", "admin")})
    r = world.client.post(
        f"/api/v1/alerts/{world.alert_ids['a']}/acknowledge",
        json={"note": ""},
        headers=world.auth("carer-a"),
    )
    assert r.status_code == 200, r.text
    bridge.sync()
    assert alert_state(retained(mosquitto)) == {
        "state": "OFF",
        "open": 0,
        "acknowledged": 1,
        "kinds": [],
    }
    world.ingest(alert_for("h-1", None, kind="night_wandering"))  # the home's: Rose's too
    bridge.sync()
    assert alert_state(retained(mosquitto))["kinds"] == ["night_wandering"]

    user = world.user_ids["family-a"]
    assert (
        world.client.delete(f"/api/v1/grants/{user}/r-1", headers=world.auth("admin")).status_code
        == 204
    )
    bridge.sync()
    held = retained(mosquitto)
    assert [t for t in held if "r-1" in t] == []  # retracted: HA removes the entities
    assert held["carewatch/bridge/availability"] == "online"


def test_an_unreachable_api_shows_the_entities_unavailable(
    mosquitto: Mosquitto, served: tuple[World, str], make_bridge: Factory
) -> None:
    _world, url = served
    make_bridge(url).sync()
    make_bridge(f"http://127.0.0.1:{free_port()}").sync()
    held = retained(mosquitto)
    assert held["carewatch/bridge/availability"] == "offline"
    assert f"{ROSE}/open_alerts/config" in held  # kept: HA shows them unavailable


def test_what_changed_while_the_broker_was_down_reaches_it_after(
    mosquitto: Mosquitto, served: tuple[World, str], make_bridge: Factory
) -> None:
    world, url = served
    bridge = make_bridge(url)
    bridge.sync()
    mosquitto.stop()
    r = world.client.post(
        f"/api/v1/alerts/{world.alert_ids['a']}/acknowledge",
        json={"note": ""},
        headers=world.auth("carer-a"),
    )
    assert r.status_code == 200, r.text
    bridge.sync()  # the broker is down: nothing is taken, nothing raises
    mosquitto.start()
    assert bridge.wait_connected(60)
    bridge.sync()
    assert alert_state(retained(mosquitto))["state"] == "OFF"

    mosquitto.stop()  # and a grant removed while the broker is down is retracted after
    user = world.user_ids["family-a"]
    r = world.client.delete(f"/api/v1/grants/{user}/r-1", headers=world.auth("admin"))
    assert r.status_code == 204
    bridge.sync()
    mosquitto.start()
    assert bridge.wait_connected(60)
    bridge.sync()
    assert [t for t in retained(mosquitto) if "r-1" in t] == []


def test_the_command_publishes_once_from_its_settings(
    mosquitto: Mosquitto, served: tuple[World, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _world, url = served
    for name, value in {
        "API_URL": url,
        "USERNAME": "carer-a",
        "PASSWORD": PASSWORD,
        "BROKER_URL": mosquitto.url,
        "LABELS": '{"r-1": "Kitchen flat"}',
    }.items():
        monkeypatch.setenv(f"CAREWATCH_HA_{name}", value)
    result = CliRunner().invoke(build(["ha-bridge"]), ["ha-bridge", "--once"])
    assert result.exit_code == 0, result.output
    config = json.loads(retained(mosquitto)[f"{ROSE}/open_alerts/config"])
    assert config["device"]["name"] == "Kitchen flat"


def test_settings_name_what_is_missing_or_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="CAREWATCH_HA_PASSWORD: Field required"):
        load_settings(HaBridgeSettings, api_url="http://a", username="u", broker_url="mqtt://b")
    monkeypatch.setenv("CAREWATCH_HA_LABELS", '{"Rose Able": "x"}')
    with pytest.raises(ConfigError, match="CAREWATCH_HA_LABELS"):
        load_settings(
            HaBridgeSettings, api_url="http://a", username="u", password="p", broker_url="mqtt://b"
        )
