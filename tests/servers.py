"""Real servers for tests: Mosquitto and InfluxDB on free ports with temporary data.

Locally a missing binary skips the test with the package to install; under
``CI=true`` it fails, because CI must run every test.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest


def require_binary(name: str, package: str) -> str:
    """Path of ``name``; skip (locally) or fail (CI) when it is not installed."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if Path(p).exists()), None
    )
    if path is None:
        message = f"{name} not found: install it with `apt-get install -y {package}`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)  # local run only; CI=true fails above
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """``count`` different free ports: each is held until all are chosen (one at a time,
    the kernel may hand the same port out twice)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port} after {timeout} s")


class Server:
    """A child process that can be stopped, killed and started again on the same port."""

    def __init__(self, command: list[str], port: int, log: Path) -> None:
        self.command = command
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except TimeoutError:
            self.kill()
            tail = self.log.read_text()[-2000:]
            raise RuntimeError(f"{self.command[0]} did not start: {tail}") from None

    def _wait_ready(self) -> None:
        wait_for_port(self.port)

    def stop(self) -> None:
        """Graceful stop (SIGTERM), as a service manager would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Abrupt stop (SIGKILL), as a power cut would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


class Mosquitto(Server):
    """A real Mosquitto with persistence and no silent queue limits (see docs)."""

    def __init__(self, workdir: Path, extra_config: str = "") -> None:
        port = free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "mosquitto.conf"
        config.write_text(
            f"listener {port} 127.0.0.1\n"
            "allow_anonymous true\n"
            f"user {getpass.getuser()}\n"
            "persistence true\n"
            f"persistence_location {workdir}/\n"
            # 0 = unlimited: the default of 1000 silently drops a slow subscriber's messages
            "max_queued_messages 0\n"
            "max_inflight_messages 0\n"
            "log_type error\nlog_type warning\n"
            f"{extra_config}"
        )
        binary = require_binary("mosquitto", "mosquitto")
        super().__init__([binary, "-c", str(config)], port, workdir / "mosquitto.log")

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"


class InfluxDB(Server):
    """A real influxd (1.x) with temporary meta, data and WAL directories."""

    def __init__(self, workdir: Path, auth: bool = False) -> None:
        port, rpc_port = free_ports(2)
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "influxdb.conf"
        config.write_text(
            "reporting-disabled = true\n"
            f'bind-address = "127.0.0.1:{rpc_port}"\n'
            f'[meta]\n  dir = "{workdir}/meta"\n'
            f'[data]\n  dir = "{workdir}/data"\n  wal-dir = "{workdir}/wal"\n'
            "  query-log-enabled = false\n"
            f'[http]\n  bind-address = "127.0.0.1:{port}"\n  log-enabled = false\n'
            f"  auth-enabled = {'true' if auth else 'false'}\n"
            "[monitor]\n  store-enabled = false\n"
            "[continuous_queries]\n  enabled = false\n"
        )
        binary = require_binary("influxd", "influxdb")
        super().__init__([binary, "-config", str(config)], port, workdir / "influxd.log")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                ping = f"{self.url}/ping"  # always http://127.0.0.1
                with urllib.request.urlopen(ping, timeout=1) as response:  # noqa: S310
                    if response.status == 204:
                        return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("influxd did not answer /ping")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
