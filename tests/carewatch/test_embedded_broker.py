"""The embedded broker with real paho clients: QoS 1, persistent sessions, retained status."""

import queue
import socket
import threading
from collections.abc import Iterator

import paho.mqtt.client as paho
import pytest

from carewatch.embedded_broker import EmbeddedBroker
from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress, make_client

WAIT_S = 10.0


@pytest.fixture
def broker() -> Iterator[EmbeddedBroker]:
    with EmbeddedBroker(port=0) as running:
        yield running


class Subscriber:
    """A paho client that collects (topic, payload) and signals when connected."""

    def __init__(self, broker: EmbeddedBroker, client_id: str, persistent: bool) -> None:
        self.messages: queue.Queue[tuple[str, bytes, int]] = queue.Queue()
        self.subscribed = threading.Event()
        self.client = make_client(client_id, BrokerAddress.parse(broker.url), persistent=persistent)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_message = lambda _c, _u, m: self.messages.put(
            (m.topic, bytes(m.payload), m.qos)
        )
        self.address = BrokerAddress.parse(broker.url)

    def _on_connect(self, client: paho.Client, *_: object) -> None:
        client.subscribe("carewatch/v1/#", qos=1)

    def connect(self) -> None:
        self.subscribed.clear()
        self.client.connect(self.address.host, self.address.port)
        self.client.loop_start()
        assert self.subscribed.wait(WAIT_S)

    def disconnect(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def take(self, count: int) -> list[tuple[str, bytes, int]]:
        return [self.messages.get(timeout=WAIT_S) for _ in range(count)]


def publish(
    broker: EmbeddedBroker, messages: list[tuple[str, bytes]], retain: bool = False
) -> None:
    address = BrokerAddress.parse(broker.url)
    client = make_client("test-publisher", address, persistent=False)
    client.connect(address.host, address.port)
    client.loop_start()
    infos = [client.publish(topic, payload, qos=1, retain=retain) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(WAIT_S)  # PUBACK received: the broker has it
        assert info.is_published()
    client.disconnect()
    client.loop_stop()


def test_qos1_round_trip(broker: EmbeddedBroker) -> None:
    subscriber = Subscriber(broker, "sub-roundtrip", persistent=False)
    subscriber.connect()

    publish(broker, [("carewatch/v1/h-1/gw-1/readings", f"m{i}".encode()) for i in range(20)])

    got = subscriber.take(20)
    subscriber.disconnect()
    assert [payload for _, payload, _ in got] == [f"m{i}".encode() for i in range(20)]
    assert {qos for _, _, qos in got} == {1}


def test_persistent_session_gets_what_was_sent_while_away(broker: EmbeddedBroker) -> None:
    subscriber = Subscriber(broker, "ingest-1", persistent=True)
    subscriber.connect()
    subscriber.disconnect()

    publish(broker, [("carewatch/v1/h-1/gw-1/readings", f"q{i}".encode()) for i in range(5)])
    subscriber.connect()

    got = subscriber.take(5)
    subscriber.disconnect()
    assert sorted(payload for _, payload, _ in got) == [f"q{i}".encode() for i in range(5)]


def test_retained_status_reaches_a_late_subscriber(broker: EmbeddedBroker) -> None:
    publish(broker, [("carewatch/v1/h-1/gw-1/status", b'{"state":"online"}')], retain=True)
    subscriber = Subscriber(broker, "late", persistent=False)

    subscriber.connect()

    assert subscriber.take(1)[0][:2] == ("carewatch/v1/h-1/gw-1/status", b'{"state":"online"}')
    subscriber.disconnect()


def test_a_taken_port_is_a_config_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            EmbeddedBroker(port=port).start()


def test_stop_closes_the_port_and_is_idempotent() -> None:
    broker = EmbeddedBroker(port=0)
    broker.start()
    broker.stop()
    broker.stop()

    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", broker.port)) != 0
