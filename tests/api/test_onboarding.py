"""Onboarding over JSON: each operation, and each refusal naming what to fix."""

import base64
import hashlib
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.models import Gateway
from gateway.config import config_from_mapping
from tests.api.conftest import World, close_world, open_world

BROKER_URL = "mqtts://broker.example.org:8883"


@pytest.fixture
def onboard(tmp_path: Path, world_template: tuple[Path, World]) -> Iterator[World]:
    """The populated world with Mosquitto's password and ACL files to manage."""
    import shutil

    source, template = world_template
    shutil.copy(source / "api.sqlite3", tmp_path / "api.sqlite3")
    (tmp_path / "passwd").write_text("ingest:$7$101$x$y\n")
    (tmp_path / "acl").write_text("user ingest\ntopic read carewatch/v1/+/+/readings")  # no \n
    world = open_world(
        tmp_path,
        template,
        broker_passwd_file=tmp_path / "passwd",
        broker_acl_file=tmp_path / "acl",
        gateway_broker_url=BROKER_URL,
    )
    yield world
    close_world(world)


def post(world: World, path: str, body: dict[str, Any]) -> Any:
    return world.client.post(path, json=body, headers=world.auth("admin"))


def test_a_home_is_added_with_its_sensors_once(onboard: World) -> None:
    body = {"id": "h-3", "label": "3 Mill Lane", "tz": "Europe/Dublin"}
    made = post(onboard, "/api/v1/homes", body | {"sensors": {"bed-1": "bed", "tap-k": "tap"}})
    assert made.status_code == 201, made.text
    assert made.json()["sensors"] == {"bed-1": "bed", "tap-k": "tap"}
    setup = onboard.client.get("/api/v1/homes/h-3/setup", headers=onboard.auth("admin"))
    assert setup.json() == made.json() | {"gateways": []}
    again = post(onboard, "/api/v1/homes", body)
    assert again.status_code == 409 and "exists already" in again.json()["detail"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("tz", "Europe/Londn", "did you mean 'Europe/London'?"),
        ("tz", "Moon/Base", "Area/City, such as 'Europe/London'"),
        ("id", "Home 3", "should match pattern"),
        ("sensors", {"bed-1": "sofa"}, "'chair', 'bed'"),
    ],
)
def test_a_bad_home_names_the_field_and_how_to_fix_it(
    onboard: World, field: str, value: Any, words: str
) -> None:
    body = {"id": "h-3", "label": "3 Mill Lane", "tz": "Europe/London"} | {field: value}
    refused = post(onboard, "/api/v1/homes", body)
    assert refused.status_code == 422
    (problem,) = refused.json()["detail"]
    assert problem["loc"][:2] == ["body", field] and words in problem["msg"]
    assert (
        onboard.client.get("/api/v1/homes/h-3/setup", headers=onboard.auth("admin")).status_code
        == 404
    )


def test_a_gateway_gets_a_broker_account_shown_once_and_only_a_hash_is_kept(
    onboard: World, tmp_path: Path
) -> None:
    made = post(onboard, "/api/v1/homes/h-1/gateways", {"id": "gw-9"})
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    answer = made.json()
    password = answer["password"]
    assert len(password) >= 32 and answer["broker_updated"] is True
    # Mosquitto's file: one new line in mosquitto_passwd's $7$ form, for this password.
    lines = (tmp_path / "passwd").read_text().splitlines()
    assert lines[0].startswith("ingest:") and lines[1].startswith("gw-9:$7$101$")
    _, _, iterations, salt, digest = lines[1].split(":", 1)[1].split("$")
    expected = hashlib.pbkdf2_hmac("sha512", password.encode(), base64.b64decode(salt), 101)
    assert base64.b64decode(digest) == expected and iterations == "101"
    acl = (tmp_path / "acl").read_text()
    assert "topic read carewatch/v1/+/+/readings\n\n# gateway gw-9 of home h-1\nuser gw-9\n" in acl
    assert "topic write carewatch/v1/h-1/gw-9/readings\n" in acl
    assert "topic read carewatch/v1/h-1/gw-9/acks\n" in acl
    # The config loads as the gateway's own once a source is added.
    config = tomllib.loads(answer["config_toml"])
    assert config["gateway"] == {
        "id": "gw-9",
        "home": "h-1",
        "tz": "Europe/London",
        "data_dir": "/var/lib/carewatch-gateway",
    }
    assert config["mqtt"]["url"] == BROKER_URL and config["mqtt"]["password"] == password
    checked = config_from_mapping(config | {"source": {"file": {"path": "/tmp/r.jsonl"}}})
    assert checked.gateway.id == "gw-9"
    # The database keeps the hash, never the password; the setup lists the gateway.
    with onboard.app.state.services.sessions() as session:
        row = session.get(Gateway, "gw-9")
        assert row is not None and password not in row.password_hash
        assert row.password_hash == lines[1].split(":", 1)[1]
    setup = onboard.client.get("/api/v1/homes/h-1/setup", headers=onboard.auth("admin"))
    assert setup.json()["gateways"] == ["gw-9"]


@pytest.mark.parametrize(
    ("home", "gateway", "status", "words"),
    [
        ("h-2", "gw-taken", 409, "registered already"),
        ("h-1", "gw-old", 409, "the broker has an account 'gw-old' already"),
        ("h-1", "ingest", 422, "service account"),
        ("h-1", "ingest-2", 422, "service account"),
        ("h-404", "gw-new", 404, "no home 'h-404'"),
        ("h-1", "GW 1", 422, "should match pattern"),
    ],
)
def test_a_gateway_is_refused_and_nothing_is_written(
    onboard: World, tmp_path: Path, home: str, gateway: str, status: int, words: str
) -> None:
    assert post(onboard, "/api/v1/homes/h-1/gateways", {"id": "gw-taken"}).status_code == 201
    with (tmp_path / "passwd").open("a") as passwd:  # made earlier by add-gateway.sh
        passwd.write("gw-old:$7$101$a$b\n")
    files = [(tmp_path / name).read_text() for name in ("passwd", "acl")]
    refused = post(onboard, f"/api/v1/homes/{home}/gateways", {"id": gateway})
    assert refused.status_code == status
    assert words in str(refused.json()["detail"])
    assert [(tmp_path / name).read_text() for name in ("passwd", "acl")] == files
    with onboard.app.state.services.sessions() as session:
        kept = session.get(Gateway, gateway)
        assert kept is None if gateway != "gw-taken" else kept and kept.home_id == "h-1"


def test_without_broker_files_the_lines_to_add_are_given(world: World) -> None:
    made = post(world, "/api/v1/homes/h-1/gateways", {"id": "gw-5"}).json()
    assert made["broker_updated"] is False
    assert made["passwd_line"].startswith("gw-5:$7$101$")
    assert made["acl_block"].startswith("# gateway gw-5 of home h-1\nuser gw-5\n")
    assert "mqtts://<broker host>:8883" in made["config_toml"]


def test_an_invited_carer_logs_in_with_the_password_shown_once(onboard: World) -> None:
    body = {"username": "cara", "display_name": "Cara Carer", "role": "carer"}
    made = post(onboard, "/api/v1/invitations", body)
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    password = made.json()["password"]
    token = onboard.client.post(
        "/api/v1/auth/token", data={"username": "cara", "password": password}
    )
    assert token.status_code == 200
    assert post(onboard, "/api/v1/invitations", body).status_code == 409
    bad = post(onboard, "/api/v1/invitations", body | {"username": "x2", "role": "boss"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "role"]
    grant = {"user_id": made.json()["user"]["id"], "resident_id": "r-2"}
    assert post(onboard, "/api/v1/grants", grant).status_code == 201
    mine = onboard.client.get(
        "/api/v1/residents", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert [r["id"] for r in mine.json()] == ["r-2"]


def test_admins_are_not_granted_residents(onboard: World) -> None:
    me = onboard.client.get("/api/v1/me", headers=onboard.auth("admin")).json()
    refused = post(onboard, "/api/v1/grants", {"user_id": me["id"], "resident_id": "r-1"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "user_id"]


def test_consent_is_recorded_and_obeyed(onboard: World) -> None:
    body = {
        "agreed_by": "Jane Able (daughter)",
        "basis": "attorney",
        "monitoring": True,
        "shared": {"heart_rate": False},
        "agreed_at": 1_763_100_000.0,
        "note": "LPA seen; form in the office",
    }
    made = post(onboard, "/api/v1/residents/r-1/consents", body)
    assert made.status_code == 201, made.text
    record = made.json()
    assert record["agreed_by"] == "Jane Able (daughter)" and record["basis"] == "attorney"
    me = onboard.client.get("/api/v1/me", headers=onboard.auth("admin")).json()
    assert record["recorded_by"] == me["id"] and record["agreed_at"] == 1_763_100_000.0
    resident = onboard.client.get("/api/v1/residents/r-1", headers=onboard.auth("admin")).json()
    assert resident["consent"]["heart_rate"] is False
    hidden = onboard.client.get(
        "/api/v1/residents/r-1/readings",
        params={"kind": "heart_rate"},
        headers=onboard.auth("carer-a"),
    )
    assert hidden.status_code == 403
    refusal = post(onboard, "/api/v1/residents/r-1/consents", body | {"monitoring": False})
    assert refusal.status_code == 201
    resident = onboard.client.get("/api/v1/residents/r-1", headers=onboard.auth("admin")).json()
    assert not any(resident["consent"].values())
    history = onboard.client.get("/api/v1/residents/r-1/consents", headers=onboard.auth("admin"))
    assert [r["monitoring"] for r in history.json()] == [False, True]


@pytest.mark.parametrize(
    ("resident", "change", "status", "field"),
    [
        ("r-1", {"agreed_at": 4_000_000_000.0}, 422, "agreed_at"),
        ("r-1", {"basis": "neighbour"}, 422, "basis"),
        ("r-1", {"shared": {"smell": True}}, 422, "shared"),
        ("r-404", {}, 404, None),
    ],
)
def test_bad_consent_is_refused(
    onboard: World, resident: str, change: dict[str, Any], status: int, field: str | None
) -> None:
    body = {"agreed_by": "Rose Able", "basis": "self", "monitoring": True} | change
    refused = post(onboard, f"/api/v1/residents/{resident}/consents", body)
    assert refused.status_code == status
    if field:
        assert refused.json()["detail"][0]["loc"][:2] == ["body", field]


def test_a_revoked_gateway_leaves_the_broker_files_as_before(
    onboard: World, tmp_path: Path
) -> None:
    before = [(tmp_path / name).read_text() for name in ("passwd", "acl")]
    assert post(onboard, "/api/v1/homes/h-1/gateways", {"id": "gw-1"}).status_code == 201
    assert post(onboard, "/api/v1/homes/h-2/gateways", {"id": "gw-2"}).status_code == 201
    gone = onboard.client.delete("/api/v1/gateways/gw-1", headers=onboard.auth("admin"))
    assert gone.status_code == 204
    passwd, acl = [(tmp_path / name).read_text() for name in ("passwd", "acl")]
    assert "gw-1" not in passwd and "gw-1" not in acl
    assert passwd.startswith(before[0]) and "gw-2:$7$" in passwd and "user gw-2\n" in acl
    again = onboard.client.delete("/api/v1/gateways/gw-1", headers=onboard.auth("admin"))
    assert again.status_code == 404
    assert post(onboard, "/api/v1/homes/h-1/gateways", {"id": "gw-1"}).status_code == 201
    # a home without residents but with a gateway: revoke it before removing the home
    admin = onboard.auth("admin")
    assert (
        post(onboard, "/api/v1/homes", {"id": "h-3", "label": "3", "tz": "UTC"}).status_code == 201
    )
    assert post(onboard, "/api/v1/homes/h-3/gateways", {"id": "gw-3"}).status_code == 201
    kept = onboard.client.delete("/api/v1/homes/h-3", headers=admin)
    assert kept.status_code == 409 and kept.json()["detail"] == "revoke its gateways first"
    assert onboard.client.delete("/api/v1/gateways/gw-3", headers=admin).status_code == 204
    assert onboard.client.delete("/api/v1/homes/h-3", headers=admin).status_code == 204
