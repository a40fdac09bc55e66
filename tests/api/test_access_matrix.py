"""Every endpoint x every role x own / someone else's / missing resident: zero leaks.

The endpoint list comes from ``app.routes``: a new endpoint without a row in
``CASES`` fails :func:`test_every_route_is_in_the_matrix`, so none can escape.
"""

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


NOTE = {"note": "checked"}
CASES: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/auth/token"): Case("public"),
    ("GET", "/api/v1/me"): Case("bearer"),
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
    ("GET", "/carer"): Case("cookie"),
    ("GET", "/carer/events"): Case("stream"),
    ("POST", "/carer/alerts/{alert_id}/{action}"): Case(
        "cookie", form={"note": "seen"}, staff_only=True
    ),
    ("GET", "/family"): Case("cookie", query={"resident_id": "{resident_id}"}),
    ("GET", "/carer/residents/{resident_id}"): Case("cookie"),
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
        if case.admin_only and mine.status_code not in (401, 403):
            problems.append(f"{where}: admin-only endpoint answered {mine.status_code}")
        family = user.startswith("family")
        if case.staff_only and family:
            if mine.status_code != 403:
                problems.append(f"{where}: family member got {mine.status_code}, not 403")
        elif not case.admin_only and method == "GET" and mine.status_code >= 400:
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
