"""Answers match the published schema: every 422 is a list of located problems, and
values the schema forbids are refused rather than coerced (issue 14, finding 8)."""

import pytest

from tests.api.conftest import NOW, World


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None, "false"])
def test_a_consent_value_must_be_a_boolean(world: World, value: object) -> None:
    r = world.client.patch(
        "/api/v1/residents/r-1", json={"consent": {"tap": value}}, headers=world.auth("admin")
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "consent", "tap"]


def test_a_consent_key_must_be_a_kind(world: World) -> None:
    r = world.client.patch(
        "/api/v1/residents/r-1", json={"consent": {"toothbrush": True}}, headers=world.auth("admin")
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:2] == ["body", "consent"]


def test_refusals_from_the_handlers_have_the_validation_shape(world: World) -> None:
    admin = world.auth("admin")
    backwards = world.client.get(
        "/api/v1/residents/r-1/readings",
        params={"kind": "tap", "start": NOW, "end": NOW - 10},
        headers=admin,
    )
    mismatch = world.client.put(
        "/api/v1/homes/h-1", json={"id": "h-9", "label": "X", "tz": "UTC"}, headers=admin
    )
    no_home = world.client.post(
        "/api/v1/residents",
        json={"id": "r-9", "home_id": "h-404", "display_name": "N"},
        headers=admin,
    )
    assert backwards.json()["detail"] == [
        {"loc": ["query", "start"], "msg": "must be before end", "type": "value_error"}
    ]
    assert mismatch.json()["detail"][0]["loc"] == ["body", "id"]
    assert no_home.json()["detail"][0] == {
        "loc": ["body", "home_id"],
        "msg": "no such home",
        "type": "value_error",
    }


def test_ids_in_paths_match_whole(world: World) -> None:
    admin = world.auth("admin")
    for bad in ("h-1%0A", "h-1%0D", "h-1%00"):
        r = world.client.put(
            f"/api/v1/homes/{bad}", json={"id": "h-1", "label": "X"}, headers=admin
        )
        assert r.status_code == 422, (bad, r.text)


def test_a_user_id_must_be_a_number_not_a_string_of_one(world: World) -> None:
    r = world.client.post(
        "/api/v1/grants",
        json={"user_id": str(world.user_ids["carer-b"]), "resident_id": "r-1"},
        headers=world.auth("admin"),
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "user_id"]
