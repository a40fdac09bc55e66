"""The demo stack as a newcomer runs it: embedded broker, SQLite, ingest and API processes.

Issue 7's first acceptance criterion: alerts reach the carer (API and dashboard) soon
after start, and the family login sees its own relative and nothing else.
"""

import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord
from carewatch.store import open_store
from simulators.demo import DemoStack
from simulators.demo.people import DEMO_NAMES
from simulators.incidents import INCIDENT_KINDS, first_moment
from tests.e2e.support import ApiUser, demo, eventually

pytestmark = pytest.mark.e2e


def test_demo_shows_alerts_to_the_carer_and_family_sees_only_its_relative(
    tmp_path: Path,
) -> None:
    with demo(tmp_path / "demo", catch_up_s=20.0) as stack:
        assert stack.service("ingest").process is not None
        carer, family = ApiUser(stack, "carer"), ApiUser(stack, "family")
        homes = {home.home for home in stack.homes}
        everyone = {resident for home in stack.homes for resident in home.residents}
        relative = stack.homes[0].residents[0]

        alerts = eventually(carer.alerts, "an alert for the carer", timeout=120)
        assert {a["home_id"] for a in alerts} <= homes
        assert {r["id"] for r in carer.get("/api/v1/residents")} == everyone

        with httpx.Client(base_url=stack.api_url, timeout=30, follow_redirects=True) as page:
            login = carer.login
            shown = page.post(
                "/login", data={"username": login.username, "password": login.password}
            )
            assert shown.status_code == 200 and str(shown.url).endswith("/carer")
            ids = set(re.findall(r'id="alert-(\d+)"', shown.text))
            assert ids and ids <= {str(a["id"]) for a in carer.alerts()}

        assert [r["id"] for r in family.get("/api/v1/residents")] == [relative]
        assert {a["resident_id"] for a in family.alerts()} <= {relative}
        others = sorted(everyone - {relative})
        forbidden = family.client.get(f"/api/v1/residents/{others[0]}")
        assert forbidden.status_code in (403, 404)
        first_home = stack.homes[0].home
        elsewhere = eventually(
            lambda: [a for a in carer.alerts() if a["home_id"] != first_home],
            "an alert in another home",
        )
        assert {a["home_id"] for a in family.alerts()} <= {first_home}
        hidden = family.client.get(f"/api/v1/alerts/{elsewhere[0]['id']}")
        assert hidden.status_code in (403, 404)
        carer.close()
        family.close()


def test_the_live_demo_fills_today_and_takes_an_incident_from_the_cli(tmp_path: Path) -> None:
    """Issue 15: after the catch-up the residents live on; `demo --incident` reaches them."""
    directory = tmp_path / "demo"
    with demo(directory, homes=2, days=8, catch_up_s=10.0, live=True, incident_every_s=0) as stack:
        home = stack.homes[0]
        store = open_store(f"sqlite:///{directory / 'readings.db'}")

        def latest() -> float:
            rows = store.query(home.home, Kind.HEART_RATE, time.time() - 600, time.time() + 60)
            return max((r.ts for r in rows), default=0.0)

        # today is there up to the last minute (the history alone ends at midnight)
        eventually(lambda: latest() > time.time() - 150, "today's readings up to now", 90)
        _family_sees_today(stack, home.tz)

        now = time.time()
        # a home and kind that can happen now (else it is scheduled: said, not waited for)
        index, kind = next(
            (
                (i, k)
                for i, h in enumerate(stack.homes)
                for k in INCIDENT_KINDS
                if first_moment(h, k, now) < now + 5
            ),
            (0, "stress"),
        )
        home, name = stack.homes[index], DEMO_NAMES[index]
        asked = subprocess.run(
            [sys.executable, "-m", "carewatch", "demo", "--incident", kind,
             "--resident", name.split()[0].lower(), "--dir", str(directory)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        assert f"for {name} ({home.home}) starts " in asked.stdout
        if first_moment(home, kind, now) >= now + 5:
            assert "their time" in asked.stdout
        else:  # the incident's first reading (out of bed, or into the lounge) is stored
            assert "starts now" in asked.stdout
            first = "bed" if kind == "night_wandering" else "motion-lounge"
            value = 0.0 if first == "bed" else 1.0

            def arrived() -> list[ReadingRecord]:
                end = time.time() + 60
                rows = [r for k in Kind for r in store.query(home.home, k, now - 90, end)]
                return [r for r in rows if r.sensor == first and r.value == value]

            eventually(arrived, f"the {kind} incident's first reading", 60)

        wrong = subprocess.run(
            [sys.executable, "-m", "carewatch", "demo", "--incident", "stress",
             "--resident", "Nobody", "--dir", str(directory)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert wrong.returncode == 2 and "no demo resident 'Nobody'" in wrong.stderr
        assert DEMO_NAMES[1] in wrong.stderr  # says who there is


def _family_sees_today(stack: DemoStack, tz: str) -> None:
    local = datetime.now(ZoneInfo(tz))
    if local.hour == 0 and local.minute < 5:
        return  # a new day has just begun there: today is rightly still empty
    family = next(login for login in stack.logins if login.role == "family")
    with httpx.Client(base_url=stack.api_url, timeout=30, follow_redirects=True) as page:
        shown = page.post("/login", data={"username": family.username, "password": family.password})
        assert "Today so far" in shown.text and "averaging" in shown.text
