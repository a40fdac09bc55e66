"""Password guessing backs off per account and per address; password checks are bounded
(issue 14, attack 6). Time moves with the world's manual clock, never by sleeping."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, SECRET, World
from tests.servers import free_port, wait_for_port

TOKEN = "/api/v1/auth/token"
WRONG = "wrong password!"


def attempt(client: TestClient, username: str, password: str = WRONG) -> httpx.Response:
    return client.post(TOKEN, data={"username": username, "password": password})


def lockouts(world: World) -> list[str]:
    entries = world.client.get(
        "/api/v1/audit", params={"limit": 500}, headers=world.auth("admin")
    ).json()
    return [e["detail"] for e in entries if e["action"] == "lockout"]


def test_an_account_backs_off_after_five_failures_and_says_how_long(world: World) -> None:
    for _ in range(6):
        assert attempt(world.client, "family-a").status_code == 401

    refused = attempt(world.client, "family-a", PASSWORD)  # even the right password waits

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert "try again in 30 seconds" in refused.json()["detail"]
    assert "account 'family-a' locked for 30 s after 6 failed logins" in lockouts(world)
    world.clock.advance(31)
    assert attempt(world.client, "family-a", PASSWORD).status_code == 200
    assert attempt(world.client, "family-b", PASSWORD).status_code == 200  # others never waited


def test_each_further_failure_doubles_the_wait(world: World) -> None:
    for _ in range(6):
        attempt(world.client, "carer-a")
    world.clock.advance(31)
    assert attempt(world.client, "carer-a").status_code == 401  # the 7th failure

    again = attempt(world.client, "carer-a", PASSWORD)

    assert (again.status_code, again.headers["Retry-After"]) == (429, "60")
    world.clock.advance(3601)  # forgotten an hour after the last failure
    assert attempt(world.client, "carer-a", PASSWORD).status_code == 200


def test_one_address_guessing_many_accounts_is_held_back_alone(world: World) -> None:
    for index in range(21):
        assert attempt(world.client, f"nobody-{index}").status_code == 401

    held = attempt(world.client, "family-a", PASSWORD)
    elsewhere = TestClient(world.app, client=("192.0.2.7", 40000))

    assert held.status_code == 429 and "network address" in held.json()["detail"]
    assert attempt(elsewhere, "family-a", PASSWORD).status_code == 200
    assert any("address 'testclient' locked" in notice for notice in lockouts(world))


def test_the_login_page_says_how_long_to_wait(world: World) -> None:
    for _ in range(6):
        world.client.post("/login", data={"username": "family-b", "password": "not it at all"})

    page = world.client.post("/login", data={"username": "family-b", "password": PASSWORD})

    assert page.status_code == 429 and page.headers["Retry-After"] == "30"
    assert "try again in 30 seconds" in page.text.lower()


def test_logins_are_counted_by_outcome(world: World) -> None:
    for _ in range(7):
        attempt(world.client, "family-b")
    text = world.client.get("/metrics").text
    assert 'carewatch_api_logins_total{outcome="wrong"} 6.0' in text
    assert 'carewatch_api_logins_total{outcome="locked"} 1.0' in text


def test_forty_concurrent_logins_keep_the_server_small(tmp_path: Path) -> None:
    """A real ``carewatch api serve``: argon2 takes 64 MB per check, two run at once."""
    db = f"sqlite:///{tmp_path}/api.sqlite3"
    port = free_port()
    env = os.environ | {
        "CAREWATCH_API_DATABASE_URL": db,
        "CAREWATCH_API_JWT_SECRET": SECRET,
        "CAREWATCH_API_STORE_URL": f"sqlite:///{tmp_path}/readings.db",
        "CAREWATCH_API_PORT": str(port),
        "CAREWATCH_API_ADMIN_PASSWORD": PASSWORD,
        "CAREWATCH_API_LOGIN_HASH_WAIT_SECONDS": "120",  # a slow CI machine still serves all
    }
    carewatch = [sys.executable, "-m", "carewatch"]
    subprocess.run([*carewatch, "api", "create-admin", "--username", "root"], env=env, check=True)
    server = subprocess.Popen([*carewatch, "api", "serve"], env=env)
    try:
        wait_for_port(port, timeout=60)
        url = f"http://127.0.0.1:{port}{TOKEN}"
        form = {"username": "root", "password": PASSWORD}
        assert httpx.post(url, data=form, timeout=60).status_code == 200  # warmed up
        process = psutil.Process(server.pid)
        before = process.memory_info().rss
        peak = before
        statuses: list[int] = []

        def log_in() -> None:
            statuses.append(httpx.post(url, data=form, timeout=180).status_code)

        threads = [threading.Thread(target=log_in) for _ in range(40)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.005)  # sampling memory, not waiting for time to pass
        assert statuses == [200] * 40
        growth_mb = (peak - before) / 2**20
        assert growth_mb < 2 * 64 + 100, f"grew {growth_mb:.0f} MB during 40 logins"
    finally:
        server.terminate()
        server.wait(timeout=30)
