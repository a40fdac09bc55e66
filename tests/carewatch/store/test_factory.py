"""Store URLs: every bad one says what is wrong and which forms work."""

import pytest

from carewatch.errors import ConfigError
from carewatch.store import open_store
from carewatch.store.influx import InfluxAddress
from carewatch.store.urls import redact


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://db/x", "scheme 'mysql' is not supported; use sqlite:///"),
        ("readings.db", "scheme '(none)' is not supported"),
        ("sqlite://readings.db", "three slashes"),
        ("sqlite:///", "three slashes"),
        ("sqlite:///r.db?synchronous=off", "only SQLite option is ?synchronous=full"),
        ("sqlite:///r.db?journal=delete", "only SQLite option is ?synchronous=full"),
        ("influxdb://host:8086", "name the database"),
        ("influxdb://host:8086/", "name the database"),
        ("influxdb://host:99999/db", "port must be a number"),
        ("influxdb:///db", "no host"),
        ("influxdb://host/my db", "database name may use"),
        ("influxdb://host/db?tokn=abc", "unknown option(s) tokn"),
        ("influxdb://host/db?timeout=soon", "timeout and retry are seconds"),
    ],
)
def test_bad_urls_say_how_to_fix_them(url: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        open_store(url)
    assert message in str(error.value)


def test_secrets_never_appear_in_errors() -> None:
    with pytest.raises(ConfigError) as error:
        open_store("influxdb://admin:hunter2@host:8086/?token=t0ps3cret")
    assert "hunter2" not in str(error.value)
    assert "t0ps3cret" not in str(error.value)


def test_influx_url_forms() -> None:
    plain = InfluxAddress.parse("influxdb://h/carewatch")
    tls = InfluxAddress.parse("influxdb+https://u:p%40ss@h:443/prefix/carewatch?rp=a&retry=0.5")
    token = InfluxAddress.parse("influxdb://h:8181/carewatch?token=abc&timeout=3")

    assert (plain.base_url, plain.database, plain.username) == ("http://h:8086", "carewatch", None)
    assert (tls.base_url, tls.password, tls.retention_policy, tls.retry_s) == (
        "https://h:443/prefix",
        "p@ss",
        "a",
        0.5,
    )
    assert (token.token, token.timeout_s, token.username) == ("abc", 3.0, None)
    assert "abc" not in repr(token)


def test_redact_leaves_urls_without_secrets_alone() -> None:
    assert redact("influxdb://h:8086/db?rp=x") == "influxdb://h:8086/db?rp=x"
