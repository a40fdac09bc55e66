"""Broker identity with the shipped configuration: a login is its own session, nobody else's.

The attack (issue 14): a gateway's credentials, connecting with ingest's or the API's
client id, took over their persistent sessions and threw away what was queued for them.
``use_username_as_clientid`` makes the client id the username, so the attempt lands in
the gateway's own session; the broker's connection log names the session it really got.
"""

from __future__ import annotations

import queue
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from carewatch.protocol import READINGS_SUBSCRIPTION, alerts_topic, readings_topic
from carewatch.store.sqlite import SQLiteStore
from tests.deploy.broker import MOSQUITTO_DIR, Account, DeployedMosquitto, add_gateway
from tests.deploy.peers import Peer
from tests.ingest.helpers import (
    expected_records,
    metric,
    readings_message,
    running,
    settings_for,
    wait_until,
)

HOME, GATEWAY = "home-a", "gw-a"
ATTEMPTS = 5


@pytest.fixture
def gateway(broker: DeployedMosquitto) -> Account:
    account = add_gateway(broker.site, HOME, GATEWAY)
    broker.reload()
    return account


@pytest.fixture
def peers() -> Iterator[list[Peer]]:
    made: list[Peer] = []
    yield made
    for peer in made:
        peer.close()


def login(peers: list[Peer], broker: DeployedMosquitto, account: Account, client_id: str) -> Peer:
    peer = Peer(broker.port, account, client_id, persistent=True)
    peers.append(peer)
    assert peer.connect() is None, f"{account.username} could not log in"
    return peer


def impersonate(broker: DeployedMosquitto, account: Account, client_id: str) -> None:
    """Log in with ``account`` but another service's client id, with a clean session."""
    for attempt in range(ATTEMPTS):
        tls = attempt % 2 == 1  # both shipped listeners
        port, ca = (broker.tls_port, broker.ca_file) if tls else (broker.port, None)
        attacker = Peer(port, account, client_id, tls_ca=ca, persistent=False)
        assert attacker.connect() is None  # accepted, but as its own username's session
        attacker.close()


@pytest.mark.parametrize(
    ("service", "client_id", "channel"),
    [("ingest", "carewatch-ingest", "readings"), ("api", "carewatch-api", "alerts")],
)
def test_a_gateway_login_cannot_take_over_a_service_session(
    broker: DeployedMosquitto,
    gateway: Account,
    peers: list[Peer],
    service: str,
    client_id: str,
    channel: str,
) -> None:
    victim = login(peers, broker, broker.service(service), client_id)
    topic = readings_topic(HOME, GATEWAY) if channel == "readings" else alerts_topic(HOME)
    assert victim.subscribe(topic) == [1]
    impersonate(broker, gateway, client_id)
    assert not victim.disconnected.is_set(), f"{service}'s session was taken over"
    sender = broker.service("ingest") if channel == "alerts" else gateway
    login(peers, broker, sender, f"{sender.username}-sender").publish(topic, b"still here")
    assert victim.messages_until(topic, b"still here")[-1] == (topic, b"still here")
    # The broker's log line for each attempt names the session it really got: the gateway's.
    attempts = re.findall(r"New client connected from \S+ as (\S+) \(.*u'gw-a'\)", _log(broker))
    assert attempts.count(GATEWAY) >= ATTEMPTS and client_id not in attempts


def test_ingest_loses_nothing_queued_while_a_gateway_impersonates_it(
    broker: DeployedMosquitto, gateway: Account, peers: list[Peer], tmp_path: Path
) -> None:
    account = broker.service("ingest")
    url = f"mqtt://{account.username}:{account.password}@127.0.0.1:{broker.port}"
    settings = settings_for(url, tmp_path, client_id="carewatch-ingest")
    store = SQLiteStore(tmp_path / "readings.db")
    with running(settings, store):
        pass  # ingest's persistent session now exists; ingest is down from here on
    publisher = login(peers, broker, gateway, GATEWAY)
    topic = readings_topic(HOME, GATEWAY)
    for seq in range(20):
        publisher.publish(topic, readings_message(GATEWAY, seq))
    impersonate(broker, gateway, "carewatch-ingest")  # would discard the queued 20
    expected = [r for seq in range(20) for r in expected_records(HOME, GATEWAY, seq)]
    with running(settings, store) as service:
        wait_until(
            lambda: metric(service, "carewatch_ingest_readings_written_total") >= len(expected),
            timeout=30,
            what="ingest to store what was queued for it",
        )
    rows = sorted(store.query(HOME, expected[0].kind, 0.0, 4e9), key=lambda r: r.ts)
    store.close()
    assert rows == expected


def _log(broker: DeployedMosquitto) -> str:
    return broker.log.read_text()


def test_several_ingest_workers_each_have_an_account_and_a_session(
    broker: DeployedMosquitto, gateway: Account, peers: list[Peer]
) -> None:
    worker = broker.ingest_worker("ingest-2")
    shared = f"$share/ingest/{READINGS_SUBSCRIPTION}"
    # Both send ingest's default client id; each gets its own session, nobody is kicked.
    workers = [
        login(peers, broker, account, "carewatch-ingest")
        for account in (broker.service("ingest"), worker)
    ]
    for peer in workers:
        assert peer.subscribe(shared) == [1]
    sender = login(peers, broker, gateway, GATEWAY)
    for seq in range(20):
        sender.publish(readings_topic(HOME, GATEWAY), b"%d" % seq)
    sender.publish(readings_topic(HOME, GATEWAY), b"last")
    got: list[bytes] = []
    while b"last" not in got:
        got += [m[1] for peer in workers for m in _drain(peer)]
    assert sorted(got) == sorted([b"%d" % seq for seq in range(20)] + [b"last"])
    assert not any(peer.disconnected.is_set() for peer in workers)


def test_every_shipped_listener_ties_the_client_id_to_the_username() -> None:
    files = [MOSQUITTO_DIR / "mosquitto.conf", MOSQUITTO_DIR / "compose" / "internal-listener.conf"]
    for path in files:
        blocks = re.split(r"^listener ", path.read_text(), flags=re.MULTILINE)[1:]
        assert blocks, f"{path.name} has no listener"
        for block in blocks:
            assert re.search(r"^use_username_as_clientid true$", block, re.MULTILINE), (
                f"{path.name}: listener {block.splitlines()[0]} lets a login pick any client id"
            )


def _drain(peer: Peer) -> list[tuple[str, bytes]]:
    got: list[tuple[str, bytes]] = []
    try:
        while True:
            got.append(peer.received.get(timeout=0.2))
    except queue.Empty:
        return got
