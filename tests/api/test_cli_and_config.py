"""``carewatch api`` commands and configuration errors that name the setting."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.routing import load_rules, parse_rules
from api.settings import ApiSettings
from carewatch.errors import ConfigError
from carewatch.settings import load_settings


def test_create_admin_from_a_file_then_log_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.conftest import SECRET

    db = f"sqlite:///{tmp_path}/api.sqlite3"
    monkeypatch.setenv("CAREWATCH_API_DATABASE_URL", db)
    secret_file = tmp_path / "pw"
    secret_file.write_text("a strong admin password\n")
    runner = CliRunner()
    result = runner.invoke(
        app, ["create-admin", "--username", "root", "--password-file", str(secret_file)]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        app, ["create-admin", "--username", "root", "--password-file", str(secret_file)]
    )
    assert again.exit_code != 0 and "already exists" in str(again.exception)
    short = tmp_path / "short"
    short.write_text("tiny")
    weak = runner.invoke(app, ["create-admin", "--username", "x", "--password-file", str(short)])
    assert "at least 12 characters" in str(weak.exception)
    assert runner.invoke(app, ["migrate"]).exit_code == 0

    settings = load_settings(ApiSettings, jwt_secret=SECRET, database_url=db)
    client = TestClient(create_app(settings, background=False))
    r = client.post(
        "/api/v1/auth/token", data={"username": "root", "password": "a strong admin password"}
    )
    assert r.status_code == 200


def test_serve_refuses_to_start_without_a_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREWATCH_API_JWT_SECRET", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert isinstance(result.exception, ConfigError)
    assert "CAREWATCH_API_JWT_SECRET" in str(result.exception)


def test_routing_errors_name_the_rule(tmp_path: Path) -> None:
    step = '\nsteps = [{after_minutes = 0, notify = ["carers"]}]'
    bad_kind = '[[rules]]\nname = "nights"\nkinds = ["boredom"]' + step
    with pytest.raises(ConfigError, match=r"rule 'nights' \(rules\[0\]\) kinds"):
        parse_rules(bad_kind)
    unordered = (
        '[[rules]]\nname = "a"\nsteps = [{after_minutes = 0, notify = ["family"]}]\n'
        '[[rules]]\nname = "b"\nsteps = [{after_minutes = 30, notify = ["carers"]},'
        ' {after_minutes = 5, notify = ["lead:x"]}]'
    )
    with pytest.raises(ConfigError, match=r"rule 'b' \(rules\[1\]\) steps: .*order"):
        parse_rules(unordered)
    with pytest.raises(ConfigError, match=r"hours '25:00-07:00'"):
        parse_rules('[[rules]]\nname = "c"\nhours = "25:00-07:00"' + step)
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_rules("[[rules]\n")
    with pytest.raises(ConfigError, match="CAREWATCH_API_ROUTING_FILE"):
        load_rules(tmp_path / "missing.toml")


def test_night_hours_wrap_past_midnight() -> None:
    from datetime import time

    rules = parse_rules(
        '[[rules]]\nname = "n"\nhours = "22:00-07:00"\n'
        'steps = [{after_minutes = 0, notify = ["carers"]}]'
    )
    assert [rules.match("stress", "low", time(h)) is not None for h in (21, 22, 3, 7)] == [
        False,
        True,
        True,
        False,
    ]


def test_the_shipped_example_rules_are_valid() -> None:
    from datetime import time

    rules = load_rules(Path(__file__).resolve().parents[2] / "api" / "routing.example.toml")
    assert [r.name for r in rules.rules] == ["day-low", "night", "day"]
    assert rules.match("dehydration", "low", time(10)).name == "day-low"  # type: ignore[union-attr]
    assert rules.match("dehydration", "low", time(23)).name == "night"  # type: ignore[union-attr]
    assert rules.match("stress", "high", time(10)).name == "day"  # type: ignore[union-attr]
