"""Shared by ingest's tests: payloads, a real publisher and subscriber, a running service."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from carewatch.clock import Clock, system_clock
from carewatch.protocol import Kind, Reading, ReadingsBatch, encode
from carewatch.records import ReadingRecord
from carewatch.settings import load_settings
from carewatch.store import Store
from ingest.service import IngestService
from ingest.settings import IngestSettings
from ingest.sink import Sink

T0 = 1_700_000_000.0


def readings_message(gateway: str, seq: int, count: int = 50, start: float | None = None) -> bytes:
    """A valid batch: ``count`` heart-rate readings, distinct per (gateway, seq)."""
    base = T0 + seq * count if start is None else start
    readings = [
        Reading(sensor=f"{gateway}-hr", kind=Kind.HEART_RATE, ts=base + i, value=60 + (i % 40))
        for i in range(count)
    ]
    return encode(ReadingsBatch(gateway=gateway, seq=seq, sent=base + count, readings=readings))


def expected_records(home: str, gateway: str, seq: int, count: int = 50) -> list[ReadingRecord]:
    """What :func:`readings_message` should become in the store."""
    base = T0 + seq * count
    return [
        ReadingRecord(home, f"{gateway}-hr", Kind.HEART_RATE, base + i, 60 + (i % 40))
        for i in range(count)
    ]


class Publisher:
    """A real paho publisher that waits until the broker has every QoS 1 message."""

    def __init__(
        self,
        url_port: int,
        client_id: str = "test-publisher",
        auth: tuple[str, str] | None = None,
        **will: Any,
    ) -> None:
        self.client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=paho.MQTTv311,
        )
        self.client.max_inflight_messages_set(1000)
        if will:
            self.client.will_set(**will)
        if auth:
            self.client.username_pw_set(*auth)
        self.client.connect("127.0.0.1", url_port, keepalive=60)
        self.client.loop_start()
        self._pending: list[paho.MQTTMessageInfo] = []

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        assert info.rc == paho.MQTT_ERR_SUCCESS, paho.error_string(info.rc)
        self._pending.append(info)

    def flush(self, timeout: float = 60.0) -> None:
        for info in self._pending:
            info.wait_for_publish(timeout)
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        self.client.disconnect()
        self.client.loop_stop()

    def kill(self) -> None:
        """Drop the connection without DISCONNECT, so the broker sends the will."""
        self.client.loop_stop()
        self.client.socket().close()  # type: ignore[union-attr]


class Subscriber:
    """A real subscriber collecting (topic, payload) pairs."""

    def __init__(self, port: int, topic: str) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311
        )
        subscribed = threading.Event()
        self.client.on_message = lambda c, u, m: self.received.append((m.topic, bytes(m.payload)))
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(topic, qos=1)
        self.client.loop_start()
        assert subscribed.wait(10), "no SUBACK"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait_until(condition: Callable[[], object], timeout: float = 60.0, what: str = "") -> None:
    """Poll a condition that depends on other processes (never used for time logic)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def settings_for(broker_url: str, tmp_path: Path, **overrides: Any) -> IngestSettings:
    values: dict[str, Any] = {
        "broker_url": broker_url,
        "state_path": tmp_path / "ingest-state.db",
        "http_port": 0,
        "batch_size": 500,
        "buffer_limit": 5_000,
        "batch_max_age_s": 0.05,
        "client_id": f"ingest-{tmp_path.name[-20:]}".replace(".", "-"),
    }
    values.update(overrides)
    return load_settings(IngestSettings, **values)


@contextmanager
def running(
    settings: IngestSettings, store: Store, *, sink: Sink | None = None, clock: Clock = system_clock
) -> Iterator[IngestService]:
    service = IngestService(settings, store, sink=sink, clock=clock)
    service.start()
    try:
        assert service.wait_connected(20), "ingest did not connect and subscribe"
        yield service
    finally:
        service.stop()


def metric(service: IngestService, name: str, **labels: str) -> float:
    value = service.metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value
