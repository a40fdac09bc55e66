"""The caseload, a resident's page, the handover and the family page in real Chromium, at
desktop and phone sizes; the screenshots are kept in ``docs/screenshots/``."""

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.api.carer_world import CYRIL_MARKS, populate
from tests.api.conftest import World, close_world, open_world
from tests.api.test_dashboards import CHROMIUM_ARGS, DESKTOP, PHONE, log_in
from tests.servers import free_port, require_binary

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def month_served(
    tmp_path: Path, world_template: tuple[Path, World]
) -> Iterator[tuple[World, dict[str, int], str]]:
    source, template = world_template
    shutil.copy(source / "api.sqlite3", tmp_path / "api.sqlite3")
    world = open_world(tmp_path, template, sse_lifetime_seconds=60.0)
    ids = populate(world)
    config = uvicorn.Config(
        world.app,
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for a real server to listen, not for the clock
    assert server.started, "uvicorn did not start"
    yield world, ids, f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(timeout=20)
    close_world(world)


@pytest.fixture
def chromium() -> Iterator[Any]:
    executable = require_binary("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert 5_000 < path.stat().st_size < 900_000, f"{name}: {path.stat().st_size} bytes"


def fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def flat(page: Any) -> str:
    return " ".join(page.inner_text("main").split())


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_carer_pages_in_chromium(
    month_served: tuple[World, dict[str, int], str], chromium: Any, size: str
) -> None:
    _world, ids, base = month_served
    viewport = SIZES[size]
    page = chromium.new_page(viewport=viewport)
    log_in(page, base, "carer-a")
    page.wait_for_url(f"{base}/carer")
    text = flat(page)
    assert "Rose Able: no movement at home" in text and "Home H-1" not in text
    first = page.locator("article.alert").first
    assert first.get_attribute("id") == f"alert-{ids['quiet']}"  # high, and the newest
    assert first.locator("time").get_attribute("title") == "Sat 15 Nov 2025, 09:16"
    assert "30 minutes ago" in first.inner_text()
    stale = page.locator(f"#alert-{ids['old']}").inner_text()
    assert "No carer has recorded seeing this (raised 10 days ago)" in stale
    for mark in CYRIL_MARKS:
        assert mark not in text
    fits(page, viewport["width"])
    shoot(page, f"caseload-{size}")

    first.get_by_role("link", name="Rose Able's page").click()
    page.wait_for_url(f"{base}/carer/residents/r-1")
    text = flat(page)
    assert "Rose Able: the last 30 days" in text
    assert "0.6 litres (below usual)" in text and "1.4 to 1.6 litres" in text
    assert "in bed 22:30, up 07:00" in text
    assert "No carer has recorded seeing this (raised 10 days ago)" in text
    assert "Kettle was broken; replaced" in text
    assert "stress: no wearable in this home" in text
    assert page.locator("svg.chart").count() == 8  # the sleep window and seven measures
    for mark in CYRIL_MARKS:
        assert mark not in text
    fits(page, viewport["width"])
    shoot(page, f"resident-{size}")

    page.get_by_role("link", name="Handover").click()
    page.wait_for_url(f"{base}/carer/handover")
    visit = " ".join(page.locator("#visit").inner_text().split())
    assert "Rose Able: Visit: no movement at home, 30 minutes ago" in visit
    assert "Dora Dale" in " ".join(page.locator("#fine").inner_text().split())
    assert "Cyril" not in flat(page)
    fits(page, viewport["width"])
    shoot(page, f"handover-{size}")

    family = chromium.new_page(viewport=viewport)
    log_in(family, base, "family-a")
    family.wait_for_url(f"{base}/family")
    text = flat(family)
    assert "How Rose Able is doing" in text
    assert "Water drawn from the tap" in text and "Drinking" not in text
    assert "No carer has recorded seeing this (raised 10 days ago)" in text
    assert "New: no one has picked this up yet" in text  # the fresh ones, still new
    assert "14 Nov" in text and "11-14" not in text  # dates as people write them
    tick = family.locator("svg.chart text.tick").first
    assert float(tick.evaluate("t => getComputedStyle(t).fontSize")[:-2]) >= 12
    assert tick.evaluate("t => t.getBoundingClientRect().height") >= 11  # not squashed
    for mark in CYRIL_MARKS:
        assert mark not in text
    fits(family, viewport["width"])
    shoot(family, f"family-{size}")
