"""Onboarding end to end, in a real Chromium: from an empty server to an acknowledged alert.

An empty API (only the admin from ``carewatch api create-admin``) beside the shipped
Mosquitto configuration and a real ``carewatch ingest run``. The admin onboards a home,
its gateway, a resident, consent and a carer through the web pages; the gateway config
the page shows (with the generated broker password, which the app wrote to Mosquitto's
password file and ACL, then reloaded as the path unit would) runs a real ``carewatch
gateway run`` with heart-rate readings of 150 bpm; the readings reach the store, the
detectors raise the safety-bound alert, and the carer, logging in with the password the
invitation showed, acknowledges it. Revoked on the page, the Pi's password stops working.
Screenshots of the onboarding page go to docs/.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from api.app import create_app
from api.models import AlertRow
from api.settings import ApiSettings
from carewatch.protocol import Kind
from carewatch.records import ReadingRecord, write_jsonl
from carewatch.settings import load_settings
from carewatch.store import open_store
from tests.deploy.broker import SERVICE_PASSWORDS, Account, DeployedMosquitto
from tests.deploy.peers import Peer
from tests.e2e.support import eventually
from tests.servers import free_port, require_binary

pytestmark = pytest.mark.e2e
CAREWATCH = Path(sys.executable).with_name("carewatch")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ADMIN_PASSWORD = "an admin password for the test"
SECRET = "onboarding-e2e-secret-" + "y" * 32
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BEATS = 31  # every 10 s for 5 minutes, above the 140 bpm bound for more than 2 minutes


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[DeployedMosquitto]:
    server = DeployedMosquitto(tmp_path / "broker")
    server.start()
    yield server
    server.stop()


def start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(CAREWATCH), *args], stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env}
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def server(tmp_path: Path, broker: DeployedMosquitto) -> Iterator[tuple[str, ApiSettings]]:
    """An empty API but for its first admin, consuming alerts from the shipped broker."""
    database = f"sqlite:///{tmp_path / 'api.sqlite3'}"
    created = subprocess.run(
        [str(CAREWATCH), "api", "create-admin", "--username", "ada"],
        env={
            **os.environ,
            "CAREWATCH_API_DATABASE_URL": database,
            "CAREWATCH_API_ADMIN_PASSWORD": ADMIN_PASSWORD,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    settings = load_settings(
        ApiSettings,
        jwt_secret=SECRET,
        database_url=database,
        store_url=f"sqlite:///{tmp_path / 'readings.db'}",
        broker_url=f"mqtt://api:{SERVICE_PASSWORDS['api']}@127.0.0.1:{broker.port}",
        broker_passwd_file=broker.site / "passwd",
        broker_acl_file=broker.site / "acl",
        gateway_broker_url=f"mqtts://localhost:{broker.tls_port}",
        gateway_ca_file=str(broker.ca_file),
        secure_cookies=False,
        escalation_tick_seconds=1.0,
    )
    app = create_app(settings, store=open_store(settings.store_url or ""))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    eventually(lambda: uv.started, "uvicorn to start", timeout=20, every=0.05)
    yield f"http://127.0.0.1:{port}", settings
    uv.should_exit = True
    thread.join(timeout=20)


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = require_binary("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def submit(page: Any, section: str, fields: dict[str, str], button: str) -> None:
    form = page.locator(f"#{section} form").first
    for label, value in fields.items():
        field = form.get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000


def onboard(page: Any, base: str) -> tuple[str, str]:
    """The admin's whole onboarding in the browser; returns the gateway config and the
    carer's password, as the pages showed them once."""
    log_in(page, base, "ada", ADMIN_PASSWORD)
    page.wait_for_url(f"{base}/admin")
    assert page.locator(".steps li.todo").count() == 6  # nothing done yet, and it says so
    home = {
        "Home id": "home-e2e",
        "Address label": "12 Mill Lane",
        "Time zone": "Europe/Londn",
        "Heart rate sensors": "wrist-1",
        "Chair sensors": "chair-1",
        "Bed sensors": "bed-1",
    }
    submit(page, "homes", home, "Add the home")
    error = page.locator("#homes-tz-error")
    assert (
        error.inner_text()
        == "'Europe/Londn' is not an IANA time zone: did you mean 'Europe/London'?"
    )
    assert page.locator("#homes-tz").get_attribute("aria-invalid") == "true"
    assert page.locator("#homes-label").input_value() == "12 Mill Lane"  # what was typed is kept
    submit(page, "homes", {"Time zone": "Europe/London"}, "Add the home")
    assert "Home added." in page.inner_text(".done")
    row = page.locator("#homes table").inner_text()
    assert "12 Mill Lane" in row and "heart rate wrist-1" in row and "bed bed-1" in row

    submit(
        page,
        "gateways",
        {"Home": "12 Mill Lane (home-e2e)", "Gateway id": "gw-e2e"},
        "Register the gateway",
    )
    assert "shown only this once" in page.inner_text(".warning")
    config = page.locator("#config").input_value()
    page.get_by_role("link", name="Back to onboarding").click()

    submit(
        page,
        "residents",
        {"Name": "Rose Able", "Resident id": "r-e2e", "Home": "12 Mill Lane (home-e2e)"},
        "Add the resident",
    )
    submit(
        page,
        "consents",
        {"Resident": "Rose Able (r-e2e)", "Agreed by": "Rose Able"},
        "Record consent",
    )
    assert "Rose Able: agreed to monitoring, by Rose Able" in page.inner_text("#consents")
    submit(page, "people", {"Their name": "Carol Carer", "Username": "carol"}, "Invite")
    password = page.locator("#invite-password").inner_text()
    page.goto(f"{base}/admin")
    submit(
        page,
        "grants",
        {"Person": "Carol Carer (carer)", "May see": "Rose Able (r-e2e)"},
        "Grant access",
    )
    assert page.locator(".steps li.done").count() == 6
    assert "Carol Carer (carol, carer): Rose Able" in page.inner_text("#people")
    return config, password


def pi_config(config: str, workdir: Path) -> Path:
    """The page's config on the "Pi": its data directory, and a source of 150 bpm beats."""
    now = time.time()
    beats = workdir / "beats.jsonl"
    with beats.open("wb") as out:
        write_jsonl(
            (
                ReadingRecord(
                    "home-e2e", "wrist-1", Kind.HEART_RATE, now - 300 + 10 * i, 150.0, "r-e2e"
                )
                for i in range(BEATS)
            ),
            out,
        )
    text = config.replace("/var/lib/carewatch-gateway", str(workdir / "gateway-data"))
    path = workdir / "gateway.toml"
    path.write_text(text + f'\n[source.file]\npath = "{beats}"\nspeed = 0\n')
    return path


def test_an_admin_onboards_a_home_whose_alert_a_carer_acknowledges(
    tmp_path: Path, broker: DeployedMosquitto, server: tuple[str, ApiSettings], browser: Any
) -> None:
    base, settings = server
    store_url = settings.store_url or ""
    ingest = start(
        ["ingest", "run"],
        tmp_path / "ingest.log",
        {
            "CAREWATCH_INGEST_BROKER_URL": f"mqtt://ingest:{SERVICE_PASSWORDS['ingest']}@127.0.0.1:{broker.port}",
            "CAREWATCH_INGEST_STORE_URL": store_url,
            "CAREWATCH_INGEST_STATE_PATH": str(tmp_path / "ingest.db"),
            "CAREWATCH_INGEST_HTTP_PORT": "0",
        },
    )
    page = browser.new_page(viewport=DESKTOP)
    config, password = onboard(page, base)
    shoot(page, "onboarding-desktop")
    phone = browser.new_page(viewport=PHONE)
    log_in(phone, base, "ada", ADMIN_PASSWORD)
    phone.wait_for_url(f"{base}/admin")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "onboarding-phone")

    assert "\ngw-e2e:$7$101$" in (broker.site / "passwd").read_text()
    broker.reload()  # what the carewatch-broker-reload path unit does on a change (D96)
    gateway = start(
        ["gateway", "run", "--config", str(pi_config(config, tmp_path))],
        tmp_path / "gateway.log",
        {},
    )
    try:
        store = open_store(store_url)

        def arrived() -> bool:
            assert ingest.poll() is None, (tmp_path / "ingest.log").read_text()
            return len(store.query("home-e2e", Kind.HEART_RATE, 0, 4e9)) == BEATS

        eventually(arrived, "the gateway's readings in the store", timeout=60, every=0.2)
        store.close()
        sessions = create_app(settings, background=False).state.services.sessions

        def alert() -> AlertRow | None:
            with sessions() as session:
                return session.scalars(select(AlertRow)).first()

        raised = eventually(alert, "the heart-rate alert in the API", timeout=60, every=0.2)
        assert raised.home_id == "home-e2e" and raised.resident_id == "r-e2e"
        assert raised.severity == "high" and "150 bpm" in raised.explanation
    finally:
        stop(gateway)
        stop(ingest)

    carer = browser.new_page(viewport=PHONE)
    log_in(carer, base, "carol", password)
    carer.wait_for_url(f"{base}/carer")
    card = carer.locator(f"#alert-{raised.id}")
    assert "Heart rate very high: 150 bpm" in card.inner_text()
    card.get_by_role("button", name="Acknowledge").click()
    carer.wait_for_url(f"{base}/carer*")
    assert carer.locator(f"#alert-{raised.id}").get_attribute("data-state") == "acknowledged"
    with sessions() as session:
        done = session.get(AlertRow, raised.id)
        assert done is not None and done.state == "acknowledged"

    # The Pi is lost: the admin revokes it on the page, and its password no longer logs in.
    password_of_pi = tomllib.loads(config)["mqtt"]["password"]
    page.goto(f"{base}/admin")
    page.get_by_role("button", name="Revoke gateway gw-e2e").click()
    page.wait_for_url(f"{base}/admin?done=revoke*")
    broker.reload()
    lost = Peer(broker.port, Account("gw-e2e", password_of_pi), "gw-e2e")
    try:
        assert lost.connect() == "Not authorized"
    finally:
        lost.close()
