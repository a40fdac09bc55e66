"""Several agencies on one server: platform admins, ingest, the admin page, migration, CLI."""

from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from api.cli import app as cli
from api.db import make_engine, migrate, session_factory
from api.models import AlertRow, Home, Resident
from carewatch.protocol import alerts_topic, encode
from tests.api.conftest import PASSWORD, World, alert_for, close_world, open_world


def test_a_platform_admin_adds_organisations_and_their_admins_and_sees_nothing_else(
    world: World,
) -> None:
    root, client = world.auth("root"), world.client
    again = client.post("/api/v1/organisations", json={"id": "other", "name": "X"}, headers=root)
    assert again.status_code == 409 and "'other'" in again.json()["detail"]
    bad = client.post("/api/v1/organisations", json={"id": "Bad Id", "name": "X"}, headers=root)
    assert bad.status_code == 422
    unknown = client.post(
        "/api/v1/organisations/nowhere/admins",
        json={"username": "x-admin", "display_name": "X"},
        headers=root,
    )
    assert unknown.status_code == 404 and "'nowhere'" in unknown.json()["detail"]
    listed = client.get("/api/v1/organisations", headers=root).json()
    assert [o["id"] for o in listed] == ["default", "other"]
    for path in ("/api/v1/residents", "/api/v1/alerts"):
        assert client.get(path, headers=root).json() == []
    assert client.get("/api/v1/users", headers=root).status_code == 403
    for admin in ("admin", "admin-o"):
        refused = client.get("/api/v1/organisations", headers=world.auth(admin))
        assert refused.status_code == 403
    platform = {"username": "p2", "display_name": "P", "role": "platform"}
    made = client.post("/api/v1/invitations", json=platform, headers=world.auth("admin"))
    assert made.status_code == 422 and "role" in made.text


def test_alerts_from_ingest_belong_to_the_organisation_of_their_home(world: World) -> None:
    ingestor = world.app.state.services.ingestor
    for home in ("h-o1", "h-77"):  # h-77: registered by nobody
        alert = alert_for(home, None, start=1_763_100_000.0)
        assert ingestor.handle(alerts_topic(home), encode(alert)) == "stored"
    with world.app.state.services.sessions() as session:
        rows = session.scalars(select(AlertRow).where(AlertRow.resident_id.is_(None)))
        assert {row.home_id: row.organisation_id for row in rows} == {
            "h-o1": "other",
            "h-77": None,
        }

    def homes_seen(who: str) -> set[str]:
        listed = world.client.get("/api/v1/alerts", headers=world.auth(who)).json()
        return {alert["home_id"] for alert in listed}

    seen = {who: homes_seen(who) for who in ("admin", "admin-o", "carer-o")}
    assert seen == {"admin": {"h-1", "h-2"}, "admin-o": {"h-o1"}, "carer-o": {"h-o1"}}


def test_the_admin_page_is_the_admins_own_organisation(world: World) -> None:
    def page(who: str, **params: str) -> tuple[int, str]:
        cookie = {"Cookie": f"carewatch_session={world.tokens[who]}"}
        response = world.client.get("/admin", params=params, headers=cookie)
        return response.status_code, response.text

    status, body = page("admin-o")
    assert status == 200 and "Olive Other" in body and "Rose Able" not in body
    assert page("admin", organisation="default")[0] == 200
    for name in ("other", "nowhere"):  # theirs or unknown: the same answer, naming it
        status, body = page("admin", organisation=name)
        assert status == 404 and f"no organisation '{name}'" in body
    status, body = page("root")
    assert status == 403 and "add-organisation" in body


def test_an_install_from_before_organisations_moves_into_the_default_one(tmp_path: Path) -> None:
    from api.security import hash_password

    engine = make_engine(f"sqlite:///{tmp_path}/api.sqlite3")
    migrate(engine, "0002_onboarding")
    with engine.begin() as connection:
        for statement, values in (
            ("INSERT INTO users (username, display_name, role, password_hash, active) "
             "VALUES ('old', 'Old Admin', 'admin', :pw, 1)", {"pw": hash_password(PASSWORD)}),
            ("INSERT INTO homes VALUES ('h-1', 'H', 'UTC')", {}),
            ("INSERT INTO residents VALUES ('r-1', 'h-1', 'Rose Able', '{}')", {}),
        ):  # fmt: skip
            connection.execute(text(statement), values)
    engine.dispose()
    world = open_world(tmp_path)
    try:
        token = world.login("old")
        residents = world.client.get(
            "/api/v1/residents", headers={"Authorization": f"Bearer {token}"}
        )
        assert [r["display_name"] for r in residents.json()] == ["Rose Able"]
        with world.app.state.services.sessions() as session:
            assert session.get(Home, "h-1").organisation_id == "default"  # type: ignore[union-attr]
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1  # back on
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        close_world(world)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAREWATCH_API_DATABASE_URL", f"sqlite:///{tmp_path}/api.sqlite3")
    monkeypatch.setenv("CAREWATCH_API_ADMIN_PASSWORD", PASSWORD)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output + (str(result.exception) if result.exception else "")


def test_the_command_line_takes_or_infers_the_organisation(env: Path) -> None:
    home = ("add-home", "h-1", "--label", "H", "--tz", "UTC")
    assert run("create-admin", "--username", "ada") == (
        0,
        "created admin of organisation default 'ada'\n",
    )
    assert run(*home)[0] == 0  # one organisation: it is the one
    assert run("add-organisation", "north-care", "--name", "North Care")[0] == 0
    status, said = run("add-home", "h-2", "--label", "H", "--tz", "UTC")
    assert status != 0 and "--organisation" in said and "north-care" in said
    status, said = run(*home[:2], "--label", "H", "--tz", "UTC", "--organisation", "nowhere")
    assert status != 0 and "no organisation 'nowhere'" in said
    assert (
        run("add-home", "h-2", "--label", "H", "--tz", "UTC", "--organisation", "north-care")[0]
        == 0
    )
    status, said = run(
        "add-resident", "r-1", "--home", "h-1", "--name", "R", "--organisation", "north-care"
    )
    assert status != 0 and "home_id" in said  # h-1 is the default organisation's
    status, said = run(
        "add-home", "h-1", "--label", "H", "--tz", "UTC", "--organisation", "north-care"
    )
    assert status != 0 and "exists" in said  # ids are unique on the server
    assert run("create-admin", "--username", "nora", "--organisation", "north-care")[0] == 0
    assert run("create-admin", "--username", "pat", "--platform")[0] == 0
    engine = make_engine(f"sqlite:///{env}/api.sqlite3")
    with session_factory(engine)() as session:
        homes = {h.id: h.organisation_id for h in session.scalars(select(Home))}
        assert homes == {"h-1": "default", "h-2": "north-care"}
        assert session.scalars(select(Resident)).all() == []
    engine.dispose()


def test_an_alert_notifies_only_people_of_its_organisation(
    tmp_path: Path, world_template: tuple[Path, World]
) -> None:
    import shutil

    from api.routing import parse_rules
    from tests.api.webhook import webhook_inbox

    source, template = world_template
    shutil.copy(source / "api.sqlite3", tmp_path / "api.sqlite3")
    step = '{after_minutes = 0, notify = ["team:north", "carers"]}'
    rules = parse_rules(f'[[rules]]\nname = "all"\nsteps = [{step}]\n')
    world = open_world(tmp_path, template, rules=rules)
    with webhook_inbox() as inbox:
        for admin, people in (("admin", ("carer-b", "lead-b")), ("admin-o", ("carer-o",))):
            for who in people:  # both organisations have a team "north"
                url = {"notify_url": inbox.url(f"/{who}")}
                patched = world.client.patch(
                    f"/api/v1/users/{world.user_ids[who]}", json=url, headers=world.auth(admin)
                )
                assert patched.status_code == 200, patched.text
        alert = alert_for("h-o1", "r-o1", start=1_763_100_000.0)
        ingestor = world.app.state.services.ingestor
        assert ingestor.handle(alerts_topic("h-o1"), encode(alert)) == "stored"
        assert inbox.to("/carer-o")
        assert not inbox.to("/carer-b") and not inbox.to("/lead-b")
    close_world(world)
