"""Both dashboards in a real headless Chromium against a real uvicorn server.

Screenshots (desktop and phone widths) are saved under ``artifacts/api/``.
"""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from carewatch.protocol import DailySummary, Kind, NightEpisode, encode, summaries_topic
from carewatch.records import ReadingRecord
from tests.api.conftest import NOW, PASSWORD, World, alert_for, close_world, open_world
from tests.servers import free_port, require_binary

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "api"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def served(tmp_path: Path, world_template: tuple[Path, World]) -> Iterator[tuple[World, str]]:
    """The populated app behind a real HTTP server, with four weeks of summaries."""
    import shutil

    source, template = world_template
    shutil.copy(source / "api.sqlite3", tmp_path / "api.sqlite3")
    world = open_world(tmp_path, template, sse_lifetime_seconds=60.0)
    add_summaries(world)
    port = free_port()
    config = uvicorn.Config(
        world.app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield world, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)
    close_world(world)


def add_summaries(world: World) -> None:
    """28 ordinary days for Rose, then a day she drank far less and was up twice at night."""
    ingest = world.app.state.services.ingestor
    today = datetime.fromtimestamp(NOW, UTC).date()
    for back in range(28, 0, -1):
        day = today - timedelta(days=back)
        latest = back == 1
        summary = DailySummary(
            home="h-1",
            date=day.isoformat(),
            tap_litres=0.6 if latest else 1.4 + (back % 3) * 0.1,
            tap_uses=4 if latest else 8,
            toilet_day=5,
            toilet_night=2 if latest else 1,
            chair_minutes=310.0 + (back % 5) * 10,
            night_episodes=[NightEpisode(start=NOW - 20_000, end=NOW - 19_000)]
            * (2 if latest else 0),
            resting_hr=68.0 + (back % 4),
            resident="r-1",
        )
        assert ingest.handle(summaries_topic("h-1"), encode(summary)) == "stored"
    world.store.write(  # this morning, from the store
        [
            ReadingRecord(home="h-1", sensor="tap-1", kind=Kind.TAP, ts=NOW - 3000, value=0.3),
            ReadingRecord(home="h-1", sensor="tap-1", kind=Kind.TAP, ts=NOW - 2000, value=0.2),
            ReadingRecord(home="h-1", sensor="wc-1", kind=Kind.TOILET, ts=NOW - 1000, value=1),
            ReadingRecord(home="h-1", sensor="hr-1", kind=Kind.HEART_RATE, ts=NOW - 60, value=70),
            ReadingRecord(home="h-1", sensor="hr-1", kind=Kind.HEART_RATE, ts=NOW - 30, value=76),
        ]
    )


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = require_binary("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def shoot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    return path


def test_carer_logs_in_acknowledges_and_sees_live_updates(
    served: tuple[World, str], browser: Any
) -> None:
    world, base = served
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{base}/carer")
    assert page.url.endswith("/login")  # no session: sent to log in
    log_in(page, base, "carer-a")
    page.wait_for_url(f"{base}/carer")
    alert = page.locator(f"#alert-{world.alert_ids['a']}")
    assert "Drank 0.6 l today" in alert.inner_text()
    assert page.locator(f"#alert-{world.alert_ids['b']}").count() == 0  # not carer-a's
    assert "Bert Baker" not in page.content()
    shoot(page, "carer-desktop")

    alert.get_by_label("Note").fill("Brought her a jug of squash")
    alert.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(f"{base}/carer*")
    alert = page.locator(f"#alert-{world.alert_ids['a']}")
    assert alert.get_attribute("data-state") == "acknowledged"
    assert "Brought her a jug of squash" in alert.inner_text()
    assert alert.get_by_role("button", name="Acknowledge").count() == 0
    stored = world.client.get(
        f"/api/v1/alerts/{world.alert_ids['a']}", headers=world.auth("carer-a")
    ).json()
    assert stored["state"] == "acknowledged" and stored["ack_note"] == "Brought her a jug of squash"

    # Live: a new alert appears on the open page without a reload.
    page.wait_for_function("document.getElementById('live-status').textContent.includes('on')")
    world.ingest(
        alert_for(
            "h-1",
            "r-1",
            kind="inactivity",
            severity="high",
            start=NOW - 7200,
            explanation="No movement since 07:10.",
        )
    )
    page.wait_for_selector("text=No movement since 07:10.", timeout=15_000)
    shoot(page, "carer-desktop-after")

    phone = browser.new_page(viewport=PHONE)
    log_in(phone, base, "carer-a")
    phone.wait_for_url(f"{base}/carer")
    shoot(phone, "carer-phone")


def test_family_sees_their_relative_in_plain_words_on_a_phone(
    served: tuple[World, str], browser: Any
) -> None:
    _world, base = served
    page = browser.new_page(viewport=PHONE)
    log_in(page, base, "family-a")
    page.wait_for_url(f"{base}/family")
    text = page.inner_text("main")
    assert "How Rose Able is doing" in text
    assert "Less than usual (0.6 litres, usually 1.5)" in text
    assert "Drank 0.6 l today" in text  # the alert, in plain words
    flat = " ".join(text.split())
    assert "Water drawn from the tap 0.5 litres" in flat and "averaging 73 beats per minute" in text
    assert page.locator("svg.chart").count() == 5
    assert "Bert Baker" not in page.content()
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Keyboard: the first Tab lands on the skip link, which is visible when focused.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    shoot(page, "family-phone")

    # Someone else's relative: the same answer as a resident who does not exist.
    other = page.goto(f"{base}/family?resident_id=r-2")
    missing = page.goto(f"{base}/family?resident_id=r-404")
    assert other is not None and missing is not None
    assert other.status == missing.status == 404

    desktop = browser.new_page(viewport=DESKTOP)
    log_in(desktop, base, "family-a")
    desktop.wait_for_url(f"{base}/family")
    shoot(desktop, "family-desktop")
