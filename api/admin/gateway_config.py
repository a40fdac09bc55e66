"""The ``gateway.toml`` a new gateway is given, to copy onto its Pi (shown once)."""

import json

SOURCES_HINT = """
# Sources: this home's sensors (see deploy/gateway.example.toml and docs/gateway.md), e.g.
# [source.zigbee2mqtt]
# mapping = "/etc/carewatch/zigbee.toml"
# url = "mqtt://localhost:1883"
# base_topic = "zigbee2mqtt"
"""


def _quoted(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def gateway_toml(
    *, home: str, gateway: str, tz: str, password: str, url: str | None, ca_file: str | None
) -> str:
    """The gateway's config: identity, time zone, broker login; sources left to add.

    >>> import tomllib
    >>> text = gateway_toml(home="h-1", gateway="gw-1", tz="Europe/London",
    ...                     password="pw", url=None, ca_file=None)
    >>> tomllib.loads(text)["mqtt"]
    {'url': 'mqtts://<broker host>:8883', 'username': 'gw-1', 'password': 'pw'}
    """
    lines = [
        f"# CareWatch gateway {gateway} of home {home}: /etc/carewatch/gateway.toml on its Pi.",
        "# The password is shown only once. Better still, move it to /etc/carewatch/gateway.env",
        "# as CAREWATCH_GATEWAY_MQTT_PASSWORD (mode 600) and delete the line here.",
        "",
        "[gateway]",
        f"id = {_quoted(gateway)}",
        f"home = {_quoted(home)}",
        f"tz = {_quoted(tz)}",
        'data_dir = "/var/lib/carewatch-gateway"',
        "",
        "[mqtt]",
        f"url = {_quoted(url or 'mqtts://<broker host>:8883')}",
        f"username = {_quoted(gateway)}",
        f"password = {_quoted(password)}",
    ]
    if ca_file:
        lines.append(f"ca_file = {_quoted(ca_file)}")
    return "\n".join(lines) + "\n" + SOURCES_HINT
