"""An API with a real SQLite database and store, a manual clock, and people to log in as."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.notify import Notifier
from api.routing import RoutingRules, parse_rules
from api.settings import ApiSettings
from carewatch.clock import ManualClock
from carewatch.protocol import Alert
from carewatch.settings import load_settings
from carewatch.store import Store, open_store

NOW = 1_763_200_000.0  # 2025-11-15 09:46:40 UTC
SECRET = "test-secret-" + "x" * 40
PASSWORD = "a long test password"


def make_settings(tmp_path: Path, **overrides: object) -> ApiSettings:
    return load_settings(
        ApiSettings,
        jwt_secret=SECRET,
        database_url=f"sqlite:///{tmp_path}/api.sqlite3",
        secure_cookies=False,
        delivery_backoff_seconds=0,
        **({"sse_lifetime_seconds": 1.0} | overrides),  # streams end soon, so requests return
    )


@dataclass
class World:
    """Two homes, two residents, and one person of every role for each."""

    app: FastAPI
    client: TestClient
    clock: ManualClock
    store: Store
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    alert_ids: dict[str, int] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def login(self, username: str, password: str = PASSWORD) -> str:
        response = self.client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def ingest(self, alert: Alert) -> int:
        from carewatch.protocol import alerts_topic, encode

        outcome = self.app.state.services.ingestor.handle(alerts_topic(alert.home), encode(alert))
        assert outcome == "stored"
        listed = self.client.get("/api/v1/alerts", headers=self.auth("admin")).json()
        return int(max(a["id"] for a in listed))


def alert_for(home: str, resident: str | None, kind: str = "dehydration", **kw: object) -> Alert:
    fields: dict[str, object] = {
        "home": home,
        "kind": kind,
        "detected_at": NOW - 600,
        "start": NOW - 3600,
        "severity": "medium",
        "explanation": f"Drank 0.6 l today against a usual 1.5 l ({resident or home}).",
        "evidence": {"litres_today": 0.6, "usual_litres": 1.5},
        "resident": resident,
    }
    fields.update(kw)
    return Alert(**fields)  # type: ignore[arg-type]


def build_world(
    tmp_path: Path,
    *,
    rules: RoutingRules | None = None,
    notify_urls: dict[str, str] | None = None,
    **settings: object,
) -> World:
    """Create the app and populate it through the API itself (as an admin would)."""
    from sqlalchemy import select

    from api.models import DEFAULT_ORGANISATION, Role, User
    from api.security import hash_password

    world = open_world(tmp_path, rules=rules, **settings)
    app, client = world.app, world.client
    services = app.state.services
    with services.sessions.begin() as session:  # the first admin, as create-admin does
        session.add(
            User(
                username="admin",
                display_name="Ada Admin",
                role=Role.ADMIN,
                password_hash=hash_password(PASSWORD),
                organisation_id=DEFAULT_ORGANISATION,
            )
        )
    world.tokens["admin"] = world.login("admin")
    admin = world.auth("admin")
    for home, tz in (("h-1", "Europe/London"), ("h-2", "Europe/Paris")):
        r = client.put(
            f"/api/v1/homes/{home}",
            json={"id": home, "label": home.upper(), "tz": tz},
            headers=admin,
        )
        assert r.status_code == 200, r.text
    for rid, home, name in (("r-1", "h-1", "Rose Able"), ("r-2", "h-2", "Bert Baker")):
        r = client.post(
            "/api/v1/residents",
            json={"id": rid, "home_id": home, "display_name": name},
            headers=admin,
        )
        assert r.status_code == 201, r.text
    people = [
        ("carer-a", Role.CARER),
        ("carer-b", Role.CARER),
        ("lead-b", Role.CARER),
        ("family-a", Role.FAMILY),
        ("family-b", Role.FAMILY),
    ]
    urls = notify_urls or {}
    for username, role in people:
        body = {
            "username": username,
            "display_name": username.title(),
            "role": role,
            "password": PASSWORD,
            "notify_url": urls.get(username),
        }
        r = client.post("/api/v1/users", json=body, headers=admin)
        assert r.status_code == 201, r.text
        world.user_ids[username] = r.json()["id"]
    # carer-a and family-a directly; carer-b through team "north" led by lead-b
    for username, rid in (("carer-a", "r-1"), ("family-a", "r-1"), ("family-b", "r-2")):
        r = client.post(
            "/api/v1/grants",
            json={"user_id": world.user_ids[username], "resident_id": rid},
            headers=admin,
        )
        assert r.status_code == 201, r.text
    team = client.post(
        "/api/v1/teams", json={"name": "north", "lead_id": world.user_ids["lead-b"]}, headers=admin
    ).json()
    for username in ("carer-b", "lead-b"):
        client.put(f"/api/v1/teams/{team['id']}/members/{world.user_ids[username]}", headers=admin)
    client.put(f"/api/v1/teams/{team['id']}/residents/r-2", headers=admin)
    world.team_ids["default"] = team["id"]
    for username, _ in people:
        world.tokens[username] = world.login(username)
    with services.sessions() as session:
        assert session.scalars(select(User)).all()
    return world


def add_other_organisation(world: World) -> None:
    """A second agency on the server, set up through the API: a platform admin ``root``
    adds organisation ``other`` and its admin ``admin-o``, who adds home h-o1 (gateway
    gw-o1), Olive (r-o1), ``carer-o`` (in their own team "north") and ``family-o``."""
    from api.models import Role, User
    from api.security import hash_password

    with world.app.state.services.sessions.begin() as session:  # as create-admin --platform
        root = User(username="root", display_name="Rita Root", role=Role.PLATFORM)
        root.password_hash, root.organisation_id = hash_password(PASSWORD), None
        session.add(root)
    world.tokens["root"] = world.login("root")
    client, root_auth = world.client, world.auth("root")
    made = client.post("/api/v1/organisations", json=OTHER_ORG, headers=root_auth)
    assert made.status_code == 201, made.text
    invited = client.post(
        "/api/v1/organisations/other/admins",
        json={"username": "admin-o", "display_name": "Oona Other"},
        headers=root_auth,
    )
    assert invited.status_code == 201, invited.text
    world.user_ids["admin-o"] = invited.json()["user"]["id"]
    world.tokens["admin-o"] = world.login("admin-o", invited.json()["password"])
    admin = world.auth("admin-o")
    olive = {"id": "r-o1", "home_id": "h-o1", "display_name": "Olive Other"}
    consent = {"agreed_by": "Olive", "basis": "self", "monitoring": True}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/homes", OTHER_HOME),
        ("/api/v1/residents", olive),
        ("/api/v1/homes/h-o1/gateways", {"id": "gw-o1"}),
        ("/api/v1/residents/r-o1/consents", consent),
    ]
    others = (("carer-o", "carer", "Carla Other"), ("family-o", "family", "Fred Other"))
    for username, role, name in others:
        body = {"username": username, "display_name": name, "role": role, "password": PASSWORD}
        calls.append(("/api/v1/users", body))
    for url, body in calls:
        response = client.post(url, json=body, headers=admin)
        assert response.status_code == 201, f"{url}: {response.text}"
        if url == "/api/v1/users":
            world.user_ids[body["username"]] = response.json()["id"]
    grant = {"user_id": world.user_ids["family-o"], "resident_id": "r-o1"}
    assert client.post("/api/v1/grants", json=grant, headers=admin).status_code == 201
    lead = world.user_ids["carer-o"]
    team = client.post("/api/v1/teams", json={"name": "north", "lead_id": lead}, headers=admin)
    assert team.status_code == 201, team.text  # the same name as the first agency's team
    world.team_ids["other"] = team.json()["id"]
    client.put(f"/api/v1/teams/{team.json()['id']}/members/{lead}", headers=admin)
    client.put(f"/api/v1/teams/{team.json()['id']}/residents/r-o1", headers=admin)
    for username in ("carer-o", "family-o"):
        world.tokens[username] = world.login(username)
    ingestor = world.app.state.services.ingestor
    from carewatch.protocol import alerts_topic, encode

    assert ingestor.handle(alerts_topic("h-o1"), encode(alert_for("h-o1", "r-o1"))) == "stored"
    listed = client.get("/api/v1/alerts", headers=admin).json()
    world.alert_ids["o"] = int(listed[0]["id"])


OTHER_ORG = {"id": "other", "name": "Other Care"}
OTHER_HOME = {"id": "h-o1", "label": "OTHER-HOUSE", "tz": "UTC", "sensors": {"hr-o1": "heart_rate"}}


def open_world(path: Path, template: World | None = None, **kwargs: Any) -> World:
    """An app over the database in ``path`` (copied from a template world, if given)."""
    clock = ManualClock(NOW)
    store = open_store(f"sqlite:///{path}/readings.db")
    rules = kwargs.pop("rules", None)
    background = bool(kwargs.pop("background", False))
    app = create_app(
        make_settings(path, **kwargs),
        clock=clock,
        store=store,
        notifier=Notifier(attempts=2, backoff_seconds=0),
        rules=rules or parse_rules(""),
        background=background,
    )
    world = World(app, TestClient(app), clock, store)
    if template is not None:
        world.tokens = dict(template.tokens)
        world.user_ids = dict(template.user_ids)
        world.alert_ids = dict(template.alert_ids)
        world.team_ids = dict(template.team_ids)
    return world


def close_world(world: World) -> None:
    world.client.close()
    world.app.state.services.engine.dispose()
    world.store.close()


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, World]]:
    """People, homes and two alerts, built once (argon2 is slow on purpose) and copied."""
    path = tmp_path_factory.mktemp("world")
    template = build_world(path)
    template.alert_ids["a"] = template.ingest(alert_for("h-1", "r-1"))
    template.alert_ids["b"] = template.ingest(alert_for("h-2", "r-2", kind="night_wandering"))
    add_other_organisation(template)
    close_world(template)
    yield path, template


@pytest.fixture
def world(tmp_path: Path, world_template: tuple[Path, World]) -> Iterator[World]:
    source, template = world_template
    shutil.copy(source / "api.sqlite3", tmp_path / "api.sqlite3")
    w = open_world(tmp_path, template)
    yield w
    close_world(w)


# Rose (r-1) shares home h-1 with Cyril (r-3): each has a registered wristband, a third
# wristband nobody registered lies about, and the tap is everyone's.
ROSE_HR = (72.0, 74.0)  # hr-rose
CYRIL_HR = (150.0, 140.0, 145.0)  # hr-cyril
LOOSE_HR = (99.0,)  # hr-loose: unregistered, tagged as Cyril's


@pytest.fixture
def shared_home(world: World) -> World:
    """``world`` with a second resident in Rose's home, wristbands and a day of readings."""
    from carewatch.protocol import DailySummary, encode, summaries_topic
    from carewatch.records import ReadingRecord

    admin = world.auth("admin")
    r = world.client.post(
        "/api/v1/residents",
        json={"id": "r-3", "home_id": "h-1", "display_name": "Cyril Cole"},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    for sensor, owner in (("hr-rose", "r-1"), ("hr-cyril", "r-3")):
        r = world.client.put(
            f"/api/v1/homes/h-1/sensors/{sensor}",
            json={"kind": "heart_rate", "resident_id": owner},
            headers=admin,
        )
        assert r.status_code == 200, r.text
    start = NOW - 3 * 3600

    def hearts(sensor: str, values: tuple[float, ...], resident: str | None) -> list[Any]:
        return [
            ReadingRecord(
                home="h-1",
                sensor=sensor,
                kind="heart_rate",
                ts=start + 600 * i,
                value=v,
                resident=resident,
            )
            for i, v in enumerate(values)
        ]

    world.store.write(
        [
            *hearts("hr-rose", ROSE_HR, "r-1"),
            *hearts("hr-cyril", CYRIL_HR, None),
            *hearts("hr-loose", LOOSE_HR, "r-3"),
            ReadingRecord(home="h-1", sensor="tap-1", kind="tap", ts=start + 60, value=0.25),
            ReadingRecord(home="h-1", sensor="tap-1", kind="tap", ts=start + 120, value=0.5),
        ]
    )
    ingestor = world.app.state.services.ingestor
    for resident, resting in ((None, 88.0), ("r-3", 130.0)):  # the home's day, Cyril's day
        summary = DailySummary(
            home="h-1",
            date="2025-11-14",
            tap_litres=0.75,
            tap_uses=2,
            toilet_day=4,
            toilet_night=1,
            chair_minutes=200.0,
            resting_hr=resting,
            resident=resident,
        )
        assert ingestor.handle(summaries_topic("h-1"), encode(summary)) == "stored"
    return world
