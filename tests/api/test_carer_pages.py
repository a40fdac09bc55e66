"""The carer's resident page and the morning handover: contents, order, scope, schedule."""

import re
from datetime import time
from html import unescape
from pathlib import Path

import pytest

from api.digest import HandoverSender
from carewatch.clock import ManualClock
from carewatch.errors import ConfigError
from tests.api.carer_world import CYRIL_MARKS, DAY, populate
from tests.api.conftest import World, make_settings
from tests.api.webhook import webhook_inbox


@pytest.fixture
def month(world: World) -> tuple[World, dict[str, int]]:
    return world, populate(world)


def page(world: World, user: str, path: str) -> str:
    cookie = {"Cookie": f"carewatch_session={world.tokens[user]}"}
    response = world.client.get(path, headers=cookie, follow_redirects=False)
    assert response.status_code == 200, response.text
    return unescape(re.sub(r"<[^>]+>", " ", response.text))


def words(text: str) -> str:
    return " ".join(text.split())


def test_resident_page_shows_the_month_against_her_usual(month: tuple[World, dict[str, int]]):
    world, ids = month
    html = world.client.get(
        "/carer/residents/r-1", headers={"Cookie": f"carewatch_session={world.tokens['carer-a']}"}
    ).text
    text = words(page(world, "carer-a", "/carer/residents/r-1"))
    assert "Rose Able: the last 30 days" in text
    # Each measure: the latest day, her usual band, and how often she was outside it.
    assert "Water drawn from the tap 0.6 litres (below usual) 1.4 to 1.6 litres" in text
    assert "Tap uses 4 uses (below usual) 8 to 9 uses" in text
    assert "Trips out of bed at night 2 trips (above usual) 0 trips 1 of 30" in text
    assert "Sleep window in bed 22:30, up 07:00 to bed 22:30; up 07:00 30 nights measured" in text
    assert "Toilet visits at night 2 visits (above usual) 0 to 1 visits" in text
    assert "Resting heart rate" in text and html.count('class="band"') >= 6
    # History with outcomes, notes and feedback; stale and fresh states said as they are.
    assert "Rang her daughter" in text and "Kettle was broken; replaced" in text
    assert "Carer-A found it useful: Spot on" in text
    assert "No carer has recorded seeing this (raised 10 days ago)" in text
    assert "Rose Able: no movement at home" in text  # the home-level alert, titled by who
    # Evidence in words, not working figures.
    assert "Water drawn from the tap 0.8 litres (usually 2.4 litres)" in text
    assert "index" not in text.lower() and "shortfall" not in text.lower()
    # What this home's sensors cannot watch.
    assert "stress: no wearable in this home" in text
    assert "night wandering: cannot judge the front door opening at night" in text
    # The housemate never shows: not his name, figures, bed or alerts.
    for mark in CYRIL_MARKS:
        assert mark not in text, mark
    assert f"history-{ids['cyril']}" not in html


def test_resident_page_is_only_for_those_granted(month: tuple[World, dict[str, int]]) -> None:
    world, _ = month
    cookie = {"Cookie": f"carewatch_session={world.tokens['carer-a']}"}
    for other in ("r-3", "r-2", "r-404"):  # housemate, another home, nobody
        r = world.client.get(f"/carer/residents/{other}", headers=cookie)
        assert r.status_code == 404 and "Cyril" not in r.text and "Bert" not in r.text
    short = words(page(world, "carer-a", "/carer/residents/r-1?days=14"))
    assert "the last 14 days" in short and "raised 10 days ago" in short
    family = {"Cookie": f"carewatch_session={world.tokens['family-a']}"}
    r = world.client.get("/carer/residents/r-1", headers=family, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/family?resident_id=r-1"


def test_caseload_orders_newest_first_and_links_to_residents(
    month: tuple[World, dict[str, int]],
) -> None:
    world, ids = month
    cookie = {"Cookie": f"carewatch_session={world.tokens['carer-a']}"}
    html = world.client.get("/carer", headers=cookie).text
    order = [int(i) for i in re.findall(r'id="alert-(\d+)"', html)]
    a = world.alert_ids["a"]  # medium, ten minutes ago
    assert order == [ids["quiet"], ids["stress"], a, ids["dry"], ids["old"]]
    assert re.findall(r'data-resident="(r-\d)"', html) == ["r-1", "r-4"]
    text = words(unescape(re.sub(r"<[^>]+>", " ", html)))
    assert "Rose Able: no movement at home" in text and "Home H-1" not in text
    assert "30 minutes ago (Sat 15 Nov 2025, 09:16)" in text
    assert "3 hours ago (Sat 15 Nov 2025, 06:46)" in text
    assert 'href="/carer/residents/r-1"' in html
    for mark in CYRIL_MARKS:
        assert mark not in text


def test_the_handover_says_who_needs_what_in_one_line_each(
    month: tuple[World, dict[str, int]],
) -> None:
    world, _ = month
    text = words(page(world, "carer-a", "/carer/handover"))
    assert (
        "Needs a visit or a call today Rose Able : Visit: no movement at home, 30 minutes ago, "
        "nobody has picked it up (+4 more)." in text
    )
    overnight = text[text.index("Overnight") : text.index("Fine")]
    assert "06:46 heart rate raised at rest (alert, now open)" in overnight
    assert "2 trips out of bed at night on 14 Nov (usually 0)" in overnight
    assert "Dora Dale" not in overnight  # an ordinary night is not news
    assert "Fine Dora Dale : no alerts open" in text
    for mark in CYRIL_MARKS:
        assert mark not in text
    other = words(page(world, "carer-b", "/carer/handover"))
    assert "Bert Baker" in other and "Rose Able" not in other and "Dora" not in other


def test_the_digest_goes_each_morning_once_and_on_demand(
    month: tuple[World, dict[str, int]],
) -> None:
    world, _ = month
    services = world.app.state.services
    clock = ManualClock(world.clock() - 3 * 3600)  # 06:46 in London: before 07:30
    with webhook_inbox() as inbox:
        url = inbox.url("/carer-a")
        r = world.client.patch(
            f"/api/v1/users/{world.user_ids['carer-a']}",
            json={"notify_url": url},
            headers=world.auth("admin"),
        )
        assert r.status_code == 200, r.text
        sender = HandoverSender(
            services.sessions,
            services.escalator._notifier,
            clock,
            services.audit,
            time(7, 30),
            "Europe/London",
        )
        assert sender.tick() == 0  # not yet
        clock.advance(3600)
        assert sender.tick() == 1 and sender.tick() == 0  # once a day, even if ticked again
        [sent] = inbox.to("/carer-a")
        assert sent["title"].startswith("CareWatch handover, Sat 15 Nov 2025")
        assert "- Rose Able: Visit: no movement at home" in sent["message"]
        assert "- Dora Dale: no alerts open" in sent["message"]
        assert "Cyril" not in sent["message"] and "Bert" not in sent["message"]
        clock.advance(DAY)
        assert sender.tick() == 1  # the next morning
        assert len(inbox.to("/carer-a")) == 2


def test_a_bad_handover_setting_names_itself(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CAREWATCH_API_HANDOVER_TZ"):
        make_settings(tmp_path, handover_tz="Mars/Olympus")
    with pytest.raises(ConfigError, match="CAREWATCH_API_HANDOVER_AT"):
        make_settings(tmp_path, handover_at="25:99")
    assert make_settings(tmp_path, handover_at="07:30").handover_at == time(7, 30)
