"""Fault matrix: a gateway publishing under another home's topics, with broker ACLs on.

A Pi whose account was made for home-x but whose ``gateway.toml`` claims home-b runs
first; once the broker has logged denying it (twice, so the will of its first dropped
connection has been handled too), the real home-b gateway runs. The real ingest,
logged in as `ingest` through the shipped ACL, stores home-b's readings and nothing
from the impostor; an observer with ingest's rights never sees a message under its topics.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from carewatch.protocol import Kind
from carewatch.store import open_store
from gateway.config import load_config
from gateway.outbox import Outbox
from tests.deploy.broker import SERVICE_PASSWORDS, DeployedMosquitto, gateway_toml
from tests.deploy.peers import Peer

CAREWATCH = Path(sys.executable).with_name("carewatch")
GENUINE = 10
IMPOSTOR_TOPICS = "carewatch/v1/home-b/gw-x/"

pytestmark = pytest.mark.e2e


@pytest.fixture
def noisy_broker(tmp_path: Path) -> Iterator[DeployedMosquitto]:
    server = DeployedMosquitto(tmp_path / "broker", debug_log=True)
    server.start()
    yield server
    server.stop()


def start(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(CAREWATCH), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stored_heart_rates(url: str, home: str) -> list[float]:
    store = open_store(url)
    try:
        readings = store.query(home, Kind.HEART_RATE, time.time() - 3600, time.time() + 60)
    finally:
        store.close()
    return [r.value for r in readings]


def test_gateway_under_another_homes_topic_is_rejected(
    noisy_broker: DeployedMosquitto, tmp_path: Path
) -> None:
    broker = noisy_broker
    observer = Peer(broker.port, broker.ingest_worker("ingest-observer"), "observer")
    assert observer.connect() is None
    assert observer.subscribe("carewatch/v1/home-b/#") == [1]
    store_url = f"sqlite:///{tmp_path / 'readings.db'}"
    ingest = start(
        ["ingest", "run"],
        tmp_path / "ingest.log",
        env={
            "CAREWATCH_INGEST_BROKER_URL": (
                f"mqtt://ingest:{SERVICE_PASSWORDS['ingest']}@127.0.0.1:{broker.port}"
            ),
            "CAREWATCH_INGEST_STORE_URL": store_url,
            "CAREWATCH_INGEST_STATE_PATH": str(tmp_path / "ingest.db"),
            "CAREWATCH_INGEST_HTTP_PORT": "0",
        },
    )
    try:
        impostor_config = gateway_toml(
            broker, tmp_path / "impostor", "home-x", "gw-x", readings=5, claim_home="home-b"
        )
        impostor = start(["gateway", "run", "--config", str(impostor_config)], tmp_path / "x.log")
        try:
            broker.wait_for_log("Denied PUBLISH from gw-x", count=2)
        finally:
            stop(impostor)

        genuine_config = gateway_toml(
            broker, tmp_path / "genuine", "home-b", "gw-b", readings=GENUINE
        )
        genuine = start(["gateway", "run", "--config", str(genuine_config)], tmp_path / "b.log")
        try:
            deadline = time.monotonic() + 60
            outbox = Outbox(load_config(genuine_config).outbox_path)
            # stored, and confirmed to the gateway through the ACL: its outbox empties
            while len(stored_heart_rates(store_url, "home-b")) < GENUINE or outbox.depth():
                assert ingest.poll() is None, (tmp_path / "ingest.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "ingest.log").read_text()
                time.sleep(0.2)
            outbox.close()
        finally:
            stop(genuine)
    finally:
        stop(ingest)
        observer.close()

    assert stored_heart_rates(store_url, "home-b") == [60.0 + i for i in range(GENUINE)]
    seen = []
    while not observer.received.empty():
        seen.append(observer.received.get()[0])
    assert "carewatch/v1/home-b/gw-b/readings" in seen
    assert [topic for topic in seen if topic.startswith(IMPOSTOR_TOPICS)] == []
