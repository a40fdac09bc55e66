"""Readings history and aggregates served from a real SQLite store, within grants and consent."""

from carewatch.records import ReadingRecord
from tests.api.conftest import NOW, World


def seed(world: World) -> None:
    admin = world.auth("admin")
    r = world.client.put(
        "/api/v1/homes/h-1/sensors/hr-rose",
        json={"kind": "heart_rate", "resident_id": "r-1"},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    world.client.post(
        "/api/v1/residents",
        json={"id": "r-3", "home_id": "h-1", "display_name": "Cyril Cole"},
        headers=admin,
    )
    world.client.put(
        "/api/v1/homes/h-1/sensors/hr-cyril",
        json={"kind": "heart_rate", "resident_id": "r-3"},
        headers=admin,
    )
    world.store.write(
        [
            ReadingRecord(home="h-1", sensor="tap-1", kind="tap", ts=NOW - 3600, value=0.25),
            ReadingRecord(home="h-1", sensor="tap-1", kind="tap", ts=NOW - 1800, value=0.5),
            ReadingRecord(home="h-1", sensor="hr-rose", kind="heart_rate", ts=NOW - 60, value=72),
            ReadingRecord(home="h-1", sensor="hr-cyril", kind="heart_rate", ts=NOW - 50, value=90),
            ReadingRecord(home="h-2", sensor="tap-2", kind="tap", ts=NOW - 100, value=0.3),
        ]
    )


def test_a_family_member_reads_their_relatives_history(world: World) -> None:
    seed(world)
    family = world.auth("family-a")
    taps = world.client.get(
        "/api/v1/residents/r-1/readings", params={"kind": "tap"}, headers=family
    ).json()
    assert [(r["ts"], r["value"]) for r in taps] == [(NOW - 3600, 0.25), (NOW - 1800, 0.5)]
    hearts = world.client.get(
        "/api/v1/residents/r-1/readings", params={"kind": "heart_rate"}, headers=family
    ).json()
    assert [r["sensor"] for r in hearts] == ["hr-rose"]  # not the other resident's wearable
    days = world.client.get(
        "/api/v1/residents/r-1/aggregates",
        params={"kind": "tap", "window": "day", "start": NOW - 86_400},
        headers=family,
    ).json()
    assert sum(d["count"] for d in days) == 2 and abs(sum(d["sum"] for d in days) - 0.75) < 1e-9


def test_withheld_consent_and_bad_spans_are_refused_clearly(world: World) -> None:
    seed(world)
    admin = world.auth("admin")
    r = world.client.patch(
        "/api/v1/residents/r-1", json={"consent": {"heart_rate": False}}, headers=admin
    )
    assert r.json()["consent"] == {"heart_rate": False}
    refused = world.client.get(
        "/api/v1/residents/r-1/readings",
        params={"kind": "heart_rate"},
        headers=world.auth("carer-a"),
    )
    assert refused.status_code == 403 and "heart_rate" in refused.json()["detail"]
    backwards = world.client.get(
        "/api/v1/residents/r-1/readings",
        params={"kind": "tap", "start": NOW, "end": NOW - 10},
        headers=admin,
    )
    assert backwards.status_code == 422 and "start" in backwards.text
    too_long = world.client.get(
        "/api/v1/residents/r-1/readings",
        params={"kind": "tap", "start": NOW - 90 * 86_400, "end": NOW},
        headers=admin,
    )
    assert too_long.status_code == 422 and "31 days" in too_long.text


def test_reads_are_audited_with_who_and_which_resident(world: World) -> None:
    world.client.get("/api/v1/residents/r-1", headers=world.auth("family-a"))
    entries = world.client.get(
        "/api/v1/audit", params={"resident_id": "r-1"}, headers=world.auth("admin")
    ).json()
    latest = entries[0]
    assert (latest["user_id"], latest["action"], latest["what"]) == (
        world.user_ids["family-a"],
        "read",
        "resident",
    )


def test_homes_are_removed_only_once_empty(world: World) -> None:
    admin = world.auth("admin")
    assert world.client.delete("/api/v1/homes/h-2", headers=admin).status_code == 409
    assert world.client.delete("/api/v1/residents/r-2", headers=admin).status_code == 204
    assert world.client.delete("/api/v1/homes/h-2", headers=admin).status_code == 204
    assert [h["id"] for h in world.client.get("/api/v1/homes", headers=admin).json()] == ["h-1"]
    assert world.client.get("/api/v1/residents/r-2", headers=admin).status_code == 404
