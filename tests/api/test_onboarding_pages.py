"""The onboarding page's forms: form tokens, admins only, refusals shown and rolled back."""

import html
from typing import Any

from api.models import Gateway, Home
from tests.api.conftest import World


def cookie(world: World, who: str) -> dict[str, str]:
    return {"Cookie": f"carewatch_session={world.tokens[who]}"}


def post_form(world: World, form: str, fields: dict[str, str], who: str = "admin") -> Any:
    csrf = world.app.state.services.tokens.form_token(world.tokens[who])
    return world.client.post(
        f"/admin/{form}",
        data={"csrf": csrf, **fields},
        headers=cookie(world, who),
        follow_redirects=False,
    )


def test_only_admins_have_the_page(world: World) -> None:
    page = world.client.get("/admin", headers=cookie(world, "admin"))
    assert page.status_code == 200 and "Set up homes and people" in page.text
    for who in ("carer-a", "family-a"):
        assert world.client.get("/admin", headers=cookie(world, who)).status_code == 403
        refused = post_form(world, "homes", {"id": "h-9", "label": "x", "tz": "UTC"}, who)
        assert refused.status_code == 403
    assert world.client.get("/admin", follow_redirects=False).headers["location"] == "/login"


def test_a_form_without_its_token_is_refused(world: World) -> None:
    fields = {"id": "h-9", "label": "x", "tz": "UTC", "csrf": "0" * 64}
    forged = world.client.post("/admin/homes", data=fields, headers=cookie(world, "admin"))
    assert forged.status_code == 403
    assert post_form(world, "nothing", {}).status_code == 404
    with world.app.state.services.sessions() as session:
        assert session.get(Home, "h-9") is None


def test_a_home_is_added_and_the_page_says_so(world: World) -> None:
    fields = {
        "id": "h-9",
        "label": "9 Elm Row",
        "tz": "Europe/Paris",
        "sensors_tap": "tap-1, tap-2",
    }
    added = post_form(world, "homes", fields)
    assert added.status_code == 303 and added.headers["location"] == "/admin?done=homes#homes"
    page = world.client.get(added.headers["location"], headers=cookie(world, "admin")).text
    assert "Home added." in page and "9 Elm Row" in page and "tap-2" in page
    # taps alone: the page says what this home cannot judge, and why
    assert "Cannot judge night wandering: no bed sensor in this home" in page


def test_a_refusal_is_shown_by_its_field_and_nothing_is_kept(world: World) -> None:
    fields = {"id": "h-9", "label": "9 Elm Row", "tz": "Europe/Pariss", "sensors_bed": "Bed 1"}
    refused = post_form(world, "homes", fields)
    assert refused.status_code == 422
    assert "did you mean &#39;Europe/Paris&#39;?" in refused.text
    assert 'id="homes-tz" name="tz"' in refused.text and 'value="9 Elm Row"' in refused.text
    gateway = post_form(world, "gateways", {"home_id": "h-1", "id": "ingest"})
    assert gateway.status_code == 422 and "service account" in gateway.text
    with world.app.state.services.sessions() as session:
        assert session.get(Home, "h-9") is None and session.get(Gateway, "ingest") is None


def test_secrets_are_shown_once_and_not_cached(world: World) -> None:
    shown = post_form(world, "gateways", {"home_id": "h-1", "id": "gw-7"})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert 'id = "gw-7"' in html.unescape(shown.text) and "shown only this once" in shown.text
    again = post_form(world, "gateways", {"home_id": "h-2", "id": "gw-7"})
    assert again.status_code == 422 and "registered already" in again.text
    invited = post_form(
        world, "people", {"display_name": "Fay", "username": "fay", "role": "family"}
    )
    assert invited.status_code == 200 and invited.headers["cache-control"] == "no-store"
    assert 'id="invite-password"' in invited.text
    page = world.client.get("/admin", headers=cookie(world, "admin")).text
    assert "gw-7" in page and 'id="invite-password"' not in page


def test_a_gateway_is_revoked_from_the_page(world: World) -> None:
    assert post_form(world, "gateways", {"home_id": "h-1", "id": "gw-7"}).status_code == 200
    page = world.client.get("/admin", headers=cookie(world, "admin")).text
    assert 'aria-label="Revoke gateway gw-7"' in page
    revoked = post_form(world, "revoke", {"gateway_id": "gw-7"})
    assert revoked.status_code == 303
    page = world.client.get(revoked.headers["location"], headers=cookie(world, "admin")).text
    assert "Gateway revoked" in page and "gw-7" not in page
    missing = post_form(world, "revoke", {"gateway_id": "gw-7"})
    assert missing.status_code == 422 and "no gateway &#39;gw-7&#39;" in missing.text
