"""Mosquitto started from ``deploy/mosquitto/``, moved to temporary paths and free ports.

The site directory (``passwd``, ``acl``, ``certs/``) is built with the shipped scripts,
so the tests exercise the configuration and the set-up steps an operator runs.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from carewatch.protocol import Kind
from carewatch.records import ReadingRecord, write_jsonl
from tests.servers import Server, free_ports, require_binary, wait_for_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MOSQUITTO_DIR = DEPLOY / "mosquitto"

# Test passwords for the service accounts; gateways get generated ones.
RELOADED = "Reloading config."
SERVICE_PASSWORDS = {"ingest": "ingest-test-password", "api": "api-test-password"}


@dataclass(frozen=True)
class Account:
    """A broker login as an operator's script created it."""

    username: str
    password: str


def run_script(name: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run one of ``deploy/mosquitto/*.sh``; return its stdout, raise with stderr."""
    result = subprocess.run(
        [str(MOSQUITTO_DIR / name), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        raise ScriptFailed(name, result.returncode, result.stderr)
    return result.stdout


class ScriptFailed(Exception):
    """A deploy script exited non-zero."""

    def __init__(self, name: str, code: int, stderr: str) -> None:
        super().__init__(f"{name} exited {code}: {stderr.strip()}")
        self.code = code
        self.stderr = stderr


def add_gateway(site: Path, home: str, gateway: str) -> Account:
    """Create a gateway account with add-gateway.sh; read the password it printed."""
    out = run_script("add-gateway.sh", "--dir", str(site), home, gateway)
    toml = tomllib.loads(out.split("\n", 2)[2])  # the gateway.toml lines it printed
    assert toml["gateway"] == {"id": gateway, "home": home}
    assert toml["mqtt"]["username"] == gateway
    return Account(gateway, toml["mqtt"]["password"])


def render_config(template: str, site: Path, data: Path, port: int, tls_port: int) -> str:
    """The deploy config with its site paths, data path and listeners moved.

    Raises ``ValueError`` if the deploy config no longer has the expected lines, so a
    test can never silently run against something other than what is shipped.
    """
    replacements = {
        "/etc/mosquitto/carewatch/": f"{site}/",
        "/var/lib/mosquitto/": f"{data}/",
        "listener 8883\n": f"listener {tls_port} 127.0.0.1\n",
        "listener 1883 127.0.0.1\n": f"listener {port} 127.0.0.1\n",
    }
    text = template
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"deploy/mosquitto/mosquitto.conf has no {old.strip()!r}")
        text = text.replace(old, new)
    # Run as ourselves: as root Mosquitto would drop to `mosquitto`, which cannot read tmp.
    return text + f"user {getpass.getuser()}\n"


class DeployedMosquitto(Server):
    """The shipped broker configuration on free ports, with a test CA and test accounts."""

    def __init__(self, workdir: Path, *, debug_log: bool = False) -> None:
        require_binary("mosquitto_passwd", "mosquitto")
        require_binary("openssl", "openssl")
        binary = require_binary("mosquitto", "mosquitto")
        self.site = workdir / "site"
        data = workdir / "data"
        data.mkdir(parents=True)
        (self.site / "conf.d").mkdir(parents=True)
        shutil.copy(MOSQUITTO_DIR / "carewatch.acl", self.site / "acl")
        run_script("make-test-ca.sh", str(self.site / "certs"), "localhost")
        for service, password in SERVICE_PASSWORDS.items():
            run_script(
                "service-password.sh",
                "--dir",
                str(self.site),
                service,
                env={"CAREWATCH_SERVICE_PASSWORD": password},
            )
        self.tls_port, port = free_ports(2)
        config = workdir / "mosquitto.conf"
        template = (MOSQUITTO_DIR / "mosquitto.conf").read_text()
        rendered = render_config(template, self.site, data, port, self.tls_port)
        # Debug logging names every denied publish, so a test can wait for the denial.
        config.write_text(rendered + ("log_type debug\n" if debug_log else ""))
        super().__init__([binary, "-c", str(config)], port, workdir / "mosquitto.log")

    def _wait_ready(self) -> None:
        wait_for_port(self.port)
        wait_for_port(self.tls_port)

    @property
    def ca_file(self) -> Path:
        return self.site / "certs" / "ca.crt"

    def service(self, name: str) -> Account:
        return Account(name, SERVICE_PASSWORDS[name])

    def ingest_worker(self, name: str) -> Account:
        """A second account with ingest's rights (service-password.sh ingest-…), loaded.

        The client id is the username, so two clients of one account share one session
        and push each other off: an observer beside a running ingest needs its own.
        """
        account = Account(name, f"{name}-test-password")
        env = {"CAREWATCH_SERVICE_PASSWORD": account.password}
        run_script("service-password.sh", "--dir", str(self.site), name, env=env)
        self.reload()
        return account

    def wait_for_log(self, text: str, count: int = 1, timeout: float = 30.0) -> None:
        """Wait until ``text`` appears ``count`` times in the broker's log."""
        deadline = time.monotonic() + timeout
        while self.log.read_text().count(text) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not logged {count} times by the broker")
            time.sleep(0.05)

    def reload(self) -> None:
        """SIGHUP, as `systemctl reload mosquitto`: re-reads passwd and acl.

        Returns once the broker has logged the reload, which it does in the same pass of
        its loop as the re-reading, so every later connection meets the new files.
        """
        assert self.process is not None
        done = self.log.read_text().count(RELOADED) + 1
        self.process.send_signal(signal.SIGHUP)
        self.wait_for_log(RELOADED, count=done)


def gateway_toml(
    broker: DeployedMosquitto,
    workdir: Path,
    home: str,
    gateway: str,
    *,
    readings: int,
    claim_home: str | None = None,
) -> Path:
    """A ``gateway.toml`` from the lines add-gateway.sh printed, completed as the guide says.

    The gateway replays ``readings`` heart-rate readings of the last minute. With
    ``claim_home`` the file names another home than the account was made for: a
    misconfigured (or malicious) Pi.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    printed = run_script("add-gateway.sh", "--dir", str(broker.site), home, gateway)
    broker.reload()
    snippet = printed.split("\n", 2)[2]
    source = workdir / "readings.jsonl"
    now = time.time()
    with source.open("wb") as out:
        write_jsonl(
            (
                ReadingRecord(home, "hr-1", Kind.HEART_RATE, now - 60 + i, 60.0 + i)
                for i in range(readings)
            ),
            out,
        )
    claimed = claim_home or home
    text = (
        snippet.replace("<broker host>:8883", f"localhost:{broker.tls_port}")
        .replace("/etc/carewatch/ca.crt", str(broker.ca_file))
        .replace(
            f'home = "{home}"\n',
            f'home = "{claimed}"\ntz = "Europe/London"\ndata_dir = "{workdir / "data"}"\n',
        )
    )
    text += f'\n[source.file]\npath = "{source}"\nspeed = 0\n'
    config = workdir / "gateway.toml"
    config.write_text(text)
    return config
