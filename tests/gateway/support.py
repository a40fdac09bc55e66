"""Helpers for gateway tests: configs, a subscriber that records everything, the process."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho

from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import (
    READINGS_SUBSCRIPTION,
    STATUS_SUBSCRIPTION,
    GatewayStatus,
    ProtocolError,
    ReadingsBatch,
    decode,
)


def write_config(
    directory: Path,
    broker_url: str,
    sources: str,
    *,
    outbox: str = "batch_max_readings = 20\nbatch_max_age_s = 0.2\ninflight_batches = 5\n",
    status: str = "interval_s = 1\n",
    mqtt: str = "",
) -> Path:
    """A gateway.toml for gateway gw-1 of home home-1 using ``directory`` for data."""
    path = directory / "gateway.toml"
    path.write_text(
        '[gateway]\nid = "gw-1"\nhome = "home-1"\ntz = "Europe/London"\n'
        f'data_dir = "{directory / "data"}"\n'
        f'[mqtt]\nurl = "{broker_url}"\nkeepalive_s = 5\n{mqtt}'
        f"[outbox]\n{outbox}[status]\n{status}{sources}"
    )
    return path


class Collector:
    """A persistent-session QoS 1 subscriber recording every batch and status."""

    def __init__(self, broker_url: str, client_id: str = "test-collector") -> None:
        self.batches: list[ReadingsBatch] = []
        self.statuses: list[GatewayStatus] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._client = make_client(client_id, BrokerAddress.parse(broker_url))
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        address = BrokerAddress.parse(broker_url)
        self._client.connect_async(address.host, address.port, keepalive=5)
        self._client.loop_start()

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(self, client: paho.Client, *_: Any) -> None:
        client.subscribe([(READINGS_SUBSCRIPTION, 1), (STATUS_SUBSCRIPTION, 1)])

    def _on_message(self, _c: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        try:
            with self._lock:
                if message.topic.endswith("/readings"):
                    self.batches.append(decode(message.payload, ReadingsBatch))
                else:
                    self.statuses.append(decode(message.payload, GatewayStatus))
        except ProtocolError as error:  # keep the loop alive; the test reports it
            self.errors.append(f"{message.topic}: {error}")

    def __repr__(self) -> str:
        with self._lock:
            seqs = sorted({b.seq for b in self.batches})
            readings = len({r for b in self.batches for r in b.readings})
        gaps = sorted(set(range(seqs[-1] + 1)) - set(seqs)) if seqs else []
        return (
            f"Collector({len(self.batches)} batches, {readings} readings, seqs up to "
            f"{seqs[-1] if seqs else None}, missing seqs {gaps[:20]}, errors {self.errors[:3]})"
        )

    def readings_count(self) -> int:
        with self._lock:
            return len({r for b in self.batches for r in b.readings})

    def last_state(self) -> str | None:
        with self._lock:
            return self.statuses[-1].state if self.statuses else None

    def wait(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}: {self}")
            time.sleep(0.05)


class GatewayProcess:
    """``python -m gateway run`` as a child process, killable like a power cut."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.log = config.parent / "gateway.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gateway", "run", "--config", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def terminate(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)

    def ensure_dead(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
