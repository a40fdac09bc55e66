"""Every endpoint x every role x own / someone else's / missing resident: zero leaks.

The endpoint list comes from ``app.routes``: a new endpoint without a row in
``CASES`` fails :func:`test_every_route_is_in_the_matrix`, so none can escape.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from tests.api.conftest import PASSWORD, World


@dataclass(frozen=True)
class Case:
    auth: str  # bearer | cookie | public | stream
    json: dict[str, Any] | None = None
    form: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    admin_only: bool = False
    staff_only: bool = False  # carers and admins; family members are read-only
    platform_only: bool = False  # organisations: platform admins only


NOTE = {"note": "checked"}
CASES: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/auth/token"): Case("public"),
    ("GET", "/api/v1/me"): Case("bearer"),
    ("PATCH", "/api/v1/me"): Case("bearer", {"language": "en"}),
    ("POST", "/api/v1/users"): Case(
        "bearer",
        {"username": "new-{role}", "display_name": "N", "role": "carer", "password": PASSWORD},
        admin_only=True,
    ),
    ("GET", "/api/v1/users"): Case("bearer", admin_only=True),
    ("PATCH", "/api/v1/users/{user_id}"): Case("bearer", {"active": True}, admin_only=True),
    ("POST", "/api/v1/teams"): Case("bearer", {"name": "t-{role}"}, admin_only=True),
    ("GET", "/api/v1/teams"): Case("bearer", admin_only=True),
    ("PUT", "/api/v1/teams/{team_id}/members/{user_id}"): Case("bearer", admin_only=True),
    ("PUT", "/api/v1/teams/{team_id}/residents/{resident_id}"): Case("bearer", admin_only=True),
    ("POST", "/api/v1/grants"): Case(
        "bearer", {"user_id": "{user_id}", "resident_id": "{resident_id}"}, admin_only=True
    ),
    ("DELETE", "/api/v1/grants/{user_id}/{resident_id}"): Case("bearer", admin_only=True),
    ("GET", "/api/v1/audit"): Case(
        "bearer", query={"resident_id": "{resident_id}"}, admin_only=True
    ),
    ("PUT", "/api/v1/homes/{home_id}"): Case(
        "bearer", {"id": "{home_id}", "label": "X", "tz": "UTC"}, admin_only=True
    ),
    ("GET", "/api/v1/homes"): Case("bearer", admin_only=True),
    ("DELETE", "/api/v1/homes/{home_id}"): Case("bearer", admin_only=True),
    ("DELETE", "/api/v1/homes/{home_id}/sensors/{sensor_id}"): Case("bearer", admin_only=True),
    ("PUT", "/api/v1/homes/{home_id}/sensors/{sensor_id}"): Case(
        "bearer", {"kind": "heart_rate", "resident_id": "{resident_id}"}, admin_only=True
    ),
    ("GET", "/api/v1/homes/{home_id}/sensors"): Case("bearer", admin_only=True),
    ("POST", "/api/v1/residents"): Case(
        "bearer", {"id": "r-new", "home_id": "{home_id}", "display_name": "New"}, admin_only=True
    ),
    ("GET", "/api/v1/residents"): Case("bearer"),
    ("GET", "/api/v1/residents/{resident_id}"): Case("bearer"),
    ("PATCH", "/api/v1/residents/{resident_id}"): Case(
        "bearer", {"display_name": "Changed"}, admin_only=True
    ),
    ("DELETE", "/api/v1/residents/{resident_id}"): Case("bearer", admin_only=True),
    ("GET", "/api/v1/residents/{resident_id}/readings"): Case("bearer", query={"kind": "tap"}),
    ("GET", "/api/v1/residents/{resident_id}/aggregates"): Case("bearer", query={"kind": "tap"}),
    ("GET", "/api/v1/residents/{resident_id}/summaries"): Case("bearer"),
    ("GET", "/api/v1/residents/{resident_id}/fhir"): Case("bearer", query={"include_name": "true"}),
    ("GET", "/api/v1/alerts"): Case("bearer", query={"resident_id": "{resident_id}"}),
    ("GET", "/api/v1/alerts/{alert_id}"): Case("bearer"),
    ("GET", "/api/v1/feedback"): Case("bearer", admin_only=True),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): Case("bearer", NOTE, staff_only=True),
    ("POST", "/api/v1/alerts/{alert_id}/resolve"): Case("bearer", NOTE, staff_only=True),
    ("POST", "/api/v1/alerts/{alert_id}/feedback"): Case(
        "bearer", {"useful": True}, staff_only=True
    ),
    ("GET", "/api/v1/alerts/{alert_id}/deliveries"): Case("bearer", staff_only=True),
    ("GET", "/api/v1/events"): Case("stream"),
    ("GET", "/health"): Case("public"),
    ("GET", "/metrics"): Case("public"),
    ("GET", "/"): Case("public"),
    ("GET", "/login"): Case("public"),
    ("POST", "/login"): Case("public"),
    ("POST", "/logout"): Case("cookie"),
    ("POST", "/language"): Case("cookie", form={"language": "en"}),
    ("GET", "/carer"): Case("cookie"),
    ("GET", "/carer/events"): Case("stream"),
    ("POST", "/carer/alerts/{alert_id}/{action}"): Case(
        "cookie", form={"note": "seen"}, staff_only=True
    ),
    ("GET", "/family"): Case("cookie", query={"resident_id": "{resident_id}"}),
    ("GET", "/carer/residents/{resident_id}"): Case("cookie"),
    ("POST", "/carer/residents/{resident_id}/tuning/reset"): Case("cookie", staff_only=True),
    ("GET", "/carer/handover"): Case("cookie"),
    ("POST", "/carer/handover/send"): Case("cookie", staff_only=True),
    # onboarding (tests/api/test_onboarding*.py)
    ("POST", "/api/v1/homes"): Case(
        "bearer", {"id": "h-new", "label": "X", "tz": "UTC"}, admin_only=True
    ),
    ("GET", "/api/v1/homes/{home_id}/setup"): Case("bearer", admin_only=True),
    ("POST", "/api/v1/homes/{home_id}/gateways"): Case("bearer", {"id": "gw-new"}, admin_only=True),
    ("DELETE", "/api/v1/gateways/{gateway_id}"): Case("bearer", admin_only=True),
    ("POST", "/api/v1/invitations"): Case(
        "bearer", {"username": "i-{role}", "display_name": "N", "role": "carer"}, admin_only=True
    ),
    ("POST", "/api/v1/residents/{resident_id}/consents"): Case(
        "bearer", {"agreed_by": "X", "basis": "self", "monitoring": True}, admin_only=True
    ),
    ("GET", "/api/v1/residents/{resident_id}/consents"): Case("bearer", admin_only=True),
    ("GET", "/admin"): Case("cookie", admin_only=True),
    ("POST", "/admin/{action}"): Case("cookie", admin_only=True),
    # organisations (tests/api/test_organisations.py)
    ("POST", "/api/v1/organisations"): Case(
        "bearer", {"id": "org-{role}", "name": "N"}, platform_only=True
    ),
    ("GET", "/api/v1/organisations"): Case("bearer", platform_only=True),
    ("POST", "/api/v1/organisations/{organisation_id}/admins"): Case(
        "bearer", {"username": "oa-{role}", "display_name": "N"}, platform_only=True
    ),
}

# (user, the resident they are granted, a resident they are not)
PEOPLE = [
    ("carer-a", "r-1", "r-2"),  # assigned directly
    ("carer-b", "r-2", "r-1"),  # through team "north"
    ("family-a", "r-1", "r-2"),
    ("family-b", "r-2", "r-1"),
]
NAMES = {"r-1": "Rose Able", "r-2": "Bert Baker"}
HOMES = {"r-1": "h-1", "r-2": "h-2"}
ALERTS = {"r-1": "a", "r-2": "b"}


def routes(world: World) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, through included routers too."""
    found = []
    for context in iter_route_contexts(world.app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path:
            found += [(method, context.path) for method in sorted(route.methods)]
    return found


def test_every_route_is_in_the_matrix(world: World) -> None:
    missing = [r for r in routes(world) if r not in CASES]
    assert not missing, f"add these endpoints to the access matrix: {missing}"
    assert len(routes(world)) >= 40


def values(world: World, user: str, resident: str) -> dict[str, str]:
    alert = world.alert_ids.get(ALERTS.get(resident, ""), 999_999)
    return {
        "resident_id": resident,
        "home_id": HOMES.get(resident, "h-404"),
        "alert_id": str(alert),
        "user_id": str(world.user_ids[user]),
        "team_id": "1",
        "sensor_id": "hr-1",
        "gateway_id": "gw-1",
        "action": "acknowledge",
        "role": user,
        "organisation_id": "default",
    }


def fill(template: Any, subs: dict[str, str]) -> Any:
    if isinstance(template, str):
        text = template.format(**subs)
        return int(text) if template == "{user_id}" else text
    if isinstance(template, dict):
        return {k: fill(v, subs) for k, v in template.items()}
    return template


def call(world: World, method: str, path: str, case: Case, user: str, resident: str) -> Any:
    subs = values(world, user, resident)
    token = world.tokens[user]
    url = path.format(**subs)
    kwargs: dict[str, Any] = {"params": fill(case.query, subs), "follow_redirects": False}
    if case.auth == "cookie":
        kwargs["headers"] = {"Cookie": f"carewatch_session={token}"}
        form = {**case.form, "csrf": world.app.state.services.tokens.form_token(token)}
        if method == "POST":
            kwargs["data"] = form
    else:
        kwargs["headers"] = world.auth(user)
        if case.json is not None:
            kwargs["json"] = fill(case.json, subs)
    return world.client.request(method, url, **kwargs)


def leaks(body: str, other: str) -> list[str]:
    clues = [NAMES[other], f'"{other}"', f"({other})", f"/{other}"]
    return [clue for clue in clues if clue in body]


@pytest.mark.parametrize(("user", "own", "other"), PEOPLE)
def test_no_one_sees_a_resident_they_are_not_granted(
    world: World, user: str, own: str, other: str
) -> None:
    problems = []
    checked = 0
    for method, path in routes(world):
        case = CASES[(method, path)]
        if case.auth in ("public", "stream"):
            continue
        theirs = call(world, method, path, case, user, other)
        missing = call(world, method, path, case, user, "r-404")
        checked += 1
        where = f"{method} {path} as {user}"
        if theirs.status_code != missing.status_code:
            problems.append(
                f"{where}: {theirs.status_code} for {other} but "
                f"{missing.status_code} for a missing resident"
            )
        if theirs.status_code < 400 and ("{" in path and "resident_id" in path):
            problems.append(f"{where}: {theirs.status_code} for someone else's resident")
        if found := leaks(theirs.text, other):
            problems.append(f"{where}: response mentions {found}")
        mine = call(world, method, path, case, user, own)
        if (case.admin_only or case.platform_only) and mine.status_code not in (401, 403):
            problems.append(f"{where}: admin-only endpoint answered {mine.status_code}")
        family = user.startswith("family")
        if case.staff_only and family:
            if mine.status_code != 403:
                problems.append(f"{where}: family member got {mine.status_code}, not 403")
        elif (
            not (case.admin_only or case.platform_only)
            and method == "GET"
            and mine.status_code >= 400
        ):
            problems.append(f"{where}: own resident refused with {mine.status_code}")
        if found := leaks(mine.text, other):
            problems.append(f"{where} (own): response mentions {found}")
    assert checked >= 30
    assert not problems, "\n".join(problems)


def test_admin_reaches_every_resident(world: World) -> None:
    for rid in ("r-1", "r-2"):
        r = world.client.get(f"/api/v1/residents/{rid}", headers=world.auth("admin"))
        assert r.status_code == 200
        assert r.json()["display_name"] == NAMES[rid]


def test_without_a_token_everything_but_public_is_refused(world: World) -> None:
    for method, path in routes(world):
        case = CASES[(method, path)]
        if case.auth == "public":
            continue
        url = path.format(**values(world, "carer-a", "r-1"))
        response = world.client.request(method, url, follow_redirects=False)
        expected = {"bearer": (401,), "cookie": (303, 422), "stream": (401, 303)}[case.auth]
        assert response.status_code in expected, f"{method} {path}: {response.status_code}"
        assert "Rose Able" not in response.text


# Two organisations: "default" (everything above) and "other" (conftest's
# add_other_organisation). Each side's objects, and ids that exist nowhere.
@dataclass(frozen=True)
class Side:
    resident: str
    home: str
    alert: str
    team: str
    gateway: str
    user: str
    organisation: str


DEFAULT = Side("r-1", "h-1", "a", "default", "gw-a1", "carer-a", "default")
OTHER = Side("r-o1", "h-o1", "o", "other", "gw-o1", "carer-o", "other")
MISSING = {
    "resident_id": "r-404",
    "home_id": "h-404",
    "alert_id": "999993",
    "team_id": "999992",
    "gateway_id": "gw-404",
    "user_id": "999991",
    "sensor_id": "s-404",
    "organisation_id": "no-org",
}
# (caller, the organisation whose objects they must never reach)
ACROSS = [
    ("admin", OTHER),
    ("carer-a", OTHER),
    ("family-a", OTHER),
    ("admin-o", DEFAULT),
    ("carer-o", DEFAULT),
    ("family-o", DEFAULT),
    ("root", DEFAULT),  # a platform admin reaches no organisation's data
    ("root", OTHER),
]
CLUES = {  # what would show the other organisation's data in a response
    "default": ["Rose Able", "Bert Baker", "Carer-A", "Family-A", '"r-1"', '"h-1"', '"carer-a"'],
    "other": ["Olive Other", "OTHER-HOUSE", "Carla Other", "Fred Other", '"r-o1"', '"h-o1"'],
}
# Home ids go into MQTT topics, so they are unique on the server: putting another
# organisation's home id is refused as taken (409), where a free one would be created.
GLOBAL_IDS = {("PUT", "/api/v1/homes/{home_id}")}


def their_values(world: World, side: Side) -> dict[str, str]:
    return {
        "resident_id": side.resident,
        "home_id": side.home,
        "alert_id": str(world.alert_ids[side.alert]),
        "team_id": str(world.team_ids[side.team]),
        "gateway_id": side.gateway,
        "user_id": str(world.user_ids[side.user]),
        "sensor_id": "hr-o1" if side is OTHER else "hr-1",
        "organisation_id": side.organisation,
    }


def request(world: World, route: tuple[str, str], user: str, subs: dict[str, str]) -> Any:
    method, path = route
    case = CASES[route]
    subs = {**subs, "action": "acknowledge", "role": user}
    kwargs: dict[str, Any] = {"params": fill(case.query, subs), "follow_redirects": False}
    if case.auth == "cookie":
        token = world.tokens[user]
        kwargs["headers"] = {"Cookie": f"carewatch_session={token}"}
        if method == "POST":
            form = {**case.form, "csrf": world.app.state.services.tokens.form_token(token)}
            kwargs["data"] = form
    else:
        kwargs["headers"] = world.auth(user)
        if case.json is not None:
            kwargs["json"] = fill(case.json, subs)
    return world.client.request(method, path.format(**subs), **kwargs)


def named(route: tuple[str, str]) -> set[str]:
    """The objects a route's path, query or body names, such as ``resident_id``."""
    case = CASES[route]
    found = re.findall(r"{(\w+)}", f"{route[1]} {case.query} {case.json}")
    return set(found) - {"action", "role"}


def snapshot(world: World, organisation: str) -> dict[str, Any]:
    """Everything of ``organisation`` in the database, read past any confinement."""
    from sqlalchemy import select

    from api.models import (
        AlertRow,
        AuditEntry,
        ConsentRecord,
        Feedback,
        Gateway,
        Grant,
        Home,
        Resident,
        Sensor,
        Team,
        TeamMember,
        TeamResident,
        User,
    )

    def rows(model: Any, *where: Any) -> list[tuple[Any, ...]]:
        columns = [c.key for c in model.__table__.columns]
        found = session.scalars(select(model).where(*where))
        return sorted(tuple(str(getattr(row, c)) for c in columns) for row in found)

    with world.app.state.services.sessions() as session:
        residents = select(Resident.id).where(Resident.organisation_id == organisation)
        homes = select(Home.id).where(Home.organisation_id == organisation)
        alerts = select(AlertRow.id).where(AlertRow.organisation_id == organisation)
        teams = select(Team.id).where(Team.organisation_id == organisation)
        owned = (Home, Resident, User, Team, AlertRow, AuditEntry)
        found = {m.__name__: rows(m, m.organisation_id == organisation) for m in owned}
        found |= {
            "grants": rows(Grant, Grant.resident_id.in_(residents)),
            "members": rows(TeamMember, TeamMember.team_id.in_(teams)),
            "team residents": rows(TeamResident, TeamResident.team_id.in_(teams)),
            "sensors": rows(Sensor, Sensor.home_id.in_(homes)),
            "gateways": rows(Gateway, Gateway.home_id.in_(homes)),
            "consents": rows(ConsentRecord, ConsentRecord.resident_id.in_(residents)),
            "feedback": rows(Feedback, Feedback.alert_id.in_(alerts)),
        }
        return found


def normal(text: str, subs: dict[str, str]) -> str:
    """``text`` with the ids the request named replaced by their names."""
    for name in ("resident_id", "home_id", "gateway_id", "sensor_id", "organisation_id"):
        text = text.replace(subs[name], f"<{name}>")
    for name in ("user_id", "team_id", "alert_id"):
        text = re.sub(rf"\b{subs[name]}\b", f"<{name}>", text)
    return text


@pytest.mark.parametrize(("user", "theirs"), ACROSS)
def test_no_one_reaches_another_organisation(world: World, user: str, theirs: Side) -> None:
    gateway = world.client.post(
        "/api/v1/homes/h-1/gateways", json={"id": "gw-a1"}, headers=world.auth("admin")
    )
    assert gateway.status_code == 201, gateway.text
    before = snapshot(world, theirs.organisation)
    assert before["Resident"] and before["AlertRow"] and before["gateways"]
    others = their_values(world, theirs)
    me = world.client.get("/api/v1/me", headers=world.auth(user)).json()
    own_user = {"user_id": str(me["id"])}
    problems, checked = [], 0
    for route in routes(world):
        case = CASES[route]
        if case.auth in ("public", "stream") or (case.platform_only and user == "root"):
            continue  # a platform admin's own routes: tests/api/test_organisations.py
        where = f"{route[0]} {route[1]} as {user}"
        variants = [(others, MISSING)]
        if named(route) - {"user_id"} and "user_id" in named(route):  # their object, my user
            variants.append(({**others, **own_user}, {**MISSING, **own_user}))
        for their_subs, missing_subs in variants:
            got = request(world, route, user, their_subs)
            checked += 1
            if found := [c for c in CLUES[theirs.organisation] if c in got.text]:
                problems.append(f"{where}: response mentions {found}")
            if not named(route):
                continue
            if route in GLOBAL_IDS:
                if got.status_code not in (403, 409):
                    problems.append(f"{where}: {got.status_code} for their home's id")
                continue
            missing = request(world, route, user, missing_subs)
            if got.status_code != missing.status_code:
                problems.append(
                    f"{where}: {got.status_code} for theirs, {missing.status_code} for missing"
                )
            elif got.status_code < 300 and "{" in route[1] and route[0] != "DELETE":
                problems.append(f"{where}: {got.status_code} for theirs")  # DELETE: a no-op
            is_json = got.headers.get("content-type", "").startswith("application/json")
            if is_json and normal(got.text, their_subs) != normal(missing.text, missing_subs):
                problems.append(f"{where}: {got.text} for theirs, {missing.text} for missing")
    assert checked >= 50
    assert not problems, "\n".join(problems)
    after = snapshot(world, theirs.organisation)
    changed = {k: set(after[k]) ^ set(before[k]) for k in before if after[k] != before[k]}
    assert not changed, f"their data changed: {changed}"
