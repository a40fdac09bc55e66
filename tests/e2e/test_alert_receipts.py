"""Alerts and summaries survive a broker `kill -9` while the API is down (D85).

The shipped Mosquitto configuration (ACL, logins, autosave every 60 s) from
``deploy/mosquitto/``, set up with the shipped scripts: one home's real gateway, ingest
and the API as processes, each with its own account. The API stops, and the broker
restarts cleanly (saving the API's session, as a long-running broker would have it);
from then on the broker queues the alerts and summaries for that session in memory, and
it is killed before its next save. Then broker (and, in one run, a SIGKILLed ingest)
and API come back. Every alert and summary published since the clean restart must reach
the API's database, each alert exactly once: ingest kept them until the API's receipt
and sends them again.
"""

import sqlite3
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import (
    ALERTS_SUBSCRIPTION,
    SUMMARIES_SUBSCRIPTION,
    Alert,
    DailySummary,
    decode,
)
from simulators.demo import DemoStack
from simulators.profiles import make_cohort
from tests.deploy.broker import DeployedMosquitto, add_gateway
from tests.e2e.support import ApiUser, demo, eventually
from tests.servers import require_binary

pytestmark = pytest.mark.e2e

SEED = 7
OBSERVER = ("observer", "observer-test-password")
AlertKey = tuple[str, str, float, str]
SummaryKey = tuple[str, str, str]


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[DeployedMosquitto]:
    server = DeployedMosquitto(tmp_path / "broker")
    server.start()
    yield server
    server.stop()


class Observer:
    """Sees every alert and summary ingest publishes (an account that only reads them)."""

    def __init__(self, broker: DeployedMosquitto) -> None:
        user, password = OBSERVER
        with (broker.site / "acl").open("a") as acl:
            acl.write(f"\nuser {user}\ntopic read {ALERTS_SUBSCRIPTION}\n")
            acl.write(f"topic read {SUMMARIES_SUBSCRIPTION}\n")
        passwd = require_binary("mosquitto_passwd", "mosquitto")
        subprocess.run([passwd, "-b", str(broker.site / "passwd"), user, password], check=True)
        broker.reload()
        self.alerts: set[AlertKey] = set()
        self.summaries: set[SummaryKey] = set()
        self._subscribed = threading.Event()
        address = BrokerAddress("127.0.0.1", broker.port, username=user, password=password)
        self.client = make_client(user, address, persistent=False)
        self.client.on_connect = lambda client, *_: client.subscribe(
            [(ALERTS_SUBSCRIPTION, 1), (SUMMARIES_SUBSCRIPTION, 1)]
        )
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.on_message = lambda c, u, m: self._seen(m.topic, m.payload)
        self.client.connect(address.host, address.port)
        self.client.loop_start()
        self.wait_subscribed()

    def wait_subscribed(self) -> None:
        """Wait for the subscription of the current connection, then forget what was seen."""
        assert self._subscribed.wait(30), "the observer could not subscribe"
        self._subscribed.clear()
        self.alerts.clear()
        self.summaries.clear()

    def _seen(self, topic: str, payload: bytes) -> None:
        if topic.endswith("/alerts"):
            a = decode(payload, Alert)
            self.alerts.add((a.home, a.kind, a.start, a.resident or ""))
        else:
            s = decode(payload, DailySummary)
            self.summaries.add((s.home, s.date, s.resident or ""))

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def api_alerts(carer: ApiUser) -> list[AlertKey]:
    return [(a["home_id"], a["kind"], a["start"], a["resident_id"] or "") for a in carer.alerts()]


def api_summaries(stack: DemoStack) -> set[SummaryKey]:
    uri = f"file:{stack.directory / 'api.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        rows = db.execute("SELECT home_id, date, resident_key FROM summaries").fetchall()
    return {(home, date, resident) for home, date, resident in rows}


def unconfirmed(stack: DemoStack) -> float | None:
    try:
        text = httpx.get(f"{stack.ingest_url}/metrics", timeout=5).text
    except httpx.TransportError:
        return None
    for line in text.splitlines():
        if line.startswith("carewatch_ingest_outputs_unconfirmed "):
            return float(line.split()[1])
    return None


@pytest.mark.parametrize("ingest_killed", [False, True], ids=["ingest-up", "ingest-sigkilled"])
def test_broker_sigkill_with_the_api_down_loses_no_alert(
    tmp_path: Path, broker: DeployedMosquitto, ingest_killed: bool
) -> None:
    (profile,) = make_cohort(1, seed=SEED)
    gateway = add_gateway(broker.site, profile.home, profile.gateway)
    observer = Observer(broker)  # reloads the broker: the gateway's account is live too

    def url(user: str, password: str) -> str:
        return f"mqtt://{user}:{password}@127.0.0.1:{broker.port}"

    ingest_account, api_account = broker.service("ingest"), broker.service("api")
    options = {
        "homes": 1,
        "days": 8,
        "seed": SEED,
        "catch_up_s": 16.0,
        "learning_days": 3.0,
        "scenarios": (("stress", "night_wandering"),),
        "broker_url": url(gateway.username, gateway.password),  # what the gateway logs in as
        "ingest_env": {
            "CAREWATCH_INGEST_BROKER_URL": url(ingest_account.username, ingest_account.password),
            "CAREWATCH_INGEST_OUTPUT_CONFIRM_TIMEOUT_S": "2",
        },
        "api_env": {"CAREWATCH_API_BROKER_URL": url(api_account.username, api_account.password)},
        "gateway_outbox": {"confirm_timeout_s": 2.0},
    }
    saved = broker.log.parent / "data" / "mosquitto.db"
    with demo(tmp_path / "demo", **options) as stack:
        api, ingest = stack.service("api"), stack.service("ingest")
        api.stop()  # its session stays: the broker queues alerts and summaries for it
        broker.restart()  # saves that session; the next save is 60 s away
        observer.wait_subscribed()
        saved_at = saved.stat().st_mtime_ns
        eventually(lambda: observer.alerts, "an alert after the restart", every=0.2)
        assert saved.stat().st_mtime_ns == saved_at, "the broker saved: this run proves nothing"
        before_alerts, before_summaries = set(observer.alerts), set(observer.summaries)
        observer.close()
        broker.kill()  # a power cut: everything queued for the API was only in memory
        if ingest_killed:
            assert ingest.process is not None
            ingest.process.kill()  # what it kept unconfirmed must come back from its disk
            ingest.process.wait()
        broker.start()
        if ingest_killed:
            ingest.start()
            ingest.wait_healthy(f"{stack.ingest_url}/health")
        api.start()
        api.wait_healthy(f"{stack.api_url}/health")
        carer = ApiUser(stack, "carer")
        eventually(
            lambda: (
                before_alerts <= set(api_alerts(carer)) and before_summaries <= api_summaries(stack)
            ),
            f"the {len(before_alerts)} alerts and {len(before_summaries)} summaries",
            timeout=180,
        )
        eventually(lambda: unconfirmed(stack) == 0, "ingest to hear every receipt", timeout=180)
        alerts = api_alerts(carer)
        carer.close()
    doubled = [key for key, n in Counter(alerts).items() if n > 1]
    assert not doubled, f"alerts stored twice: {doubled}"
