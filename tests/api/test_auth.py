"""Logging in, token expiry, cookies and form tokens."""

from tests.api.conftest import PASSWORD, World


def test_wrong_password_and_unknown_user_look_the_same(world: World) -> None:
    wrong = world.client.post(
        "/api/v1/auth/token", data={"username": "carer-a", "password": "x" * 12}
    )
    nobody = world.client.post(
        "/api/v1/auth/token", data={"username": "nobody", "password": "x" * 12}
    )
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()


def test_tokens_expire_by_the_injected_clock(world: World) -> None:
    token = world.login("carer-a")
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/v1/me", headers=headers).status_code == 200
    world.clock.advance(15 * 60)
    assert world.client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_deactivated_user_is_locked_out_at_once(world: World) -> None:
    r = world.client.patch(
        f"/api/v1/users/{world.user_ids['carer-a']}",
        json={"active": False},
        headers=world.auth("admin"),
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert world.client.get("/api/v1/me", headers=world.auth("carer-a")).status_code == 401


def test_login_sets_a_strict_http_only_cookie_and_forms_need_their_token(world: World) -> None:
    r = world.client.post(
        "/login", data={"username": "carer-a", "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/carer"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    token = r.cookies["carewatch_session"]
    headers = {"Cookie": f"carewatch_session={token}"}
    alert = world.alert_ids["a"]
    forged = world.client.post(
        f"/carer/alerts/{alert}/acknowledge",
        data={"csrf": "0" * 64},
        headers=headers,
        follow_redirects=False,
    )
    assert forged.status_code == 403
    state = world.client.get(f"/api/v1/alerts/{alert}", headers=world.auth("carer-a")).json()
    assert state["state"] == "open"
    csrf = world.app.state.services.tokens.form_token(token)
    ok = world.client.post(
        f"/carer/alerts/{alert}/acknowledge",
        data={"csrf": csrf},
        headers=headers,
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_bad_login_on_the_page_says_so(world: World) -> None:
    r = world.client.post("/login", data={"username": "carer-a", "password": "nope"})
    assert r.status_code == 401 and "Wrong username or password" in r.text
    assert "set-cookie" not in r.headers


def test_family_cannot_acknowledge_and_acknowledging_twice_conflicts(world: World) -> None:
    alert = world.alert_ids["a"]
    refused = world.client.post(
        f"/api/v1/alerts/{alert}/acknowledge", json={}, headers=world.auth("family-a")
    )
    assert refused.status_code == 403
    first = world.client.post(
        f"/api/v1/alerts/{alert}/acknowledge", json={"note": "seen"}, headers=world.auth("carer-a")
    )
    again = world.client.post(
        f"/api/v1/alerts/{alert}/acknowledge", json={}, headers=world.auth("carer-a")
    )
    assert first.status_code == 200 and again.status_code == 409
    fb = world.client.post(
        f"/api/v1/alerts/{alert}/feedback",
        json={"useful": False, "note": "she was out"},
        headers=world.auth("carer-a"),
    )
    assert fb.status_code == 201 and fb.json()["useful"] is False
    [export] = world.client.get("/api/v1/feedback", headers=world.auth("admin")).json()
    assert (export["home"], export["resident"], export["kind"], export["useful"]) == (
        "h-1",
        "r-1",
        "dehydration",
        False,
    )
    done = world.client.post(
        f"/api/v1/alerts/{alert}/resolve", json={}, headers=world.auth("carer-a")
    )
    assert done.json()["state"] == "resolved"
    listed = world.client.get(
        "/api/v1/alerts", params={"state": "resolved"}, headers=world.auth("carer-a")
    ).json()
    assert [a["id"] for a in listed] == [alert]


def test_a_notification_url_apprise_cannot_use_is_refused(world: World) -> None:
    body = {
        "username": "x-1",
        "display_name": "X",
        "role": "carer",
        "password": PASSWORD,
        "notify_url": "carrier-pigeon://loft",
    }
    r = world.client.post("/api/v1/users", json=body, headers=world.auth("admin"))
    assert r.status_code == 422 and "Apprise" in r.text
    body["notify_url"] = "mailto://carer:pw@example.org"
    r = world.client.post("/api/v1/users", json=body, headers=world.auth("admin"))
    assert r.status_code == 201 and r.json()["has_notify_url"] is True
    assert "example.org" not in r.text  # the URL (a secret) is never returned


def test_null_in_a_user_patch_leaves_the_field_as_it_is(world: World) -> None:
    user_id = world.user_ids["family-a"]
    r = world.client.patch(
        f"/api/v1/users/{user_id}",
        json={"password": None, "active": None, "display_name": None},
        headers=world.auth("admin"),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["active"], r.json()["display_name"]) == (True, "Family-A")
    assert world.login("family-a")  # the password is unchanged
