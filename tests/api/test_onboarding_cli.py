"""``carewatch api add-home … consent``: the onboarding operations from the command line."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

CAREWATCH = Path(sys.executable).with_name("carewatch")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAREWATCH_API_DATABASE_URL", f"sqlite:///{tmp_path}/api.sqlite3")
    (tmp_path / "passwd").write_text("")
    (tmp_path / "acl").write_text("user api\n")
    monkeypatch.setenv("CAREWATCH_API_BROKER_PASSWD_FILE", str(tmp_path / "passwd"))
    monkeypatch.setenv("CAREWATCH_API_BROKER_ACL_FILE", str(tmp_path / "acl"))
    monkeypatch.setenv("CAREWATCH_API_GATEWAY_BROKER_URL", "mqtts://broker.test:8883")
    return tmp_path


def ok(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, f"{args}: {result.output} {result.exception!r}"
    return result.stdout


def refused(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code != 0, result.output
    return str(result.exception) if result.exception else result.output


def test_a_home_is_onboarded_from_the_command_line(env: Path) -> None:
    out = ok(
        "add-home",
        "home-1",
        "--label",
        "1 Mill Lane",
        "--tz",
        "Europe/London",
        "--sensor",
        "bed-1=bed",
        "--sensor",
        "tap-k=tap",
    )
    assert "sensor kinds: tap, bed" in out or "sensor kinds: bed, tap" in out
    config = env / "gw-1.toml"
    ok("add-gateway", "home-1", "gw-1", "--config-out", str(config))
    assert config.stat().st_mode & 0o777 == 0o600
    settings = tomllib.loads(config.read_text())
    assert settings["mqtt"]["url"] == "mqtts://broker.test:8883"
    assert (env / "passwd").read_text().startswith("gw-1:$7$101$")
    assert "user gw-1\ntopic write carewatch/v1/home-1/gw-1/readings" in (env / "acl").read_text()
    ok("add-gateway", "home-1", "gw-2", "--config-out", str(env / "gw-2.toml"))
    assert "revoked and from the broker's files" in ok("remove-gateway", "gw-2")
    assert "gw-2" not in (env / "passwd").read_text() + (env / "acl").read_text()
    ok("add-resident", "r-1", "--home", "home-1", "--name", "Rose Able")
    ok("add-sensor", "home-1", "wrist-1", "--kind", "heart_rate", "--resident", "r-1")
    password = ok("invite", "carol", "--name", "Carol Carer", "--role", "carer").splitlines()[-1]
    assert len(password) >= 20
    ok("grant", "carol", "r-1")
    ok("consent", "r-1", "--agreed-by", "Rose Able", "--basis", "self", "--withhold", "heart_rate")

    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.conftest import make_settings

    client = TestClient(create_app(make_settings(env), background=False))
    token = client.post("/api/v1/auth/token", data={"username": "carol", "password": password})
    assert token.status_code == 200
    mine = client.get(
        "/api/v1/residents", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    ).json()
    assert [(r["id"], r["consent"]["heart_rate"]) for r in mine] == [("r-1", False)]


def test_refusals_name_the_setting_and_how_to_fix_it(env: Path) -> None:
    assert "tz: 'Europe/Londn' is not an IANA time zone: did you mean 'Europe/London'?" in refused(
        "add-home", "home-1", "--label", "x", "--tz", "Europe/Londn"
    )
    assert "--sensor: write ID=KIND" in refused(
        "add-home", "home-1", "--label", "x", "--tz", "UTC", "--sensor", "bed-1"
    )
    ok("add-home", "home-1", "--label", "x", "--tz", "UTC")
    assert "exists already" in refused("add-home", "home-1", "--label", "x", "--tz", "UTC")
    assert "no home 'home-9'" in refused("add-gateway", "home-9", "gw-1")
    assert "service account" in refused("add-gateway", "home-1", "api")
    sneaky = refused("add-gateway", "home-1", "gw-1\nuser ingest\ntopic readwrite #")
    assert "id: use lower-case letters, digits and '-', such as 'gw-0001'" in sneaky
    assert "sensor_id: use lower-case" in refused("add-sensor", "home-1", "Bed 1", "--kind", "bed")
    config = env / "gw.toml"
    assert "service account" in refused("add-gateway", "home-1", "api", "--config-out", str(config))
    assert not config.exists()  # nothing half-made
    config.write_text("kept")
    assert "File exists" in refused("add-gateway", "home-1", "gw-2", "--config-out", str(config))
    assert config.read_text() == "kept"
    assert "home_id: no such home" in refused(
        "add-resident", "r-1", "--home", "home-9", "--name", "R"
    )
    assert "username: no user 'nobody'" in refused("grant", "nobody", "r-1")
    assert (env / "passwd").read_text() == ""


def test_the_installed_command_exits_2_with_the_message(env: Path) -> None:
    result = subprocess.run(
        [str(CAREWATCH), "api", "add-home", "h-1", "--label", "x", "--tz", "Mars/Olympus"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "carewatch: tz: 'Mars/Olympus' is not an IANA time zone"
        " (Area/City, such as 'Europe/London')"
    )


def test_a_mistyped_broker_file_is_named(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok("add-home", "home-1", "--label", "x", "--tz", "UTC")
    monkeypatch.setenv("CAREWATCH_API_BROKER_PASSWD_FILE", str(env / "pasword"))
    assert "CAREWATCH_API_BROKER_PASSWD_FILE: Path does not point to a file" in refused(
        "add-gateway", "home-1", "gw-1"
    )
    monkeypatch.delenv("CAREWATCH_API_BROKER_ACL_FILE")
    monkeypatch.setenv("CAREWATCH_API_BROKER_PASSWD_FILE", str(env / "passwd"))
    assert "set both or neither" in refused("add-gateway", "home-1", "gw-1")


def test_a_complete_consent_is_recorded_from_the_command_line(env: Path) -> None:
    from sqlalchemy import select

    from api.db import make_engine, session_factory
    from api.models import ConsentRecord

    ok("add-home", "home-1", "--label", "Flat 1", "--tz", "Europe/London", "--sensor", "t-1=tap")
    ok("add-resident", "r-1", "--home", "home-1", "--name", "Rose Able")
    ok(
        "consent", "r-1", "--agreed-by", "Rose Able", "--basis", "self",
        "--not-collected", "heart_rate", "--only", "tap=carer,admin",
        "--evidence", "signed form CW-17", "--valid-until", "2027-12-31T00:00:00+00:00",
    )  # fmt: skip
    assert "roles.tap.0" in refused(
        "consent", "r-1", "--agreed-by", "Rose Able", "--basis", "self", "--only", "tap=nurse"
    )
    engine = make_engine(f"sqlite:///{env}/api.sqlite3")
    with session_factory(engine)() as session:
        [record] = session.scalars(select(ConsentRecord)).all()  # the refusal kept nothing
    engine.dispose()
    assert record.withheld == ["heart_rate"]
    assert record.roles == {"tap": ["admin", "carer"]}
    assert record.evidence == "signed form CW-17"
    assert record.valid_until == 1_830_211_200.0
