"""Alerts and summaries from MQTT: stored once, malformed ones counted, nothing lost."""

import threading
import time
from pathlib import Path

from api.events import Change
from carewatch.protocol import (
    DailySummary,
    OutputReceipt,
    alerts_topic,
    decode,
    encode,
    output_digest,
    receipts_topic,
    summaries_topic,
)
from tests.api.conftest import NOW, World, alert_for, build_world, close_world
from tests.api.test_notifications import publish, wait_for
from tests.ingest.helpers import Subscriber
from tests.servers import Mosquitto


def handle(world: World, topic: str, payload: bytes) -> str:
    outcome: str = world.app.state.services.ingestor.handle(topic, payload)
    return outcome


def count_alerts(world: World) -> int:
    return len(world.client.get("/api/v1/alerts", headers=world.auth("admin")).json())


def test_malformed_messages_are_counted_and_never_stored(world: World) -> None:
    before = count_alerts(world)
    bad = [
        (alerts_topic("h-1"), b"not json"),
        (alerts_topic("h-1"), b'{"home": "h-1", "kind": "boredom"}'),
        (alerts_topic("h-2"), encode(alert_for("h-1", "r-1", start=NOW - 5))),  # wrong home
        ("carewatch/v1/Mrs-Smith/alerts", encode(alert_for("h-1", "r-1"))),
        (summaries_topic("h-1"), b'{"home": "h-1", "date": "yesterday"}'),
    ]
    assert [handle(world, topic, payload) for topic, payload in bad] == ["malformed"] * 5
    assert count_alerts(world) == before
    metrics = world.client.get("/metrics").text
    assert 'carewatch_api_messages_total{channel="alerts",outcome="malformed"} 4.0' in metrics
    assert 'carewatch_api_messages_total{channel="summaries",outcome="malformed"} 1.0' in metrics


def test_a_redelivered_alert_is_stored_once(world: World) -> None:
    alert = alert_for("h-1", "r-1", kind="stress", start=NOW - 100)
    assert handle(world, alerts_topic("h-1"), encode(alert)) == "stored"
    assert handle(world, alerts_topic("h-1"), encode(alert)) == "duplicate"
    home_level = alert_for("h-1", None, kind="sensor_health", start=NOW - 50)
    assert handle(world, alerts_topic("h-1"), encode(home_level)) == "stored"
    assert handle(world, alerts_topic("h-1"), encode(home_level)) == "duplicate"
    # A home-level alert is visible to those granted someone living there, and no one else.
    kinds_a = {
        a["kind"] for a in world.client.get("/api/v1/alerts", headers=world.auth("carer-a")).json()
    }
    kinds_b = {
        a["kind"] for a in world.client.get("/api/v1/alerts", headers=world.auth("carer-b")).json()
    }
    assert "sensor_health" in kinds_a and "sensor_health" not in kinds_b


def test_a_resent_summary_replaces_the_day(world: World) -> None:
    def summary(litres: float) -> bytes:
        return encode(
            DailySummary(
                home="h-1",
                date="2025-11-14",
                tap_litres=litres,
                tap_uses=5,
                toilet_day=4,
                toilet_night=1,
                chair_minutes=200.0,
            )
        )

    assert handle(world, summaries_topic("h-1"), summary(1.0)) == "stored"
    assert handle(world, summaries_topic("h-1"), summary(1.3)) == "stored"
    days = world.client.get(
        "/api/v1/residents/r-1/summaries", headers=world.auth("family-a")
    ).json()
    assert [(d["date"], d["tap_litres"]) for d in days] == [("2025-11-14", 1.3)]
    other = world.client.get("/api/v1/residents/r-2/summaries", headers=world.auth("family-b"))
    assert other.json() == []


def test_alerts_published_while_the_api_is_down_arrive_when_it_returns(
    tmp_path: Path, mosquitto: Mosquitto
) -> None:
    first = build_world(tmp_path, broker_url=mosquitto.url, background=True)
    with first.client:  # connects once, so the broker keeps the persistent session
        wait_for(first.app.state.services.consumer.connected, "the first connection")
    close_world(first)
    publish(mosquitto, alerts_topic("h-2"), encode(alert_for("h-2", "r-2", start=NOW - 42)))

    from tests.api.conftest import open_world

    second = open_world(tmp_path, first, broker_url=mosquitto.url, background=True)
    with second.client:
        wait_for(lambda: count_alerts(second) == 1, "the alert queued while the API was down")
    close_world(second)


def test_stored_and_repeated_messages_are_confirmed_to_ingest_malformed_ones_not(
    tmp_path: Path, mosquitto: Mosquitto
) -> None:
    receipts = Subscriber(mosquitto.port, "carewatch/v1/+/receipts")
    world = build_world(tmp_path, broker_url=mosquitto.url, background=True)
    alert = encode(alert_for("h-2", "r-2", start=NOW - 42))
    summary = encode(DailySummary("h-1", "2025-11-14", 1.5, 5, 4, 1, 200.0))
    malformed = alert.replace(b'"home":"h-2"', b'"home":"h-1"')  # not the topic's home

    def confirmed() -> list[tuple[str, list[str]]]:
        return [(t, decode(p, OutputReceipt).digests) for t, p in list(receipts.received)]

    try:
        with world.client:
            wait_for(world.app.state.services.consumer.connected, "the API's connection")
            publish(mosquitto, alerts_topic("h-2"), malformed)
            publish(mosquitto, alerts_topic("h-2"), alert)
            publish(mosquitto, summaries_topic("h-1"), summary)
            publish(mosquitto, alerts_topic("h-2"), alert)  # a copy ingest sent again
            wait_for(lambda: len(confirmed()) >= 3, "three receipts")
            assert count_alerts(world) == 1
    finally:
        close_world(world)
        receipts.close()
    assert confirmed() == [
        (receipts_topic("h-2"), [output_digest(alert)]),
        (receipts_topic("h-1"), [output_digest(summary)]),
        (receipts_topic("h-2"), [output_digest(alert)]),
    ]


def test_event_stream_carries_only_the_users_residents(world: World) -> None:
    hub = world.app.state.services.hub

    def publish_when_subscribed() -> None:
        deadline = time.monotonic() + 10
        while not hub._queues and time.monotonic() < deadline:
            time.sleep(0.01)
        hub.publish(Change(101, "h-1", "r-1", "open"))
        hub.publish(Change(202, "h-2", "r-2", "open"))
        hub.publish(Change(303, "h-1", None, "open"))  # home-level, Rose's home

    thread = threading.Thread(target=publish_when_subscribed)
    thread.start()
    with world.client.stream("GET", "/api/v1/events", headers=world.auth("carer-a")) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = response.read().decode()  # the stream ends after sse_lifetime_seconds
    thread.join()
    assert "event: ready" in body
    assert '"alert_id":101' in body.replace(" ", "") and '"alert_id":303' in body.replace(" ", "")
    assert "202" not in body
