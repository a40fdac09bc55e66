"""Ingest confirms to each gateway, on ``…/<gateway>/acks``, what it has made durable."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from carewatch.protocol import Kind, Receipt, acks_topic, decode, readings_topic
from carewatch.store import Store
from carewatch.store.factory import open_store
from tests.ingest.helpers import (
    Publisher,
    Subscriber,
    readings_message,
    running,
    settings_for,
    wait_until,
)
from tests.servers import Mosquitto

HOME = "home-1"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    yield store
    store.close()


def confirmed(subscriber: Subscriber, gateway: str) -> list[int]:
    """Every seq confirmed to ``gateway`` so far, in the order the receipts came."""
    seqs: list[int] = []
    for topic, payload in list(subscriber.received):
        assert topic == acks_topic(HOME, gateway), f"a receipt for {gateway} on {topic}"
        receipt = decode(payload, Receipt)
        assert receipt.gateway == gateway
        seqs += receipt.seqs
    return seqs


def test_receipts_follow_the_store_write_for_new_duplicate_and_refused_messages(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    receipts = Subscriber(mosquitto.port, acks_topic(HOME, "gw-1"))
    others = Subscriber(mosquitto.port, acks_topic(HOME, "gw-2"))
    publisher = Publisher(mosquitto.port)
    topic = readings_topic(HOME, "gw-1")
    refused = readings_message("gw-1", 5).replace(b'"value":60', b'"value":900', 1)
    with running(settings_for(mosquitto.url, tmp_path), store):
        for seq in range(5):
            publisher.publish(topic, readings_message("gw-1", seq))
        publisher.publish(topic, refused)  # dead-lettered, and settled all the same
        publisher.publish(topic, b'{"gateway": "gw-1", "seq": ')  # no seq to confirm
        publisher.publish(topic, readings_message("gw-2", 9))  # not gw-1's: dead letter
        publisher.flush()
        wait_until(lambda: set(confirmed(receipts, "gw-1")) == set(range(6)), 30, "receipts")
        # Confirmed only once written: the store already holds every confirmed reading.
        assert len(store.query(HOME, Kind.HEART_RATE, 0, 4e9)) == 5 * 50
        publisher.publish(topic, readings_message("gw-1", 2))  # a re-send: confirmed again
        publisher.publish(readings_topic(HOME, "gw-2"), readings_message("gw-2", 0))
        publisher.flush()
        wait_until(lambda: confirmed(receipts, "gw-1").count(2) == 2, 30, "the re-send's receipt")
        wait_until(lambda: confirmed(others, "gw-2") == [0], 30, "gw-2's receipt")
    publisher.close()
    receipts.close()
    others.close()
    assert sorted(confirmed(receipts, "gw-1")) == [0, 1, 2, 2, 3, 4, 5]  # nothing else
