"""The gateway's configuration: ``gateway.toml`` validated at start-up.

A bad file refuses to start with a message naming the setting, e.g.
``gateway.toml: [mqtt].url: scheme must be mqtt:// or mqtts://``. The MQTT password
comes from the file or from ``CAREWATCH_GATEWAY_MQTT_PASSWORD``; it is never defaulted.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import SettingsConfigDict

from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress
from carewatch.protocol.messages import ID_PATTERN, is_time_zone
from carewatch.settings import CareWatchSettings, load_settings

IdStr = Annotated[str, Field(pattern=ID_PATTERN)]
M = TypeVar("M", bound=BaseModel)


class Section(BaseModel):
    """Base of every config table: unknown keys are typos, so they are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class GatewaySection(Section):
    """``[gateway]``: who this gateway is and where it keeps its data."""

    id: IdStr
    home: IdStr
    tz: str
    data_dir: Path = Path("/var/lib/carewatch-gateway")

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_time_zone(value):
            raise ValueError(f"{value!r} is not an IANA time zone such as 'Europe/London'")
        return value


class MqttSection(Section):
    """``[mqtt]``: the upstream broker (TLS with ``mqtts://``)."""

    url: str
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    keepalive_s: Annotated[int, Field(ge=5, le=3600)] = 60

    @field_validator("url")
    @classmethod
    def _parses(cls, value: str) -> str:
        try:
            BrokerAddress.parse(value)
        except ConfigError as error:  # pydantic names the field only for a ValueError
            raise ValueError(str(error)) from None
        return value


class OutboxSection(Section):
    """``[outbox]``: the on-disk buffer and how it is drained."""

    max_readings: Annotated[int, Field(ge=1_000)] = 500_000
    batch_max_readings: Annotated[int, Field(ge=1, le=1_000)] = 500
    batch_max_age_s: Annotated[float, Field(gt=0, le=3600)] = 5.0
    inflight_batches: Annotated[int, Field(ge=1, le=1_000)] = 20


class StatusSection(Section):
    """``[status]``: how often the retained status is refreshed."""

    interval_s: Annotated[float, Field(ge=1, le=86_400)] = 60.0


class GatewayConfig(Section):
    """The whole ``gateway.toml``; ``source`` holds one table per source, checked by it."""

    gateway: GatewaySection
    mqtt: MqttSection
    outbox: OutboxSection = OutboxSection()
    status: StatusSection = StatusSection()
    source: dict[str, dict[str, Any]] = Field(min_length=1)

    @property
    def outbox_path(self) -> Path:
        """Where the outbox database lives."""
        return self.gateway.data_dir / "outbox.db"

    def broker(self) -> BrokerAddress:
        """The broker address with the configured credentials."""
        address = BrokerAddress.parse(self.mqtt.url)
        return replace(
            address,
            username=self.mqtt.username or address.username,
            password=self.mqtt.password or address.password,
        )


class GatewaySettings(CareWatchSettings):
    """Environment overrides (``CAREWATCH_GATEWAY_…``): the secret stays out of the file."""

    model_config = SettingsConfigDict(env_prefix="CAREWATCH_GATEWAY_", frozen=True)
    mqtt_password: str | None = None


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
    carewatch.errors.ConfigError: gateway.toml: [gateway].id: String should match ... (got 'GW 1')
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path.name}: cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}") from None
    config = parse_section(GatewayConfig, raw, path.name, "")
    secret = load_settings(GatewaySettings).mqtt_password
    mqtt = config.mqtt.model_copy(update={"password": secret}) if secret else config.mqtt
    if mqtt.username and not (mqtt.password or BrokerAddress.parse(mqtt.url).password):
        raise ConfigError(
            f"{path.name}: [mqtt].password: required with [mqtt].username; set it in the file "
            "or in CAREWATCH_GATEWAY_MQTT_PASSWORD"
        )
    return config.model_copy(update={"mqtt": mqtt})


def parse_section(model: type[M], raw: Mapping[str, Any], file: str, section: str) -> M:
    """Validate one table (``section`` like ``source.simulator``) or raise ConfigError.

    >>> class Demo(Section):
    ...     speed: float = 1.0
    >>> parse_section(Demo, {"speed": "fast"}, "gateway.toml", "source.simulator")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: gateway.toml: [source.simulator].speed: ... (got 'fast')
    """
    try:
        return model.model_validate(dict(raw))
    except ValidationError as error:
        raise ConfigError("; ".join(_describe(error, file, section))) from None


def _describe(error: ValidationError, file: str, section: str) -> list[str]:
    problems = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        if not section and len(loc) > 1:
            name = f"[{'.'.join(loc[:-1])}].{loc[-1]}"
        elif not section:
            name = f"[{loc[0]}]" if loc else "file"
        else:
            name = f"[{section}].{'.'.join(loc)}" if loc else f"[{section}]"
        message = str(item["msg"]).removeprefix("Value error, ")
        got = f" (got {item['input']!r})" if item["type"] not in ("missing",) and loc else ""
        if isinstance(item["input"], dict):
            got = ""
        problems.append(f"{file}: {name}: {message}{got}")
    return problems
