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
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tests.servers import Server, free_port, require_binary, wait_for_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MOSQUITTO_DIR = DEPLOY / "mosquitto"

# Test passwords for the service accounts; gateways get generated ones.
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

    def __init__(self, workdir: Path) -> None:
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
        self.tls_port = free_port()
        port = free_port()
        config = workdir / "mosquitto.conf"
        template = (MOSQUITTO_DIR / "mosquitto.conf").read_text()
        config.write_text(render_config(template, self.site, data, port, self.tls_port))
        super().__init__([binary, "-c", str(config)], port, workdir / "mosquitto.log")

    def _wait_ready(self) -> None:
        wait_for_port(self.port)
        wait_for_port(self.tls_port)

    @property
    def ca_file(self) -> Path:
        return self.site / "certs" / "ca.crt"

    def service(self, name: str) -> Account:
        return Account(name, SERVICE_PASSWORDS[name])

    def reload(self) -> None:
        """SIGHUP, as `systemctl reload mosquitto`: re-reads passwd and acl."""
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)
