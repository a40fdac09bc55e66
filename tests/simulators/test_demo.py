"""The demo stack as a newcomer runs it: embedded broker, SQLite, ingest and API processes.

Issue 7's first acceptance criterion: alerts reach the carer (API and dashboard) soon
after start, and the family login sees its own relative and nothing else.
"""

import re
from pathlib import Path

import httpx
import pytest

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
