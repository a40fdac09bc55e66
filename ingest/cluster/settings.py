"""The cluster configuration, read from ``CAREWATCH_CLUSTER_…`` environment variables.

Mosquitto and one ingest process stay the default; these settings are only read by
``carewatch cluster work`` (decision D103).
"""

import os
import socket
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, PositiveFloat, PositiveInt, field_validator
from pydantic_settings import SettingsConfigDict

from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress
from carewatch.settings import CareWatchSettings

WorkerId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


def _default_worker_id() -> str:
    host = "".join(c if c.isalnum() else "-" for c in socket.gethostname().lower())[:40]
    return f"{host.strip('-') or 'worker'}-{os.getpid()}"


class ClusterSettings(CareWatchSettings):
    """Where the NATS cluster is and how a detector worker shares its partitions.

    Examples
    --------
    >>> from carewatch.settings import load_settings
    >>> load_settings(ClusterSettings, nats_urls="http://n1:4222", alerts_broker_url="mqtt://n1")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: CAREWATCH_CLUSTER_NATS_URLS: Value error, 'http://n1:4222': \
scheme must be nats:// or tls://
    >>> load_settings(ClusterSettings, nats_urls="nats://n1:4222", alerts_broker_url="mqtt://n1",
    ...               partitions=0)
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: CAREWATCH_CLUSTER_PARTITIONS: Input should be greater \
than or equal to 1 (got 0)
    """

    model_config = SettingsConfigDict(env_prefix="CAREWATCH_CLUSTER_", extra="ignore", frozen=True)

    nats_urls: str
    """Comma-separated node URLs, ``nats://host:4222,…``; the client fails over between them."""
    alerts_broker_url: str
    """MQTT URL the alerts and summaries are published to (a node's MQTT listener)."""
    partitions: Annotated[int, Field(ge=1, le=1024)] = 8
    """Partitions of the homes: the same number as in the nodes' mapping (node-config)."""
    worker_id: WorkerId = Field(default_factory=_default_worker_id)
    """This worker's name in the lease bucket (and its MQTT client id); unique per worker."""
    lease_ttl_s: Annotated[float, Field(ge=1.0, le=300.0)] = 10.0
    """A worker silent this long loses its partitions to the others."""
    checkpoint_every: PositiveInt = 2_000
    """Messages taken between checkpoints (a partition also saves whenever it raised alerts)."""
    tick_every_s: PositiveFloat = 60.0
    """Event time between two ticks of the detectors (silence-based checks)."""
    fetch_batch: Annotated[int, Field(ge=1, le=10_000)] = 256
    """Messages fetched from the stream at a time per partition."""

    @field_validator("nats_urls")
    @classmethod
    def _nats_urls_parse(cls, urls: str) -> str:
        for url in urls.split(","):
            if urlsplit(url.strip()).scheme not in ("nats", "tls"):
                raise ValueError(f"{url.strip()!r}: scheme must be nats:// or tls://")
        return urls

    @field_validator("alerts_broker_url")
    @classmethod
    def _broker_url_parses(cls, url: str) -> str:
        try:
            BrokerAddress.parse(url)
        except ConfigError as error:
            raise ValueError(str(error)) from None
        return url

    def servers(self) -> list[str]:
        """The node URLs as a list."""
        return [url.strip() for url in self.nats_urls.split(",")]
