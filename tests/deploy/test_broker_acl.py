"""The shipped Mosquitto config, ACL and scripts against a real broker.

Fault-matrix item: a gateway publishing under another home's topic is rejected by the
broker. "Never receives" is checked without sleeping: Mosquitto routes a QoS 1 message
before it acknowledges it, so a permitted message published after the forbidden one's
PUBACK reaches the observer after the forbidden one would have.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.broker import (
    Account,
    DeployedMosquitto,
    ScriptFailed,
    add_gateway,
    run_script,
)
from tests.deploy.peers import Peer

READINGS = "carewatch/v1/+/+/readings"
RECEIPTS = "carewatch/v1/+/receipts"


@pytest.fixture
def gateways(broker: DeployedMosquitto) -> dict[str, Account]:
    """Two homes with one gateway each; the broker reloads to pick them up."""
    accounts = {
        "gw-a": add_gateway(broker.site, "home-a", "gw-a"),
        "gw-b": add_gateway(broker.site, "home-b", "gw-b"),
    }
    broker.reload()
    return accounts


@pytest.fixture
def peers() -> Iterator[list[Peer]]:
    made: list[Peer] = []
    yield made
    for peer in made:
        peer.close()


def connected(
    peers: list[Peer], broker: DeployedMosquitto, account: Account, client_id: str
) -> Peer:
    peer = Peer(broker.port, account, client_id)
    peers.append(peer)
    assert peer.connect() is None, f"{account.username} could not log in"
    return peer


def test_anonymous_and_wrong_password_are_refused(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer]
) -> None:
    anonymous = Peer(broker.port, None, "anon")
    wrong = Peer(broker.port, Account("gw-a", "not-the-password"), "gw-a")
    peers += [anonymous, wrong]
    assert anonymous.connect() == "Not authorized"
    assert wrong.connect() == "Not authorized"


def test_gateway_writes_its_own_home_and_nothing_else(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer]
) -> None:
    ingest = connected(peers, broker, broker.service("ingest"), "ingest")
    assert ingest.subscribe(READINGS) == [1]
    assert ingest.subscribe("carewatch/v1/+/+/status") == [1]
    forbidden = [
        "carewatch/v1/home-b/gw-b/readings",  # another home's gateway
        "carewatch/v1/home-b/gw-a/readings",  # its own id under another home
        "carewatch/v1/home-b/gw-b/status",
        "carewatch/v1/home-a/gw-b/readings",  # another gateway's id in its own home
    ]
    for attempt, topic in enumerate(forbidden):
        forger = connected(peers, broker, gateways["gw-a"], f"gw-a-{attempt}")
        forger.publish_forbidden(topic, b"spoofed")
    gw_a = connected(peers, broker, gateways["gw-a"], "gw-a")
    gw_a.publish("carewatch/v1/home-a/gw-a/status", b"online", retain=True)
    gw_a.publish("carewatch/v1/home-a/gw-a/readings", b"genuine")

    assert ingest.messages_until("carewatch/v1/home-a/gw-a/readings", b"genuine") == [
        ("carewatch/v1/home-a/gw-a/status", b"online"),
        ("carewatch/v1/home-a/gw-a/readings", b"genuine"),
    ]


@pytest.mark.parametrize(
    ("writer", "topic", "reader", "subscription", "permitted"),
    [
        # a gateway forging alerts or summaries for its own home
        ("gw-a", "carewatch/v1/home-a/alerts", "api", "carewatch/v1/+/alerts", "ingest"),
        ("gw-a", "carewatch/v1/home-a/summaries", "api", "carewatch/v1/+/summaries", "ingest"),
        # the services stay in their lanes too
        ("ingest", "carewatch/v1/home-a/gw-a/readings", "ingest", READINGS, "gw-a"),
        ("api", "carewatch/v1/home-a/alerts", "api", "carewatch/v1/+/alerts", "ingest"),
        # receipts (delete these batches) come from ingest only: not another gateway's,
        # not the gateway's own
        (
            "gw-b",
            "carewatch/v1/home-a/gw-a/acks",
            "gw-a",
            "carewatch/v1/home-a/gw-a/acks",
            "ingest",
        ),
        (
            "gw-a",
            "carewatch/v1/home-a/gw-a/acks",
            "gw-a",
            "carewatch/v1/home-a/gw-a/acks",
            "ingest",
        ),
        # the API's receipts (stop re-sending these alerts) come from the API only
        ("gw-a", "carewatch/v1/home-a/receipts", "ingest", RECEIPTS, "api"),
        ("ingest", "carewatch/v1/home-a/receipts", "ingest", RECEIPTS, "api"),
        # what not to collect comes from the API only: a gateway cannot lift a withholding
        ("gw-a", "carewatch/v1/home-a/policy", "ingest", "carewatch/v1/+/policy", "api"),
    ],
)
def test_forbidden_writes_reach_no_subscriber(
    broker: DeployedMosquitto,
    gateways: dict[str, Account],
    peers: list[Peer],
    writer: str,
    topic: str,
    reader: str,
    subscription: str,
    permitted: str,
) -> None:
    def account(name: str) -> Account:
        return gateways[name] if name.startswith("gw-") else broker.service(name)

    # One session per account (use_username_as_clientid): when the forger is the
    # observer's own account, it resumes the observer's persistent session, so anything
    # routed to it would still be waiting there when the observer comes back.
    same = writer == reader
    observer = Peer(broker.port, account(reader), reader, persistent=True)
    peers.append(observer)
    assert observer.connect() is None
    assert observer.subscribe(subscription) == [1]
    if same:
        observer.close()
    forger = Peer(broker.port, account(writer), f"{writer}-forger", persistent=same)
    peers.append(forger)
    assert forger.connect() is None
    forger.publish_forbidden(topic, b"forged")
    if same:
        observer = Peer(broker.port, account(reader), reader, persistent=True)
        peers.append(observer)
        assert observer.connect() is None
    legit = connected(peers, broker, account(permitted), f"{permitted}-legit")
    legit.publish(topic, b"genuine")

    assert observer.messages_until(topic, b"genuine") == [(topic, b"genuine")]


def test_gateway_reads_no_alerts_or_readings(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer]
) -> None:
    gw_a = connected(peers, broker, gateways["gw-a"], "gw-a")
    for subscription in (
        "carewatch/v1/home-b/alerts",
        "carewatch/v1/+/alerts",
        "carewatch/v1/home-b/gw-b/readings",
        "carewatch/v1/home-b/gw-b/acks",  # another gateway's receipts
        "carewatch/v1/home-a/receipts",  # the API's receipts, even for its own home
        "carewatch/#",
    ):
        gw_a.subscribe(subscription)  # Mosquitto 2.0 grants it, then delivers nothing
    api = connected(peers, broker, broker.service("api"), "api")
    assert api.subscribe("carewatch/v1/+/alerts") == [1]
    ingest = connected(peers, broker, broker.service("ingest"), "ingest")
    gw_b = connected(peers, broker, gateways["gw-b"], "gw-b")

    ingest.publish("carewatch/v1/home-b/alerts", b"alert")
    ingest.publish("carewatch/v1/home-b/gw-b/acks", b"receipt")
    api.publish("carewatch/v1/home-a/receipts", b"receipt")
    gw_b.publish("carewatch/v1/home-b/gw-b/readings", b"readings")
    assert api.messages_until("carewatch/v1/home-b/alerts", b"alert")
    # A round trip on gw-a's own connection: anything routed to it earlier arrives first.
    gw_a.publish("carewatch/v1/home-a/gw-a/status", b"online")
    assert gw_a.received.empty()


def test_api_reads_nothing_gateways_send(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer]
) -> None:
    api = connected(peers, broker, broker.service("api"), "api")
    api.subscribe(READINGS)
    api.subscribe("carewatch/v1/+/+/status")
    assert api.subscribe("carewatch/v1/+/summaries") == [1]
    gw_a = connected(peers, broker, gateways["gw-a"], "gw-a")
    gw_a.publish("carewatch/v1/home-a/gw-a/readings", b"readings")
    gw_a.publish("carewatch/v1/home-a/gw-a/status", b"online", retain=True)
    ingest = connected(peers, broker, broker.service("ingest"), "ingest")
    ingest.publish("carewatch/v1/home-a/summaries", b"summary")
    assert api.messages_until("carewatch/v1/home-a/summaries", b"summary") == [
        ("carewatch/v1/home-a/summaries", b"summary")
    ]


def test_every_ingest_worker_reads_the_apis_receipts(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer]
) -> None:
    # service-password.sh copies ingest's rights: each worker learns what the API stored.
    workers = [
        connected(peers, broker, account, account.username)
        for account in (broker.service("ingest"), broker.ingest_worker("ingest-2"))
    ]
    for worker in workers:
        assert worker.subscribe(RECEIPTS) == [1]
    api = connected(peers, broker, broker.service("api"), "api")
    api.publish("carewatch/v1/home-a/receipts", b"stored")
    for worker in workers:
        assert worker.messages_until("carewatch/v1/home-a/receipts", b"stored") == [
            ("carewatch/v1/home-a/receipts", b"stored")
        ]


def test_removed_gateway_is_locked_out_and_others_are_not(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer]
) -> None:
    run_script("remove-gateway.sh", "--dir", str(broker.site), "gw-a")
    broker.reload()
    assert Peer(broker.port, gateways["gw-a"], "gw-a").connect() == "Not authorized"
    connected(peers, broker, gateways["gw-b"], "gw-b")
    acl = (broker.site / "acl").read_text()
    assert "gw-a" not in acl
    assert "user gw-b\ntopic write carewatch/v1/home-b/gw-b/readings\n" in acl


def test_add_gateway_refuses_bad_and_duplicate_ids(
    broker: DeployedMosquitto, gateways: dict[str, Account]
) -> None:
    for home, gateway in [("Home-A", "gw-x"), ("home-a", "gw/x"), ("home-a", "ingest")]:
        with pytest.raises(ScriptFailed) as refused:
            run_script("add-gateway.sh", "--dir", str(broker.site), home, gateway)
        assert refused.value.code == 2
    with pytest.raises(ScriptFailed, match="exists already"):
        run_script("add-gateway.sh", "--dir", str(broker.site), "home-c", "gw-a")
    assert (broker.site / "acl").read_text().count("user gw-a\n") == 1


def test_tls_listener_with_the_test_ca(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer], tmp_path: Path
) -> None:
    ingest = connected(peers, broker, broker.service("ingest"), "ingest")
    assert ingest.subscribe(READINGS) == [1]
    gw_a = Peer(broker.tls_port, gateways["gw-a"], "gw-a", tls_ca=broker.ca_file)
    peers.append(gw_a)
    assert gw_a.connect() is None
    gw_a.publish("carewatch/v1/home-a/gw-a/readings", b"over tls")
    assert ingest.messages_until("carewatch/v1/home-a/gw-a/readings", b"over tls")

    run_script("make-test-ca.sh", str(tmp_path / "other-ca"), "localhost")
    stranger = Peer(broker.tls_port, gateways["gw-b"], "gw-b", tls_ca=tmp_path / "other-ca/ca.crt")
    peers.append(stranger)
    assert stranger.connect() == "connection failed"


def test_offline_ingest_gets_more_than_mosquittos_default_queue(
    broker: DeployedMosquitto, gateways: dict[str, Account], peers: list[Peer]
) -> None:
    """The default max_queued_messages (1000) would drop most of these."""
    ingest = Peer(broker.port, broker.service("ingest"), "ingest", persistent=True)
    assert ingest.connect() is None
    assert ingest.subscribe(READINGS) == [1]
    ingest.close()
    gw_a = connected(peers, broker, gateways["gw-a"], "gw-a")
    topic = "carewatch/v1/home-a/gw-a/readings"
    for seq in range(3000):
        info = gw_a.client.publish(topic, str(seq).encode(), qos=1)
        assert info.rc == 0
    gw_a.publish(topic, b"last")

    back = Peer(broker.port, broker.service("ingest"), "ingest", persistent=True)
    peers.append(back)
    assert back.connect() is None
    received = back.messages_until(topic, b"last")
    expected = [str(seq).encode() for seq in range(3000)] + [b"last"]
    assert [payload for _, payload in received] == expected
