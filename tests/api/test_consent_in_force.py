"""Consent records in force: streams hidden per role, validity, history, and ingest told.

Rose (r-1) shares home h-1 with Cyril (``shared_home``); carer-a and family-a are granted
Rose. Her consent lets only carers see heart rate and withholds the bed sensor.
"""

from pathlib import Path
from typing import Any

import pytest

from api.consumer import MqttConsumer
from api.policy import PolicyPublisher, PolicyTicker
from carewatch.protocol import Kind, Reading, ReadingsBatch, encode, readings_topic
from carewatch.store import open_store
from ingest.service import IngestService
from tests.api.conftest import NOW, World
from tests.ingest.helpers import Publisher, running, settings_for, wait_until
from tests.servers import Mosquitto

SPAN = {"start": NOW - 86_400, "end": NOW}
DAY = 86_400.0


def consent(world: World, resident: str = "r-1", **fields: Any) -> dict[str, Any]:
    body = {
        "agreed_by": "Rose Able",
        "basis": "self",
        "monitoring": True,
        "roles": {"heart_rate": ["carer"]},
        "withheld": ["bed"],
        "evidence": "signed form CW-17, kept at the office",
    } | fields
    response = world.client.post(
        f"/api/v1/residents/{resident}/consents", json=body, headers=world.auth("admin")
    )
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def status(world: World, who: str, path: str, **params: object) -> int:
    return world.client.get(path, params=params, headers=world.auth(who)).status_code


@pytest.mark.parametrize(
    ("who", "heart_rate"), [("carer-a", 200), ("family-a", 403), ("admin", 403)]
)
def test_a_stream_a_role_may_not_see_is_hidden_from_it(
    shared_home: World, who: str, heart_rate: int
) -> None:
    consent(shared_home)
    readings, aggregates = "/api/v1/residents/r-1/readings", "/api/v1/residents/r-1/aggregates"
    assert status(shared_home, who, readings, kind="heart_rate", **SPAN) == heart_rate
    assert status(shared_home, who, aggregates, kind="heart_rate", **SPAN) == heart_rate
    assert status(shared_home, who, readings, kind="tap", **SPAN) == 200
    assert status(shared_home, who, readings, kind="bed", **SPAN) == 403  # not even collected
    summaries = shared_home.client.get(
        "/api/v1/residents/r-1/summaries", headers=shared_home.auth(who)
    ).json()
    assert summaries, "the fixture has a day of summaries"
    assert all(day["night_episodes"] is None for day in summaries)  # a bed figure
    assert all(day["tap_litres"] is not None for day in summaries)


def test_consent_in_force_follows_its_validity_and_changes_are_new_records(
    shared_home: World,
) -> None:
    first = consent(shared_home, valid_until=NOW + 600, roles={})
    readings = "/api/v1/residents/r-1/readings"
    assert status(shared_home, "family-a", readings, kind="heart_rate", **SPAN) == 200
    shared_home.clock.advance(601)  # expired: no consent in force, nothing shown
    assert status(shared_home, "carer-a", readings, kind="tap", **SPAN) == 403
    second = consent(shared_home, withheld=[], roles={"tap": ["family"]})
    assert second["supersedes"] is None  # none was in force when it was made
    third = consent(shared_home, withheld=["tap"])
    assert third["supersedes"] == second["id"]
    assert status(shared_home, "carer-a", readings, kind="heart_rate", **SPAN) == 200
    history = shared_home.client.get(
        "/api/v1/residents/r-1/consents", headers=shared_home.auth("admin")
    ).json()
    assert [r["id"] for r in history] == [third["id"], second["id"], first["id"]]
    assert history[-1] == first  # the first record is as it was made


def test_an_end_before_the_start_is_refused_naming_the_field(shared_home: World) -> None:
    body = {"agreed_by": "Rose Able", "basis": "self", "monitoring": True}
    response = shared_home.client.post(
        "/api/v1/residents/r-1/consents",
        json=body | {"valid_from": NOW, "valid_until": NOW - 1},
        headers=shared_home.auth("admin"),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "valid_until"]


def test_the_resident_page_shows_a_withheld_stream_as_not_armed(shared_home: World) -> None:
    consent(shared_home, withheld=["tap"])
    cookie = {"Cookie": f"carewatch_session={shared_home.tokens['carer-a']}"}
    page = shared_home.client.get("/carer/residents/r-1", headers=cookie)
    assert page.status_code == 200, page.text
    assert "dehydration: no consent to collect tap" in page.text


def test_ingest_learns_the_policy_from_the_api_through_the_broker(
    shared_home: World, mosquitto: Mosquitto, tmp_path: Path
) -> None:
    services = shared_home.app.state.services
    consumer = MqttConsumer(mosquitto.url, "api-policy-test", services.ingestor)
    consumer.start()
    store = open_store(f"sqlite:///{tmp_path}/ingest-readings.db")  # not the world's store
    gateway = Publisher(mosquitto.port)
    try:
        wait_until(consumer.connected, what="the API connected")
        publisher = PolicyPublisher(shared_home.clock, consumer.publish_retained)
        ticker = PolicyTicker(services.sessions, shared_home.clock, publisher)
        consent(shared_home, withheld=["heart_rate"], roles={})
        assert ticker.tick() == 3  # every organisation's homes: h-1 withholds heart rate
        assert ticker.tick() == 0  # nothing changed
        with running(settings_for(mosquitto.url, tmp_path), store) as ingest:
            wait_until(lambda: _withholds(ingest, "h-1"), what="ingest applied the policy")
            readings = [
                Reading("hr-rose", Kind.HEART_RATE, NOW - 60, 70.0),
                Reading("tap-1", Kind.TAP, NOW - 60, 0.2),
            ]
            gateway.publish(
                readings_topic("h-1", "gw-1"), encode(ReadingsBatch("gw-1", 0, NOW, readings))
            )
            gateway.flush()
            wait_until(lambda: store.query("h-1", Kind.TAP, 0, NOW), what="tap stored")
        assert store.query("h-1", Kind.HEART_RATE, 0, NOW) == []
    finally:
        gateway.close()
        consumer.stop()
        store.close()


def _withholds(ingest: IngestService, home: str) -> bool:
    hr = Reading("hr-x", Kind.HEART_RATE, NOW, 70.0)
    return not ingest.consent.keep(home, [hr])
