"""The service keeps each alert until the API's receipt arrives through the broker."""

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import (
    Alert,
    AlertKind,
    GatewayStatus,
    OutputReceipt,
    Severity,
    alerts_topic,
    encode,
    output_digest,
    readings_topic,
    receipts_topic,
)
from carewatch.records import ReadingRecord
from carewatch.store import Store
from carewatch.store.factory import open_store
from ingest.sink import Output
from tests.ingest.helpers import (
    Publisher,
    metric,
    readings_message,
    running,
    settings_for,
    wait_until,
)
from tests.servers import Mosquitto

HOME = "home-1"
UNCONFIRMED = "carewatch_ingest_outputs_unconfirmed"


class FakeApi:
    """The API's session (persistent, subscribed on every connection), never confirming."""

    def __init__(self, port: int) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.subscribed = threading.Event()
        self.client = make_client("fake-api", BrokerAddress("127.0.0.1", port))
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_connect = lambda client, *_: client.subscribe(alerts_topic(HOME), 1)
        self.client.on_message = lambda c, u, m: self.received.append((m.topic, m.payload))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class AlertPerBatch:
    """A sink raising one stress alert per stored batch, dated by its first reading."""

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        start = records[0].ts
        return [Alert(HOME, AlertKind.STRESS, start + 60, start, Severity.LOW, "Raised.")]

    def status(self, home: str, status: GatewayStatus, received_at: float) -> Sequence[Output]:
        return ()

    def tick(self, now: float) -> Sequence[Output]:
        return ()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    yield store
    store.close()


def test_an_alert_is_sent_again_after_a_broker_restart_until_the_api_confirms_it(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    api = FakeApi(mosquitto.port)
    assert api.subscribed.wait(30), "the fake API did not subscribe"
    settings = settings_for(mosquitto.url, tmp_path, output_confirm_timeout_s=3600)
    with running(settings, store, sink=AlertPerBatch()) as service:
        publisher = Publisher(mosquitto.port)
        publisher.publish(readings_topic(HOME, "gw-1"), readings_message("gw-1", 0))
        publisher.close()
        wait_until(lambda: len(api.received) == 1, 30, "the alert")
        assert metric(service, UNCONFIRMED) == 1
        mosquitto.stop()
        mosquitto.start()
        # Sent again on reconnecting (the probe's wait is an hour): the broker may have lost it.
        wait_until(lambda: len(api.received) >= 2, 60, "the alert again")
        assert api.received[0] == api.received[1]
        assert metric(service, "carewatch_ingest_outputs_resent_total") >= 1
        confirm = Publisher(mosquitto.port, client_id="the-api")
        receipt = OutputReceipt([output_digest(api.received[0][1])])
        confirm.publish(receipts_topic(HOME), encode(receipt))
        confirm.close()
        wait_until(lambda: metric(service, UNCONFIRMED) == 0, 30, "the receipt applied")
        assert metric(service, "carewatch_ingest_dead_letters_total") == 0  # not a reading
        assert metric(service, "carewatch_ingest_messages_received_total", channel="receipts")
    api.close()
