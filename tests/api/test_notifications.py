"""Alerts over real Mosquitto reach the routed carer through Apprise, and escalate."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from api.routing import parse_rules
from carewatch.protocol import Alert, DailySummary, Kind, alerts_topic, encode
from detectors.config import HOUR
from detectors.inactivity import Inactivity
from tests.api.conftest import NOW, World, alert_for, build_world, close_world
from tests.api.webhook import Inbox, webhook_inbox
from tests.detectors.standalone import T0, FakeHome, as_view
from tests.servers import Mosquitto

RULES = parse_rules("""
[[rules]]
name = "day-low"
severities = ["low"]
hours = "07:00-22:00"
steps = [
  {after_minutes = 0, notify = ["family"]},
  {after_minutes = 30, notify = ["carers"]},
]

[[rules]]
name = "night"
hours = "22:00-07:00"
steps = [
  {after_minutes = 0, notify = ["user:carer-b"]},
  {after_minutes = 15, notify = ["lead:north"]},
]
""")
NIGHT = NOW - 8 * 3600  # 02:46 in Paris, where h-2 is
PEOPLE = ("carer-a", "carer-b", "lead-b", "family-a", "family-b")


def wait_for(condition: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    """Wait for something another process or thread does (never for time logic)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with webhook_inbox() as box:
        yield box


def publish(broker: Mosquitto, topic: str, payload: bytes) -> None:
    client = paho.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="test-pub")
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(timeout=10)
    client.disconnect()
    client.loop_stop()


def alerts_seen(world: World, who: str) -> list[dict[str, object]]:
    response = world.client.get("/api/v1/alerts", headers=world.auth(who))
    assert response.status_code == 200
    result: list[dict[str, object]] = response.json()
    return result


def notifying_world(tmp_path: Path, mosquitto: Mosquitto, inbox: Inbox) -> World:
    """The world on real Mosquitto, with the routing rules and everyone's inbox."""
    return build_world(
        tmp_path,
        rules=RULES,
        notify_urls={who: inbox.url(f"/{who}") for who in PEOPLE},
        broker_url=mosquitto.url,
        background=True,
        token_minutes=240,  # the clock moves on by more than a default token lives
        escalation_tick_seconds=3600,  # only new alerts wake the loop; the test ticks itself
    )


def test_alert_from_mqtt_is_delivered_escalated_and_stops_when_acknowledged(
    tmp_path: Path, mosquitto: Mosquitto, inbox: Inbox
) -> None:
    world = notifying_world(tmp_path, mosquitto, inbox)
    with world.client:  # runs the lifespan: MQTT consumer and escalation loop
        wait_for(world.app.state.services.consumer.connected, "the API to connect")
        first = alert_for(
            "h-2",
            "r-2",
            kind="night_wandering",
            severity="high",
            detected_at=NIGHT,
            start=NIGHT - 900,
            explanation="Up and about at 02:30 for 40 minutes; usually sleeps.",
        )
        publish(mosquitto, alerts_topic("h-2"), encode(first))
        wait_for(lambda: alerts_seen(world, "carer-b"), "the alert to reach the API")
        [stored] = alerts_seen(world, "carer-b")
        assert stored["explanation"] == first.explanation and stored["state"] == "open"
        assert alerts_seen(world, "carer-a") == []  # not carer-a's resident

        wait_for(lambda: inbox.to("/carer-b"), "the on-call carer's notification")
        [note] = inbox.to("/carer-b")
        assert "Bert Baker" in note["title"] and first.explanation in note["message"]
        assert inbox.to("/lead-b") == [] and inbox.to("/carer-a") == []

        services = world.app.state.services
        world.clock.advance(14 * 60)
        assert services.escalator.tick() == 0
        assert inbox.to("/lead-b") == []
        world.clock.advance(60)
        assert services.escalator.tick() == 1
        assert len(inbox.to("/lead-b")) == 1  # not acknowledged in 15 min: the team lead

        # A redelivery of the same alert is stored and sent once.
        publish(mosquitto, alerts_topic("h-2"), encode(first))
        second = alert_for(
            "h-2",
            "r-2",
            kind="stress",
            severity="medium",
            detected_at=NIGHT + 60,
            start=NIGHT - 300,
            explanation="Heart rate 25 bpm above usual while at rest.",
        )
        publish(mosquitto, alerts_topic("h-2"), encode(second))
        wait_for(lambda: len(alerts_seen(world, "carer-b")) == 2, "the second alert")
        wait_for(lambda: len(inbox.to("/carer-b")) == 2, "the second notification")
        second_id = next(a["id"] for a in alerts_seen(world, "carer-b") if a["kind"] == "stress")
        ack = world.client.post(
            f"/api/v1/alerts/{second_id}/acknowledge",
            json={"note": "on my way"},
            headers=world.auth("carer-b"),
        )
        assert ack.status_code == 200 and ack.json()["state"] == "acknowledged"

        world.clock.advance(60 * 60)
        assert services.escalator.tick() == 0
        assert len(inbox.to("/lead-b")) == 1  # acknowledged: no escalation
        assert len(inbox.to("/carer-b")) == 2

        deliveries = world.client.get(
            f"/api/v1/alerts/{second_id}/deliveries", headers=world.auth("carer-b")
        ).json()
        assert [(d["step"], d["attempt"], d["ok"]) for d in deliveries] == [(0, 1, True)]
        metrics = world.client.get("/metrics").text
        assert 'carewatch_api_messages_total{channel="alerts",outcome="duplicate"} 1.0' in metrics
    close_world(world)


def test_low_severity_by_day_goes_to_family_first_then_carers(tmp_path: Path, inbox: Inbox) -> None:
    world = build_world(
        tmp_path, rules=RULES, notify_urls={who: inbox.url(f"/{who}") for who in PEOPLE}
    )
    world.ingest(alert_for("h-1", "r-1", severity="low"))  # 10:36 in London
    assert len(inbox.to("/family-a")) == 1
    assert inbox.to("/carer-a") == [] and inbox.to("/family-b") == []
    world.clock.advance(30 * 60)
    world.app.state.services.escalator.tick()
    assert len(inbox.to("/carer-a")) == 1
    close_world(world)


def test_every_failed_attempt_is_recorded(tmp_path: Path, inbox: Inbox) -> None:
    urls = {who: inbox.url(f"/{who}") for who in PEOPLE} | {"carer-b": inbox.url("/broken")}
    world = build_world(tmp_path, rules=RULES, notify_urls=urls)
    alert_id = world.ingest(alert_for("h-2", "r-2", severity="high", detected_at=NIGHT))
    deliveries = world.client.get(
        f"/api/v1/alerts/{alert_id}/deliveries", headers=world.auth("admin")
    ).json()
    assert [(d["attempt"], d["ok"]) for d in deliveries] == [(1, False), (2, False)]
    assert len(inbox.to("/broken")) == 2  # Notifier(attempts=2) really tried twice
    close_world(world)


def test_a_spanish_carer_is_notified_in_spanish(
    tmp_path: Path, mosquitto: Mosquitto, inbox: Inbox
) -> None:
    world = notifying_world(tmp_path, mosquitto, inbox)
    user = f"/api/v1/users/{world.user_ids['carer-b']}"
    changed = world.client.patch(user, json={"language": "es"}, headers=world.auth("admin"))
    assert changed.status_code == 200
    late = not_up_yet()  # the detector's own alert, with its phrases
    alert = msgspec.structs.replace(late, home="h-2", resident="r-2", detected_at=NIGHT)
    with world.client:
        wait_for(world.app.state.services.consumer.connected, "the API to connect")
        publish(mosquitto, alerts_topic("h-2"), encode(alert))
        wait_for(lambda: inbox.to("/carer-b"), "the on-call carer's notification")
    [note] = inbox.to("/carer-b")
    assert note["title"] == "CareWatch (pronto): Bert Baker: ningún movimiento en casa"
    assert note["message"].startswith("Todavía no se ha levantado a las 10:00: sigue en la cama.")
    assert "Confírmela en el panel de cuidadores." in note["message"]
    [stored] = alerts_seen(world, "carer-b")
    assert stored["explanation"] == late.explanation  # the record stays as it was written
    close_world(world)


def not_up_yet() -> Alert:
    """An inactivity alert raised by the detector itself, on a home built by hand."""
    home = FakeHome(in_bed=True).with_sensors(bed=Kind.BED, hall=Kind.MOTION)
    home.night.in_night = True
    for _ in range(10):
        home.night.wake.learn_one(7 * 60.0)
    home.last_activity = T0 - 2 * HOUR
    out: list[Alert | DailySummary] = []
    Inactivity().check(as_view(home), T0 + 10 * HOUR, out)
    [alert] = [a for a in out if isinstance(a, Alert)]
    return alert
