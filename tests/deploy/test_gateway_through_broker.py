"""A real gateway, configured from what add-gateway.sh printed, through the shipped broker.

Proves the set-up an operator follows end to end: the printed ``gateway.toml`` lines
load, the gateway logs in over TLS with the test CA, its readings, retained status and
will are all within its ACL, and the `ingest` account receives them.
"""

from __future__ import annotations

import queue
import subprocess
import sys
from pathlib import Path

from carewatch.protocol import GatewayStatus, ReadingsBatch, decode
from tests.deploy.broker import DeployedMosquitto, gateway_toml
from tests.deploy.peers import Peer

CAREWATCH = Path(sys.executable).with_name("carewatch")
READINGS = 25


def next_message(peer: Peer, log: Path) -> tuple[str, bytes]:
    try:
        return peer.received.get(timeout=30)
    except queue.Empty:
        raise AssertionError(f"nothing from the gateway; its log:\n{log.read_text()}") from None


def test_gateway_relays_over_tls_within_its_acl(broker: DeployedMosquitto, tmp_path: Path) -> None:
    ingest = Peer(broker.port, broker.service("ingest"), "ingest")
    try:
        assert ingest.connect() is None
        assert ingest.subscribe("carewatch/v1/+/+/readings") == [1]
        assert ingest.subscribe("carewatch/v1/+/+/status") == [1]
        config = gateway_toml(broker, tmp_path, "home-a", "gw-a", readings=READINGS)
        with (tmp_path / "gateway.log").open("wb") as log:
            gateway = subprocess.Popen(
                [str(CAREWATCH), "gateway", "run", "--config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            values: list[float] = []
            online = False
            while len(values) < READINGS or not online:
                topic, payload = next_message(ingest, tmp_path / "gateway.log")
                if topic == "carewatch/v1/home-a/gw-a/readings":
                    values += [r.value for r in decode(payload, ReadingsBatch).readings]
                else:
                    assert topic == "carewatch/v1/home-a/gw-a/status"
                    online = online or decode(payload, GatewayStatus).state == "online"
            assert values == [60.0 + i for i in range(READINGS)]
        finally:
            gateway.kill()  # abruptly, so the broker publishes the will
            gateway.wait()
        while True:
            topic, payload = next_message(ingest, tmp_path / "gateway.log")
            if topic.endswith("/status") and decode(payload, GatewayStatus).state == "offline":
                break
    finally:
        ingest.close()
