"""Config errors name the setting; the gateway refuses to start."""

import subprocess
import sys
from pathlib import Path

import pytest

from carewatch.errors import ConfigError
from gateway.config import load_config

GOOD = """
[gateway]
id = "gw-1"
home = "home-1"
tz = "Europe/London"
data_dir = "{data}"

[mqtt]
url = "mqtts://broker.example:8883"
username = "gw-1"
password = "from-the-file"

[source.file]
path = "{data}/day.jsonl"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text.replace("{data}", str(tmp_path)))
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    broker = config.broker()
    assert (broker.host, broker.port, broker.tls, broker.username) == (
        "broker.example",
        8883,
        True,
        "gw-1",
    )
    assert broker.password == "from-the-file"
    assert config.outbox_path == tmp_path / "outbox.db"
    assert config.outbox.batch_max_readings == 500


def test_the_password_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREWATCH_GATEWAY_MQTT_PASSWORD", "from-the-env")
    text = GOOD.replace('password = "from-the-file"\n', "")
    assert load_config(_write(tmp_path, text)).broker().password == "from-the-env"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'url = "mqtts://broker.example:8883"',
            'url = "http://broker"',
            r"\[mqtt\].url: broker URL",
        ),
        ('id = "gw-1"', 'id = "Mrs Smith\'s Pi"', r"\[gateway\].id: Expected `str` matching regex"),
        ('home = "home-1"', "", r"\[gateway\].home: required setting is missing"),
        ('tz = "Europe/London"', 'tz = "Mars/Olympus"', r"\[gateway\].tz: 'Mars/Olympus' is not"),
        ('password = "from-the-file"', "", r"\[mqtt\].password: required with \[mqtt\].username"),
        ("[source.file]", "[source.fax]", r"\[source.fax\]: unknown source"),
        ('username = "gw-1"', 'username = "gw-1"\nkeepalive_s = 1', r"\[mqtt\].keepalive_s"),
        (
            'username = "gw-1"',
            'username = "gw-1"\nuser_name = "x"',
            r"user_name: unknown setting",
        ),
        ("[mqtt]", "[mqtt", "not valid TOML"),
    ],
)
def test_errors_name_the_setting(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError, match=rf"^gateway.toml: .*{message}"):
        config = load_config(path)
        from gateway.runtime import Gateway

        gateway = Gateway(config)
        try:
            gateway.build_sources()
        finally:
            gateway.outbox.close()


def test_the_command_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace('tz = "Europe/London"', 'tz = "Europe/Londn"'))
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "gateway.toml: [gateway].tz: 'Europe/Londn' is not an IANA time zone" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_summarises_a_good_file(tmp_path: Path) -> None:
    (tmp_path / "day.jsonl").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "check-config", "--config", str(_write(tmp_path, GOOD))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "gateway gw-1 of home home-1, broker mqtts://broker.example:8883" in result.stdout
    assert "from-the-file" not in result.stdout
