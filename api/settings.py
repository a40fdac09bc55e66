"""Settings of the API service, read from ``CAREWATCH_API_…`` environment variables."""

from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    FilePath,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    model_validator,
)
from pydantic_settings import SettingsConfigDict

from carewatch.protocol.messages import is_time_zone
from carewatch.retention import Duration
from carewatch.settings import CareWatchSettings


def _time_zone(name: str) -> str:
    if not is_time_zone(name):
        raise ValueError(f"{name!r} is not an IANA time zone such as Europe/London")
    return name


class ApiDatabaseSettings(CareWatchSettings):
    """The part of :class:`ApiSettings` that admin commands (migrate, create-admin) need."""

    model_config = SettingsConfigDict(env_prefix="CAREWATCH_API_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///carewatch-api.sqlite3"
    broker_passwd_file: FilePath | None = None
    """Mosquitto's password file; a registered gateway's account is appended (D96)."""
    broker_acl_file: FilePath | None = None
    """Mosquitto's ACL file; a registered gateway's block is appended (D96)."""
    gateway_broker_url: str | None = None
    """The broker URL written into a new gateway's config, e.g. ``mqtts://host:8883``."""
    gateway_ca_file: str | None = "/etc/carewatch/ca.crt"
    """The CA file path on the Pi written into its config; ``None``: the system's CAs."""

    @model_validator(mode="after")
    def _both_broker_files(self) -> "ApiDatabaseSettings":
        if (self.broker_passwd_file is None) != (self.broker_acl_file is None):
            raise ValueError("broker_passwd_file and broker_acl_file: set both or neither")
        return self


class ApiSettings(ApiDatabaseSettings):
    """Everything the API needs; ``jwt_secret`` has no default on purpose.

    Examples
    --------
    >>> from carewatch.settings import load_settings
    >>> load_settings(ApiSettings, jwt_secret=None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: CAREWATCH_API_JWT_SECRET: Input should be a valid string...
    """

    model_config = SettingsConfigDict(env_prefix="CAREWATCH_API_", extra="ignore", frozen=True)

    jwt_secret: Annotated[SecretStr, Field(min_length=32)]
    """Signs access tokens and form tokens; generate with ``openssl rand -hex 32``."""
    store_url: str | None = None
    """Readings store (``sqlite:///…`` or ``influxdb://…``); ``None``: the default SQLite file."""
    broker_url: str | None = None
    """MQTT broker with alerts and summaries; ``None`` runs without consuming them."""
    mqtt_client_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = "carewatch-api"
    token_minutes: Annotated[PositiveInt, Field(le=24 * 60)] = 15
    routing_file: Path | None = None
    """TOML routing rules; ``None`` means alerts are stored and shown but not sent."""
    escalation_tick_seconds: PositiveFloat = 30.0
    delivery_attempts: Annotated[PositiveInt, Field(le=10)] = 3
    delivery_backoff_seconds: Annotated[float, Field(ge=0, le=60)] = 2.0
    sse_lifetime_seconds: PositiveFloat = 300.0
    """An event stream ends after this long; the browser reconnects with a fresh check."""
    secure_cookies: bool = True
    """Mark the session cookie ``Secure``; turn off only for plain-HTTP local demos."""
    login_account_failures: PositiveInt = 5
    """Failed logins allowed per account before each further one locks it (backing off)."""
    login_address_failures: PositiveInt = 20
    """The same per client address (behind a proxy, run uvicorn with ``--proxy-headers``)."""
    login_backoff_seconds: PositiveFloat = 30.0
    """The first lockout; each further failure doubles it, up to ``login_max_backoff_seconds``."""
    login_max_backoff_seconds: PositiveFloat = 900.0
    login_memory_seconds: PositiveFloat = 3600.0
    """Failures are forgotten this long after the last one."""
    login_hash_concurrency: Annotated[PositiveInt, Field(le=64)] = 2
    """Password checks running at once: argon2id takes 64 MB each, so 2 is 128 MB."""
    login_hash_wait_seconds: PositiveFloat = 10.0
    """How long a login waits for a free check before a 503 asking to retry."""
    handover_at: time | None = None
    """Local time (in ``handover_tz``) each carer's morning handover is sent; ``None``: off."""
    handover_tz: Annotated[str, AfterValidator(_time_zone)] = "UTC"
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    retention_alerts: Duration | None = None
    """How long a resolved alert is kept after it was resolved (``2y`` is not a unit: ``730d``);
    unset: for ever. Open and acknowledged alerts are kept (D108)."""
    retention_audit: Duration | None = None
    """How long audit entries are kept; unset: for ever."""
    retention_summaries: Duration | None = None
    """How long daily summaries are kept after their day; unset: for ever."""
    retention_every: Duration = 3600.0
    """How often the retention job runs."""
