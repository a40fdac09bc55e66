"""A real gateway, configured from what add-gateway.sh printed, through the shipped broker.

Proves the set-up an operator follows end to end: the printed ``gateway.toml`` lines
load, the gateway logs in over TLS with the test CA, its readings, retained status and
will are all within its ACL, and the `ingest` account receives them.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import time
from pathlib import Path

from carewatch.protocol import GatewayStatus, Kind, ReadingsBatch, decode
from carewatch.records import ReadingRecord, write_jsonl
from tests.deploy.broker import DeployedMosquitto, run_script
from tests.deploy.peers import Peer

CAREWATCH = Path(sys.executable).with_name("carewatch")
READINGS = 25


def gateway_toml(broker: DeployedMosquitto, workdir: Path, home: str, gateway: str) -> Path:
    """The lines add-gateway.sh printed, completed as the deployment guide says."""
    printed = run_script("add-gateway.sh", "--dir", str(broker.site), home, gateway)
    broker.reload()
    snippet = printed.split("\n", 2)[2]
    readings = workdir / "readings.jsonl"
    now = time.time()
    with readings.open("wb") as out:
        write_jsonl(
            (
                ReadingRecord(home, "hr-1", Kind.HEART_RATE, now - 60 + i, 60.0 + i)
                for i in range(READINGS)
            ),
            out,
        )
    text = (
        snippet.replace("<broker host>:8883", f"localhost:{broker.tls_port}")
        .replace("/etc/carewatch/ca.crt", str(broker.ca_file))
        .replace(
            f'home = "{home}"\n',
            f'home = "{home}"\ntz = "Europe/London"\ndata_dir = "{workdir / "data"}"\n',
        )
    )
    text += f'\n[source.file]\npath = "{readings}"\nspeed = 0\n'
    config = workdir / "gateway.toml"
    config.write_text(text)
    return config


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
        config = gateway_toml(broker, tmp_path, "home-a", "gw-a")
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
