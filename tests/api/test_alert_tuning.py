"""Feedback that tunes (decision D122): carers' words move a home's steps per alert kind,
audited, shown on the resident page, reset there, and carried in the home's policy."""

from sqlalchemy import select

from api.models import AuditEntry
from api.policy import PolicyPublisher, PolicyTicker
from carewatch.protocol import AlertKind, ConsentPolicy, decode
from tests.api.conftest import World


def word(world: World, alert: str, useful: bool, who: str = "carer-a") -> None:
    response = world.client.post(
        f"/api/v1/alerts/{world.alert_ids[alert]}/feedback",
        json={"useful": useful},
        headers=world.auth(who),
    )
    assert response.status_code == 201, response.text


def tuning_audit(world: World) -> list[str]:
    with world.app.state.services.sessions() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.what == "alert tuning").order_by(AuditEntry.id)
        )
        return [row.detail or "" for row in rows]


def resident_page(world: World, who: str = "carer-a") -> str:
    cookie = {"Cookie": f"carewatch_session={world.tokens[who]}"}
    page = world.client.get("/carer/residents/r-1", headers=cookie)
    assert page.status_code == 200, page.text
    return page.text


def policies(world: World) -> dict[str, ConsentPolicy]:
    sent: dict[str, ConsentPolicy] = {}

    def publish(topic: str, payload: bytes) -> bool:
        policy = decode(payload, ConsentPolicy)
        sent[policy.home] = policy
        return True

    services = world.app.state.services
    PolicyTicker(services.sessions, world.clock, PolicyPublisher(world.clock, publish)).tick()
    return sent


def test_not_useful_makes_the_kind_stricter_within_bounds_and_useful_moves_back(
    world: World,
) -> None:
    for _ in range(4):  # one more than the bound: clamped, not audited again
        word(world, "a", useful=False)
    word(world, "a", useful=True)
    audit = tuning_audit(world)
    assert len(audit) == 4
    assert audit[0].startswith("dehydration in home h-1: 0 -> 1 steps stricter ('not useful'")
    assert audit[-1].startswith("dehydration in home h-1: 3 -> 2 steps stricter ('useful'")
    assert policies(world)["h-1"].stricter == {AlertKind.DEHYDRATION: 2}
    assert policies(world)["h-2"].stricter == {}  # another home's alerts are untouched


def test_the_resident_page_shows_the_steps_and_a_reset_puts_the_rules_back(
    world: World,
) -> None:
    assert "follows the usual rules" in resident_page(world)
    word(world, "a", useful=False)
    assert "dehydration: 1 step stricter (1.25 × the usual rule)" in resident_page(world)
    token = world.tokens["carer-a"]
    csrf = world.app.state.services.tokens.form_token(token)
    response = world.client.post(
        "/carer/residents/r-1/tuning/reset",
        data={"csrf": csrf},
        headers={"Cookie": f"carewatch_session={token}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "follows the usual rules" in resident_page(world)
    assert (
        tuning_audit(world)[-1]
        == "home h-1 reset to the documented rules (was dehydration 1 steps)"
    )
    assert policies(world)["h-1"].stricter == {}


def test_a_reset_needs_the_form_token(world: World) -> None:
    word(world, "a", useful=False)
    response = world.client.post(
        "/carer/residents/r-1/tuning/reset",
        data={"csrf": "0" * 64},
        headers={"Cookie": f"carewatch_session={world.tokens['carer-a']}"},
        follow_redirects=False,
    )
    assert response.status_code in (400, 403)
    assert "1 step stricter" in resident_page(world)
