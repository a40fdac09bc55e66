"""MQTT peers for the broker tests: one paho client per account, made by carewatch.mqtt."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho

from carewatch.mqtt import BrokerAddress, make_client
from tests.deploy.broker import Account

TIMEOUT = 10.0


class Peer:
    """A client logged in (or trying to log in) as one account; records what it receives."""

    def __init__(
        self,
        port: int,
        account: Account | None,
        client_id: str,
        *,
        tls_ca: Path | None = None,
        persistent: bool = False,
    ) -> None:
        address = BrokerAddress(
            host="localhost" if tls_ca else "127.0.0.1",
            port=port,
            tls=tls_ca is not None,
            username=account.username if account else None,
            password=account.password if account else None,
        )
        self.client = make_client(client_id, address, ca_file=tls_ca, persistent=persistent)
        self.address = address
        self.received: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._connack: queue.Queue[str | None] = queue.Queue()
        self._subacks: dict[int, queue.Queue[list[int]]] = {}
        self.disconnected = threading.Event()
        self.client.on_connect = self._on_connect
        self.client.on_connect_fail = self._on_connect_fail
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect

    def connect(self) -> str | None:
        """Connect; ``None`` when accepted, else why it was refused."""
        self.client.connect_async(self.address.host, self.address.port)
        self.client.loop_start()
        try:
            return self._connack.get(timeout=TIMEOUT)
        except queue.Empty:
            return "no answer"

    def subscribe(self, topic: str) -> list[int]:
        """Subscribe at QoS 1; the SUBACK's granted codes (0x80 = refused)."""
        result, mid = self.client.subscribe(topic, qos=1)
        assert result == paho.MQTT_ERR_SUCCESS and mid is not None
        # setdefault on both sides: the SUBACK may be handled before this line runs
        return self._subacks.setdefault(mid, queue.Queue()).get(timeout=TIMEOUT)

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish at QoS 1 and wait for the broker's PUBACK.

        Mosquitto routes (or, by ACL, drops) a message before acknowledging it, so
        anything published after this returns reaches each subscriber after it.
        """
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        assert info.rc == paho.MQTT_ERR_SUCCESS
        info.wait_for_publish(timeout=TIMEOUT)
        assert info.is_published(), f"no PUBACK for {topic}"

    def publish_forbidden(self, topic: str, payload: bytes) -> None:
        """Publish where the ACL forbids it, then hang up.

        Mosquitto 2.0 drops the message, acknowledges it and closes the connection
        (MQTT 3.1.1 allows either); wait for one of those so the broker has handled it.
        """
        info = self.client.publish(topic, payload, qos=1)
        assert info.rc == paho.MQTT_ERR_SUCCESS
        deadline = time.monotonic() + TIMEOUT
        while not (self.disconnected.is_set() or info.is_published()):
            assert time.monotonic() < deadline, f"broker never answered the publish to {topic}"
            time.sleep(0.01)
        self.close()

    def messages_until(self, topic: str, payload: bytes) -> list[tuple[str, bytes]]:
        """Every message received up to and including ``(topic, payload)``."""
        seen: list[tuple[str, bytes]] = []
        while True:
            try:
                message = self.received.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"{topic} {payload!r} never arrived; got {seen}") from None
            seen.append(message)
            if message == (topic, payload):
                return seen

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self._connack.put(str(reason) if reason.is_failure else None)
        if reason.is_failure:
            client.disconnect()  # stop paho retrying with credentials we know are bad

    def _on_connect_fail(self, client: Any, userdata: Any) -> None:
        self._connack.put("connection failed")
        client.disconnect()

    def _on_disconnect(self, client: Any, userdata: Any, *args: Any) -> None:
        self.disconnected.set()

    def _on_message(self, client: Any, userdata: Any, message: paho.MQTTMessage) -> None:
        self.received.put((message.topic, bytes(message.payload)))

    def _on_subscribe(
        self, client: Any, userdata: Any, mid: int, codes: list[Any], props: Any
    ) -> None:
        self._subacks.setdefault(mid, queue.Queue()).put([int(code.value) for code in codes])
