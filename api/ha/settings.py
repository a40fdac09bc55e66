"""Settings of the Home Assistant bridge, read from ``CAREWATCH_HA_…`` environment variables."""

from typing import Annotated

from pydantic import Field, FilePath, PositiveFloat, SecretStr
from pydantic_settings import SettingsConfigDict

from carewatch.settings import CareWatchSettings

TopicPart = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
ResidentKey = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,64}$")]
Label = Annotated[str, Field(min_length=1, max_length=40)]


class HaBridgeSettings(CareWatchSettings):
    """Where to read (the API, as one user) and where to publish (the HA user's broker).

    The password and both addresses have no default: the bridge reads health data.
    """

    model_config = SettingsConfigDict(env_prefix="CAREWATCH_HA_", extra="ignore", frozen=True)

    api_url: str
    """The CareWatch API, e.g. ``https://carewatch.example.org``."""
    username: str
    """An API user granted exactly the residents this household may see."""
    password: SecretStr
    broker_url: str
    """Home Assistant's broker, ``mqtt://user:pass@host:1883`` or ``mqtts://…``."""
    ca_file: FilePath | None = None
    """CA certificate for an ``mqtts://`` broker; ``None``: the system's CAs."""
    discovery_prefix: TopicPart = "homeassistant"
    """Home Assistant's discovery prefix (its MQTT integration's setting)."""
    state_prefix: TopicPart = "carewatch"
    """Topics the states are published under: ``<state_prefix>/<resident id>/…``."""
    labels: dict[ResidentKey, Label] = Field(default_factory=dict)
    """Resident id to the device name shown in HA (JSON); never a real name. Default: the id."""
    poll_seconds: Annotated[PositiveFloat, Field(ge=5)] = 60.0
    client_id: TopicPart = "carewatch-ha-bridge"
