"""The server-side services as child processes, started through the ``carewatch`` CLI.

The demo runs ingest and the API as real processes (as a deployment does), so the
simulators package never imports them: data flows one way through the packages.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from carewatch.errors import RetryLater


class Service:
    """One ``carewatch …`` child process with its own environment and log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "carewatch", *self.args]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the demo, which stops us in order
            )

    def run_once(self) -> None:
        """Run to completion (e.g. a migration); raise with the log tail if it fails."""
        self.start()
        assert self.process is not None
        if self.process.wait() != 0:
            raise RuntimeError(f"{self.name} failed:\n{self.log_tail()}")

    def wait_healthy(self, url: str, timeout: float = 60.0) -> None:
        """Wait until ``url`` answers 200; raise with the log tail if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RetryLater(f"{self.name} not healthy at {url} after {timeout:.0f} s")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, then SIGKILL if it does not finish in ``timeout`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, chars: int = 3_000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""
