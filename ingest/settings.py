"""Ingest's settings, read from ``CAREWATCH_INGEST_…`` environment variables."""

from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, FilePath, PositiveFloat, PositiveInt, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from carewatch.errors import ConfigError
from carewatch.local_broker import BrokerChoice
from carewatch.mqtt import BrokerAddress
from carewatch.protocol import Kind
from carewatch.retention import Duration
from carewatch.settings import CareWatchSettings
from ingest.consent import ConsentDefault
from ingest.dead_letters import DeadLetterLimits
from ingest.output_outbox import OutputLimits

Port = Annotated[int, Field(ge=0, le=65535)]


class IngestSettings(CareWatchSettings):
    """How ingest connects, batches, buffers and reports.

    Examples
    --------
    >>> from carewatch.settings import load_settings
    >>> load_settings(IngestSettings, batch_size=0)
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: CAREWATCH_INGEST_BATCH_SIZE: Input should be greater \
than 0 (got 0)
    >>> load_settings(IngestSettings, broker_url="http://x")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: CAREWATCH_INGEST_BROKER_URL: Value error, broker URL \
'http://x': scheme must be mqtt:// or mqtts://
    """

    model_config = SettingsConfigDict(
        env_prefix="CAREWATCH_INGEST_", extra="ignore", frozen=True, env_parse_none_str="off"
    )

    broker_url: str | None = None
    """``mqtt://user:pass@host:port`` or ``mqtts://…``; unset starts the embedded broker."""
    ca_file: FilePath | None = None
    """CA certificate for ``mqtts://`` brokers with a private CA."""
    client_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")] = (
        "carewatch-ingest"
    )
    """Fixed, so the broker keeps ingest's session (and its unacknowledged messages)."""
    embedded_broker_port: Port = 1883
    """Port of the embedded broker when no ``broker_url`` is set."""
    embedded_broker: BrokerChoice = "auto"
    """Which embedded broker: ``mosquitto`` (a child process, crash-safe; ``auto`` picks
    it when installed) or ``amqtt`` (in-process, demos only). Its files go in a ``broker``
    directory beside ``state_path``."""
    store_url: str | None = None
    """``sqlite:///path`` or ``influxdb://…`` (carewatch.store); unset: the default SQLite file."""
    batch_size: PositiveInt = 20_000
    """Readings written to the store in one go (InfluxDB takes 20 000 half again as fast
    per reading as 5 000; a batch not full is written at ``batch_max_age_s`` anyway)."""
    batch_max_age_s: PositiveFloat = 1.0
    """A batch not full after this long is written anyway."""
    buffer_limit: PositiveInt = 100_000
    """Readings held in memory (e.g. while the store is down) before consuming pauses; at
    least three batches, so decoding goes on while two batches are being written."""
    state_path: Path = Path("carewatch-data/ingest.db")
    """SQLite file for dead letters and per-gateway sequence numbers."""
    dead_letters_per_gateway: PositiveInt = 1_000
    """Dead letters kept per gateway (``home/gateway`` of the topic); the oldest go first."""
    dead_letter_mb_per_gateway: PositiveFloat = 16.0
    """Megabytes of dead letters kept per gateway."""
    dead_letters_total: PositiveInt = 20_000
    """Dead letters kept from all gateways together."""
    dead_letter_mb_total: PositiveFloat = 256.0
    """Megabytes of dead letters kept from all gateways together."""
    dead_letter_buffer_mb: PositiveFloat = 16.0
    """Megabytes of dead letters held in memory before they are written; consuming pauses
    beyond it, as for readings (``buffer_limit``)."""
    output_confirm_timeout_s: PositiveFloat = 60.0
    """How long an alert or summary waits for the API's receipt before the oldest is sent
    again as a probe (the wait then doubles up to 10 min while the API stays silent)."""
    unconfirmed_outputs: PositiveInt = 100_000
    """Alerts and summaries kept until the API confirms them; beyond it the oldest are
    given up (logged, counted in ``carewatch_ingest_outputs_dropped_total``)."""
    unconfirmed_outputs_mb: PositiveFloat = 64.0
    """Megabytes of alerts and summaries kept until the API confirms them."""
    http_host: str = "127.0.0.1"
    http_port: Port | None = 9108
    """``/metrics`` and ``/health``; 0 picks a free port, ``off`` disables."""
    tick_interval_s: PositiveFloat = 60.0
    """How often the sink's ``tick`` runs (event detectors that need time to pass)."""
    retry_max_wait_s: PositiveFloat = 5.0
    """Longest pause between attempts to write to a store that is down."""
    detectors: bool = True
    """Run the detectors on stored readings and publish their alerts and daily summaries."""
    detector_learning_days: Annotated[float, Field(ge=1, le=90)] = 14.0
    """Days a home is watched before routine alerts (dehydration, wandering, inactivity)."""
    detector_event_time: bool = False
    """Tick the detectors with the newest reading's time, not the clock (replays, demos)."""
    detector_checkpoint_path: Path | None = None
    """The detectors' learnt baselines, so a restart does not forget them; unset: beside
    ``state_path``."""
    detector_checkpoint_every_s: PositiveFloat = 300.0
    """How often the checkpoint is written (and always on a clean stop)."""

    consent_default: ConsentDefault = "collect"
    """Readings of a home whose consent policy ingest has not heard from the API (D107):
    ``collect`` them, or ``withhold`` them (dropped, counted) when the API publishes every
    home's policy before its gateway gets a login."""
    retention_readings: Duration | None = None
    """How long readings are kept (``400d``; a number is seconds); unset or ``off``: for
    ever. Enforced in the store by a job every ``retention_every`` (D108)."""
    retention_readings_by_kind: dict[Kind, Duration] = Field(default_factory=dict)
    """Per sensor kind, overriding ``retention_readings``: JSON such as
    ``{"heart_rate": "30d", "motion": "90d"}``."""
    retention_dead_letters: Duration | None = None
    """How long dead letters are kept (they also stay within the count and size bounds)."""
    retention_every: Duration = 3600.0
    """How often the retention job runs."""

    @field_validator("broker_url")
    @classmethod
    def _broker_url_parses(cls, url: str | None) -> str | None:
        if url is not None:
            try:
                BrokerAddress.parse(url)
            except ConfigError as error:
                raise ValueError(str(error)) from None
        return url

    @model_validator(mode="after")
    def _buffer_holds_a_batch(self) -> Self:
        if self.buffer_limit < self.batch_size:
            raise ValueError(
                f"CAREWATCH_INGEST_BUFFER_LIMIT ({self.buffer_limit}) must be at least "
                f"CAREWATCH_INGEST_BATCH_SIZE ({self.batch_size})"
            )
        return self

    @model_validator(mode="after")
    def _gateway_share_fits_the_total(self) -> Self:
        if self.dead_letters_per_gateway > self.dead_letters_total:
            raise ValueError(
                f"CAREWATCH_INGEST_DEAD_LETTERS_PER_GATEWAY ({self.dead_letters_per_gateway}) "
                f"must be at most CAREWATCH_INGEST_DEAD_LETTERS_TOTAL ({self.dead_letters_total})"
            )
        if self.dead_letter_mb_per_gateway > self.dead_letter_mb_total:
            raise ValueError(
                "CAREWATCH_INGEST_DEAD_LETTER_MB_PER_GATEWAY must be at most "
                "CAREWATCH_INGEST_DEAD_LETTER_MB_TOTAL"
            )
        return self

    def dead_letter_limits(self) -> DeadLetterLimits:
        """The dead-letter bounds in counts and bytes."""
        return DeadLetterLimits(
            per_gateway=self.dead_letters_per_gateway,
            per_gateway_bytes=round(self.dead_letter_mb_per_gateway * 2**20),
            total=self.dead_letters_total,
            total_bytes=round(self.dead_letter_mb_total * 2**20),
        )

    def output_limits(self) -> OutputLimits:
        """The bounds on unconfirmed alerts and summaries in counts and bytes."""
        return OutputLimits(self.unconfirmed_outputs, round(self.unconfirmed_outputs_mb * 2**20))

    def consent_path(self) -> Path:
        """Where the consent policies heard are kept, beside the state file."""
        return self.state_path.with_name("consent.json")

    def checkpoint_path(self) -> Path:
        """Where the detectors' checkpoint lives (by default beside the state file)."""
        return self.detector_checkpoint_path or self.state_path.with_name("detectors.ckpt")

    def broker(self) -> BrokerAddress | None:
        """The configured broker, or ``None`` for the embedded one."""
        return BrokerAddress.parse(self.broker_url) if self.broker_url else None
