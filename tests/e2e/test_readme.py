"""The README's "Using the parts" commands, run verbatim (issue 15).

Every code span of that section that starts with ``scripts/carewatch`` is run as
written, in a temporary directory, in the README's order; only placeholders (FILE,
ZONE, DIR, COMMAND, the Pi's config path) are filled in, from the table below, and
the services get free ports through their documented settings. Servers (``gateway
run``, ``ingest run``, ``api serve``) are started and stopped once up, the API again
around the commands that talk to it (with the admin's password in ``pw.txt``): the gateway
sends a simulated home through a real Mosquitto to ingest, which stores it, so the
``store`` commands that follow have readings to show. A README command that fails, or
a placeholder the table does not know, fails this test.
"""

import json
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carewatch.protocol import Kind
from carewatch.store import open_store
from tests.e2e.support import eventually
from tests.servers import Mosquitto, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/simulators/recordings/fixtures"
SERVERS = {("gateway", "run"), ("ingest", "run"), ("api", "serve")}
CLIENTS = {"export", "ha-bridge"}  # commands that talk to a serving API: it is started for them
PASSWORD = "secret-pw-123"  # every admin the README creates, typed at the prompt


def section(title: str = "## Using the parts") -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start : end if end > 0 else None]


def readme_commands() -> list[str]:
    return re.findall(r"`(scripts/carewatch [^`]+)`", section())


def fill(command: str, work: Path, step: int) -> list[str]:
    """The command's words with its placeholders filled; refuses one it does not know."""
    words = shlex.split(command)
    known = {
        ("casas", "FILE"): str(FIXTURES / "casas-home.txt"),
        ("kasteren", "DIR"): str(FIXTURES / "kasteren-home"),
        ("--tz", "ZONE"): "Europe/London",
        ("--out", "DIR"): str(work / f"imported-{step}"),
        ("--config", "/etc/carewatch/gateway.toml"): str(work / "gateway.toml"),
        ("scripts/carewatch", "COMMAND"): "simulate",
    }
    filled = [
        known.get((before, word), word) for before, word in zip(["", *words], words, strict=False)
    ]
    unknown = [w for w in filled if re.fullmatch(r"[A-Z]{2,}|/etc/.*", w)]
    assert not unknown, f"README command {command!r}: no value for {unknown} in this test"
    return [str(ROOT / "scripts/carewatch"), *filled[1:]]


def gateway_config(work: Path, broker: str) -> None:
    """deploy/gateway.example.toml, pointed at the test broker and a simulated home-001."""
    (work / "gateway.toml").write_text(
        '[gateway]\nid = "gw-0001"\nhome = "home-001"\ntz = "Europe/London"\n'
        f'data_dir = "{work / "gateway-data"}"\n\n[mqtt]\nurl = "{broker}"\n\n'
        # sent before ingest first subscribed, a batch goes again when no receipt comes
        "[outbox]\nbatch_max_age_s = 0.5\nconfirm_timeout_s = 2\n\n"
        # live: the resident goes on living into today, so `--since 1d` finds readings
        "[source.simulator]\nhome = 1\nseed = 1\ndays = 2\nspeed = 0\nlive = true\n"
    )


@pytest.fixture
def environment(mosquitto: Mosquitto, tmp_path: Path) -> Iterator[dict[str, str]]:
    (export,) = re.findall(r"`(export CAREWATCH_API_JWT_SECRET=[^`]+)`", section())
    api_port = free_port()
    secret = subprocess.run(
        ["bash", "-c", f"{export} && printenv CAREWATCH_API_JWT_SECRET"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert len(secret) == 64
    yield {
        **os.environ,
        "CAREWATCH_API_JWT_SECRET": secret,
        "CAREWATCH_API_HOST": "127.0.0.1",
        "CAREWATCH_API_PORT": str(api_port),
        "CAREWATCH_API_URL": f"http://127.0.0.1:{api_port}",
        "CAREWATCH_INGEST_BROKER_URL": mosquitto.url,
        "CAREWATCH_HA_API_URL": f"http://127.0.0.1:{api_port}",
        "CAREWATCH_HA_USERNAME": "north-admin",
        "CAREWATCH_HA_PASSWORD": PASSWORD,
        "CAREWATCH_HA_BROKER_URL": mosquitto.url,
        "CAREWATCH_INGEST_HTTP_PORT": str(free_port()),
    }


def test_every_using_the_parts_command_runs_as_written(
    tmp_path: Path, mosquitto: Mosquitto, environment: dict[str, str]
) -> None:
    commands = readme_commands()
    assert len(commands) >= 12, commands  # the section still lists the parts
    gateway_config(tmp_path, mosquitto.url)
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    running: list[subprocess.Popen[bytes]] = []
    try:
        for step, command in enumerate(commands):
            argv = fill(command, tmp_path, step)
            if tuple(argv[1:3]) in SERVERS:
                running.append(start(argv, tmp_path, environment))
                up(argv[1], running[-1], tmp_path, environment)
                if argv[1] != "gateway":  # the gateway feeds ingest: both go once it stored
                    stop_all(running)
                continue
            if argv[1] in CLIENTS:
                api = [str(ROOT / "scripts/carewatch"), "api", "serve"]
                running.append(start(api, tmp_path, environment))
                up("api", running[-1], tmp_path, environment)
            answer = f"{PASSWORD}\n{PASSWORD}\n" if "create-admin" in argv else None
            done = subprocess.run(
                argv, cwd=tmp_path, env=environment, input=answer, capture_output=True,
                text=True, timeout=120, start_new_session=True,  # no tty: the prompt reads stdin
            )  # fmt: skip
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
            check(argv, done.stdout + done.stderr, tmp_path)
            if argv[1] in CLIENTS:
                stop_all(running)
    finally:
        stop_all(running)


def start(argv: list[str], work: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (work / f"{argv[1]}.log").open("wb")
    return subprocess.Popen(argv, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)


def up(name: str, process: subprocess.Popen[bytes], work: Path, env: dict[str, str]) -> None:
    def alive() -> None:
        log = (work / f"{name}.log").read_text(errors="replace")
        assert process.poll() is None, f"{name} exited:\n{log[-3000:]}"

    if name == "gateway":
        eventually(lambda: alive() or (work / "gateway-data").is_dir(), "the gateway's outbox", 60)
    elif name == "ingest":
        url = f"http://127.0.0.1:{env['CAREWATCH_INGEST_HTTP_PORT']}/health"
        eventually(lambda: alive() or _ok(url), "ingest healthy", 60)
        eventually(lambda: alive() or _last_day(work), "yesterday stored, from the gateway", 60)
    else:
        url = f"http://127.0.0.1:{env['CAREWATCH_API_PORT']}/health"
        eventually(lambda: alive() or _ok(url), "the API healthy", 60)


def check(argv: list[str], output: str, work: Path) -> None:
    """What a command's output must show beyond succeeding."""
    if argv[1:3] == ["store", "query"]:
        assert '"home":"home-001"' in output, output  # the readings the gateway sent
    elif argv[1:3] == ["export", "fhir"]:
        bundle = json.loads((work / "r-0001.json").read_text())
        assert bundle["resourceType"] == "Bundle", bundle
        patients = [
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
        ]
        assert [p["identifier"][0]["value"] for p in patients] == ["r-0001"], patients
    elif argv[1] == "ha-bridge":
        assert "messages published" in output, output


def stop_all(running: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(running):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    running.clear()


def _last_day(work: Path) -> bool:
    path = work / "carewatch-data" / "readings.db"
    if not path.is_file():
        return False
    store = open_store(f"sqlite:///{path}")
    try:
        return bool(store.query("home-001", Kind.HEART_RATE, time.time() - 86_400, time.time()))
    finally:
        store.close()


def _ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_a_broken_readme_command_would_fail(tmp_path: Path) -> None:
    # the filling refuses what it cannot run, so a new placeholder cannot slip through
    with pytest.raises(AssertionError, match="no value for"):
        fill("scripts/carewatch import casas FILE --tz SOMEWHERE --out DIR", tmp_path, 0)
    assert fill("scripts/carewatch simulate --out sim/", tmp_path, 0)[1:] == [
        "simulate", "--out", "sim/",
    ]  # fmt: skip
