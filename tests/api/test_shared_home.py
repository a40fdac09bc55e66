"""Two residents in one home: every figure about one of them is theirs alone (issue 14, leak 3).

Rose (r-1, granted to family-a and carer-a) and Cyril (r-3) share home h-1; the
``shared_home`` fixture gives each a registered wristband, adds an unregistered one
tagged as Cyril's, a shared tap, and a day's summaries for the home and for Cyril.
"""

import threading
import time

import pytest

from api.events import Change
from tests.api.conftest import CYRIL_HR, LOOSE_HR, NOW, ROSE_HR, World

SPAN = {"start": NOW - 86_400, "end": NOW}


def get(world: World, path: str, who: str = "family-a", **params: object) -> list[dict[str, float]]:
    response = world.client.get(path, params=params, headers=world.auth(who))
    assert response.status_code == 200, response.text
    body: list[dict[str, float]] = response.json()
    return body


def test_readings_are_the_residents_own_wristband_only(shared_home: World) -> None:
    rose = get(shared_home, "/api/v1/residents/r-1/readings", kind="heart_rate", **SPAN)
    cyril = get(shared_home, "/api/v1/residents/r-3/readings", kind="heart_rate", who="admin")

    assert [r["value"] for r in rose] == list(ROSE_HR)
    assert {r["sensor"] for r in rose} == {"hr-rose"}
    assert [r["value"] for r in cyril] == list(CYRIL_HR)  # the unregistered one is no one's


@pytest.mark.parametrize("window", ["minute", "hour", "day"])
def test_heart_rate_aggregates_leave_the_housemate_out(shared_home: World, window: str) -> None:
    path = "/api/v1/residents/r-1/aggregates"
    rows = get(shared_home, path, kind="heart_rate", window=window, **SPAN)

    assert sum(r["count"] for r in rows) == len(ROSE_HR)
    assert max(r["max"] for r in rows) == max(ROSE_HR)
    assert min(r["min"] for r in rows) == min(ROSE_HR)


def test_the_housemates_aggregates_are_theirs_too(shared_home: World) -> None:
    rows = get(
        shared_home, "/api/v1/residents/r-3/aggregates", who="admin", kind="heart_rate", **SPAN
    )
    assert sum(r["count"] for r in rows) == len(CYRIL_HR)
    assert max(r["max"] for r in rows) == max(CYRIL_HR) and LOOSE_HR[0] not in {
        r["min"] for r in rows
    }


def test_the_shared_tap_counts_for_both(shared_home: World) -> None:
    for resident, who in (("r-1", "family-a"), ("r-3", "admin")):
        rows = get(
            shared_home, f"/api/v1/residents/{resident}/aggregates", who=who, kind="tap", **SPAN
        )
        assert sum(r["count"] for r in rows) == 2 and sum(r["sum"] for r in rows) == 0.75


def test_summaries_never_carry_the_housemates_heart_rate(shared_home: World) -> None:
    rose = get(shared_home, "/api/v1/residents/r-1/summaries")
    cyril = get(shared_home, "/api/v1/residents/r-3/summaries", who="admin")

    assert [(s["date"], s["resting_hr"], s["tap_litres"]) for s in rose] == [
        ("2025-11-14", None, 0.75)  # the home's day, without its heart rate
    ]
    assert [s["resting_hr"] for s in cyril] == [130.0]  # his own summary


def test_withheld_heart_rate_consent_blanks_it_in_summaries(shared_home: World) -> None:
    admin = shared_home.auth("admin")
    patched = shared_home.client.patch(
        "/api/v1/residents/r-3", json={"consent": {"heart_rate": False}}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    assert [
        s["resting_hr"] for s in get(shared_home, "/api/v1/residents/r-3/summaries", "admin")
    ] == [None]


def test_the_family_page_shows_today_from_the_residents_own_wristband(shared_home: World) -> None:
    shared_home.client.cookies.set("carewatch_session", shared_home.tokens["family-a"])
    page = shared_home.client.get("/family", params={"resident_id": "r-1"})
    shared_home.client.cookies.clear()

    assert page.status_code == 200, page.text
    mean = sum(ROSE_HR) / len(ROSE_HR)
    assert f"averaging {mean:.0f} beats per minute" in page.text
    assert "130" not in page.text and "Cyril" not in page.text


def test_the_event_stream_leaves_out_the_housemates_alerts(shared_home: World) -> None:
    hub = shared_home.app.state.services.hub

    def publish_when_subscribed() -> None:
        deadline = time.monotonic() + 10
        while not hub._queues and time.monotonic() < deadline:
            time.sleep(0.01)
        hub.publish(Change(101, "h-1", "r-1", "open"))
        hub.publish(Change(303, "h-1", "r-3", "open"))  # Cyril's, in Rose's home

    thread = threading.Thread(target=publish_when_subscribed)
    thread.start()
    headers = shared_home.auth("family-a")
    with shared_home.client.stream("GET", "/api/v1/events", headers=headers) as response:
        body = response.read().decode().replace(" ", "")
    thread.join()
    assert '"alert_id":101' in body and '"alert_id":303' not in body
