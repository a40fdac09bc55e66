"""The deployment files parse and agree with the code they deploy.

Docker and systemd cannot run services here, so this checks what can be checked for
real: `systemd-analyze verify` on the units, `carewatch … --help` for every command
they start, every CAREWATCH_ variable against the service's settings class, and the
compose file's mounts, build and secrets.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import typer
import yaml  # type: ignore[import-untyped]
from pydantic_settings import BaseSettings
from typer.testing import CliRunner

from api.settings import ApiSettings
from carewatch.cli import build
from carewatch.errors import ConfigError
from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.settings import load_settings
from carewatch.store import open_store
from ingest.settings import IngestSettings
from tests.deploy.broker import DEPLOY
from tests.servers import require_binary

ROOT = DEPLOY.parent
CAREWATCH = Path(sys.executable).with_name("carewatch")
SETTINGS: dict[str, type[BaseSettings]] = {
    "CAREWATCH_INGEST_": IngestSettings,
    "CAREWATCH_API_": ApiSettings,
}
SERVER_UNITS = ["carewatch-ingest.service", "carewatch-api.service"]
MY_UNITS = [*SERVER_UNITS, "carewatch-prune.service", "carewatch-prune.timer"]


def unit_entries(path: Path) -> dict[str, list[str]]:
    """``Section.Key`` -> values, in order (systemd allows repeated keys)."""
    entries: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return entries


@functools.cache
def carewatch_cli() -> typer.Typer:
    return build()  # registers every entry point once


def assert_command_exists(args: list[str]) -> None:
    """``carewatch <args> --help`` succeeds: the command and its options exist."""
    result = CliRunner().invoke(carewatch_cli(), [*args, "--help"])
    assert result.exit_code == 0, f"carewatch {' '.join(args)}: {result.output}"


def assert_known_setting(name: str) -> None:
    prefix = next((p for p in SETTINGS if name.startswith(p)), None)
    assert prefix is not None, f"{name}: not a setting of ingest or api"
    field = name.removeprefix(prefix).lower()
    assert field in SETTINGS[prefix].model_fields, f"{name}: no such setting"


def env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def commented_settings(path: Path) -> list[str]:
    return re.findall(r"^#?(CAREWATCH_[A-Z_]+)=", path.read_text(), flags=re.MULTILINE)


# --- systemd ---------------------------------------------------------------------------


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").glob("*.service")))
def test_unit_starts_an_existing_carewatch_command(unit: str) -> None:
    """``carewatch <command> …`` from the entry points, or ``python -m <package> …``."""
    entries = unit_entries(DEPLOY / "systemd" / unit)
    (exec_start,) = entries["Service.ExecStart"]
    program, *args = shlex.split(exec_start)
    assert Path(program).parent == Path("/opt/carewatch/bin")  # the venv of the guide
    if Path(program).name == "python":
        # The Pi's light entry point (gateway/__main__.py): it has its own parser.
        assert args[0] == "-m"
        result = subprocess.run(
            [sys.executable, *args, "--help"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return
    assert Path(program).name == "carewatch"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert args[0] in project["entry-points"]["carewatch.commands"]
    assert_command_exists(args)


@pytest.mark.parametrize("unit", SERVER_UNITS)
def test_server_unit_is_hardened_and_restarts(unit: str) -> None:
    entries = unit_entries(DEPLOY / "systemd" / unit)
    expected = {
        "Service.ProtectSystem": ["strict"],
        "Service.NoNewPrivileges": ["yes"],
        "Service.Restart": ["on-failure"],
        "Service.User": ["carewatch"],
        "Service.StateDirectory": ["carewatch"],
        "Service.CapabilityBoundingSet": [""],
    }
    for key, value in expected.items():
        assert entries.get(key) == value, key
    (env,) = entries["Service.EnvironmentFile"]
    assert (DEPLOY / "systemd" / f"{Path(env).name}.example").is_file()
    for assignment in entries.get("Service.Environment", []):
        assert_known_setting(assignment.partition("=")[0])
    # State lives in the StateDirectory, the only writable place under ProtectSystem=strict.
    for assignment in entries["Service.Environment"]:
        if assignment.split("=", 1)[0].endswith(("_PATH", "_URL")):
            assert "/var/lib/carewatch/" in assignment


@pytest.mark.parametrize("unit", MY_UNITS)
def test_systemd_accepts_the_unit(unit: str, tmp_path: Path) -> None:
    analyze = require_binary("systemd-analyze", "systemd")
    # Units name the installed binary; point them at this checkout's to verify offline.
    for path in (DEPLOY / "systemd").glob("carewatch-*.*"):
        text = path.read_text().replace("/opt/carewatch/bin/carewatch", str(CAREWATCH))
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / unit)], capture_output=True, text=True, check=False
    )
    # Unknown or malformed directives are only warnings: any output is a failure here.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("example", "settings"),
    [("ingest.env.example", IngestSettings), ("api.env.example", ApiSettings)],
)
def test_env_examples_name_real_settings(example: str, settings: type[BaseSettings]) -> None:
    names = commented_settings(DEPLOY / "systemd" / example)
    assert names
    for name in names:
        assert_known_setting(name)
        assert SETTINGS[name[: name.index("_", len("CAREWATCH_")) + 1]] is settings


def test_api_env_example_has_no_usable_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed as shipped, the API refuses to start and names the missing secret."""
    for name, value in env_file(DEPLOY / "systemd" / "api.env.example").items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="CAREWATCH_API_JWT_SECRET"):
        load_settings(ApiSettings)


# --- compose and the image -------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def services(compose: dict[str, object]) -> dict[str, dict[str, object]]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def test_compose_runs_the_whole_server(compose: dict[str, object]) -> None:
    assert set(services(compose)) == {"mosquitto", "influxdb", "ingest", "api", "grafana"}
    assert services(compose)["influxdb"]["image"] == "influxdb:1.8"
    for name in ("ingest", "api"):
        service = services(compose)[name]
        build = service["build"]
        assert isinstance(build, dict)
        assert (DEPLOY / str(build["context"]) / str(build["dockerfile"])).resolve() == (
            DEPLOY / "Dockerfile"
        )
        command = service["command"]
        assert isinstance(command, list)
        assert_command_exists(command)
        environment = service["environment"]
        assert isinstance(environment, dict)
        for variable in environment:
            assert_known_setting(variable)


def test_compose_mounts_shipped_files(compose: dict[str, object]) -> None:
    for name, service in services(compose).items():
        for volume in service.get("volumes", []):  # type: ignore[attr-defined]
            source = str(volume).split(":", 1)[0]
            if not source.startswith("."):
                continue  # a named volume
            if source.startswith("./site/"):
                continue  # made on the server by the scripts (docs/deployment.md)
            assert (DEPLOY / source).exists(), f"{name}: {source} does not exist"


def test_compose_secrets_come_only_from_the_env_file(compose: dict[str, object]) -> None:
    lines = (DEPLOY / "compose.yaml").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    references = re.findall(r"\$\{([^}]*)\}", text)
    assert references
    example = env_file(DEPLOY / "env.example")
    for reference in references:
        name, required, _ = reference.partition(":?")
        assert required, f"${{{reference}}} must be required (${{NAME:?…}}), never defaulted"
        assert name in example, f"{name} missing from deploy/env.example"
        assert example[name] == "", f"deploy/env.example ships a value for {name}"
    assert set(example) == {r.partition(":?")[0] for r in references}


def test_dockerfile_installs_every_package() -> None:
    copied = re.findall(r"^COPY (\S+)/ ", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert set(copied) == packages
    for package in copied:
        assert (ROOT / package / "__init__.py").is_file()
    allowed = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for package in copied:
        assert f"!{package}/" in allowed


# --- Grafana ---------------------------------------------------------------------------


def test_grafana_provisioning_matches_the_dashboard(compose: dict[str, object]) -> None:
    provisioning = DEPLOY / "grafana" / "provisioning"
    sources = yaml.safe_load((provisioning / "datasources" / "carewatch-influxdb.yaml").read_text())
    (source,) = sources["datasources"]
    assert (source["type"], source["jsonData"]["dbName"]) == ("influxdb", "carewatch")
    assert source["jsonData"]["version"] == "InfluxQL"
    providers = yaml.safe_load((provisioning / "dashboards" / "carewatch.yaml").read_text())
    (provider,) = providers["providers"]
    mounts = [str(v) for v in services(compose)["grafana"]["volumes"]]  # type: ignore[attr-defined]
    assert f"./grafana/dashboards:{provider['options']['path']}:ro" in mounts
    grafana_env = services(compose)["grafana"]["environment"]
    for variable in re.findall(r"\$\{(\w+)\}", yaml.safe_dump(source)):
        assert variable in grafana_env  # type: ignore[operator]

    dashboards = list((DEPLOY / "grafana" / "dashboards").glob("*.json"))
    assert dashboards
    for path in dashboards:
        dashboard = json.loads(path.read_text())
        for panel in dashboard["panels"]:
            assert panel["datasource"]["uid"] == source["uid"], panel["title"]
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == source["uid"]


def test_prune_unit_applies_retention_to_ingests_store(tmp_path: Path) -> None:
    """The timer's command, with the unit's environment, keeps only recent readings."""
    entries = unit_entries(DEPLOY / "systemd" / "carewatch-prune.service")
    (exec_start,) = entries["Service.ExecStart"]
    _, *args = shlex.split(exec_start)
    environment = dict(a.split("=", 1) for a in entries["Service.Environment"])
    url = environment["CAREWATCH_INGEST_STORE_URL"].replace("/var/lib/carewatch", str(tmp_path))
    day = 86_400.0
    now = time.time()
    store = open_store(url)
    try:
        store.write(
            [
                ReadingRecord("home-a", "tap-1", Kind.TAP, now - 500 * day, 1.0),
                ReadingRecord("home-a", "tap-1", Kind.TAP, now - 2 * day, 2.0),
            ]
        )
    finally:
        store.close()

    result = CliRunner().invoke(
        carewatch_cli(), args, env={"CAREWATCH_INGEST_STORE_URL": url, "CAREWATCH_STORE_URL": None}
    )
    assert result.exit_code == 0, result.output

    store = open_store(url)
    try:
        kept = store.query("home-a", Kind.TAP, now - 1000 * day, now)
    finally:
        store.close()
    assert [r.value for r in kept] == [2.0]
