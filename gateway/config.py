"""The gateway's configuration: ``gateway.toml`` validated at start-up.

A bad file refuses to start with a message naming the setting, e.g.
``gateway.toml: [mqtt].url: broker URL 'http://b': scheme must be mqtt:// or mqtts://``.
The MQTT password comes from the file or from ``CAREWATCH_GATEWAY_MQTT_PASSWORD``;
it is never defaulted.

Validated with msgspec rather than pydantic (decision D24 in
docs/decisions.md): pydantic alone adds about 18 MB of RSS, half the Pi's budget.
"""

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Final, Literal, TypeVar

import msgspec

from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress
from carewatch.protocol.messages import ID_PATTERN, is_time_zone

IdStr = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
PASSWORD_ENV: Final = "CAREWATCH_GATEWAY_MQTT_PASSWORD"  # noqa: S105 (a name, not a secret)
S = TypeVar("S", bound="Section")
_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_FIELD_PROBLEM = re.compile(
    r"^Object (?:missing required|contains unknown) field `(?P<name>[^`]+)`$"
)
_NAMED = re.compile(r"^(?P<name>[a-z_]+): (?P<message>.*)$", re.DOTALL)


class Section(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every config table: unknown keys are typos, so they are refused."""


class GatewaySection(Section):
    """``[gateway]``: who this gateway is and where it keeps its data."""

    id: IdStr
    home: IdStr
    tz: str
    data_dir: str = "/var/lib/carewatch-gateway"

    def __post_init__(self) -> None:
        if not is_time_zone(self.tz):
            raise ValueError(f"tz: {self.tz!r} is not an IANA time zone such as 'Europe/London'")


class MqttSection(Section):
    """``[mqtt]``: the upstream broker (TLS with ``mqtts://``)."""

    url: str
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    keepalive_s: Annotated[int, msgspec.Meta(ge=5, le=3600)] = 60

    def __post_init__(self) -> None:
        try:
            BrokerAddress.parse(self.url)
        except ConfigError as error:
            raise ValueError(f"url: {error}") from None

    def __repr__(self) -> str:  # never print a password into a log
        return f"MqttSection(url={self.url!r}, username={self.username!r}, password=***)"


class OutboxSection(Section):
    """``[outbox]``: the on-disk buffer and how it is drained."""

    max_readings: Annotated[int, msgspec.Meta(ge=1_000)] = 500_000
    batch_max_readings: Annotated[int, msgspec.Meta(ge=1, le=1_000)] = 500
    batch_max_age_s: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 5.0
    inflight_batches: Annotated[int, msgspec.Meta(ge=1, le=1_000)] = 20
    confirm_by: Literal["ingest", "broker"] = "ingest"
    """Delete a batch on ingest's receipt (stored), or on the broker's PUBACK (an ingest
    older than receipts; a broker crash can then lose what it acknowledged)."""
    unconfirmed_batches: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 200
    """Batches sent and not yet confirmed before no new one is formed: while ingest is
    down, readings wait here on disk rather than in the broker's memory."""
    confirm_timeout_s: Annotated[float, msgspec.Meta(ge=1, le=3600)] = 60.0
    """No receipt for this long: send the oldest unconfirmed batch again (then waits
    doubling up to 10 min)."""


class StatusSection(Section):
    """``[status]``: how often the retained status is refreshed."""

    interval_s: Annotated[float, msgspec.Meta(ge=1, le=86_400)] = 60.0


class GatewayConfig(Section):
    """The whole ``gateway.toml``; ``source`` holds one table per source, checked by it."""

    gateway: GatewaySection
    mqtt: MqttSection
    source: Annotated[dict[str, dict[str, Any]], msgspec.Meta(min_length=1)]
    outbox: OutboxSection = msgspec.field(default_factory=OutboxSection)
    status: StatusSection = msgspec.field(default_factory=StatusSection)

    @property
    def outbox_path(self) -> Path:
        """Where the outbox database lives."""
        return Path(self.gateway.data_dir) / "outbox.db"

    def broker(self) -> BrokerAddress:
        """The broker address with the configured credentials."""
        address = BrokerAddress.parse(self.mqtt.url)
        return replace(
            address,
            username=self.mqtt.username or address.username,
            password=self.mqtt.password or address.password,
        )


def load_config(path: Path) -> GatewayConfig:
    """Read and validate ``path`` or raise :class:`ConfigError` naming the setting.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp) / "gateway.toml"
    ...     _ = file.write_text('[gateway]\\nid = "GW 1"\\nhome = "h-1"\\ntz = "UTC"\\n'
    ...                         '[mqtt]\\nurl = "mqtt://localhost"\\n[source.file]\\n')
    ...     load_config(file)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: gateway.toml: [gateway].id: Expected `str` matching regex ...
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path.name}: cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}") from None
    return config_from_mapping(raw, path.name)


def config_from_mapping(raw: Mapping[str, Any], file: str = "gateway.toml") -> GatewayConfig:
    """Validate an already-parsed config (e.g. built in code by a demo) like a file.

    >>> config = config_from_mapping({
    ...     "gateway": {"id": "gw-1", "home": "home-1", "tz": "UTC", "data_dir": "/tmp/gw"},
    ...     "mqtt": {"url": "mqtt://localhost:1883"},
    ...     "source": {"simulator": {"home": 1, "speed": 60}},
    ... })
    >>> config.broker().url, str(config.outbox_path)
    ('mqtt://localhost:1883', '/tmp/gw/outbox.db')
    """
    config = parse_section(GatewayConfig, raw, file, "")
    secret = os.environ.get(PASSWORD_ENV)
    mqtt = msgspec.structs.replace(config.mqtt, password=secret) if secret else config.mqtt
    if mqtt.username and not (mqtt.password or BrokerAddress.parse(mqtt.url).password):
        raise ConfigError(
            f"{file}: [mqtt].password: required with [mqtt].username; set it in the file "
            f"or in {PASSWORD_ENV}"
        )
    return msgspec.structs.replace(config, mqtt=mqtt)


def parse_section(model: type[S], raw: Mapping[str, Any], file: str, section: str) -> S:
    """Validate one table (``section`` like ``source.simulator``) or raise ConfigError.

    >>> class Demo(Section):
    ...     speed: float = 1.0
    >>> parse_section(Demo, {"speed": "fast"}, "gateway.toml", "source.sim")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: gateway.toml: [source.sim].speed: Expected `float`, got `str`
    """
    try:
        return msgspec.convert(dict(raw), model)
    except msgspec.ValidationError as error:
        raise ConfigError(f"{file}: {describe(str(error), section)}") from None


def describe(error: str, section: str) -> str:
    """Turn a msgspec validation message into ``[table].setting: problem``.

    >>> describe("Expected `int` >= 5 - at `$.mqtt.keepalive_s`", "")
    '[mqtt].keepalive_s: Expected `int` >= 5'
    >>> describe("Object contains unknown field `user_name` - at `$.mqtt`", "")
    '[mqtt].user_name: unknown setting'
    >>> describe("Invalid enum value 'sofa' - at `$.mat[0].kind`", "source.gpio")
    "[source.gpio].mat[0].kind: Invalid enum value 'sofa'"
    """
    match = _AT.match(error)
    message, path = (match["message"], match["path"] or "") if match else (error, "")
    parts = [part for part in path.removeprefix(".").split(".") if part]
    if field := _FIELD_PROBLEM.match(message):
        parts.append(field["name"])
        message = "unknown setting" if "unknown" in message else "required setting is missing"
    elif named := _NAMED.match(message):  # a check in __post_init__ names its field
        parts.append(named["name"])
        message = named["message"]
    table, rest = (section, parts) if section else (".".join(parts[:1]), parts[1:])
    name = f"[{table}]" if table else "file"
    return f"{name}{'.' if rest else ''}{'.'.join(rest)}: {message}"
