"""``carewatch ingest``: run the service, inspect dead letters."""

import json
import logging
import signal
import threading
from contextlib import ExitStack
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress
from carewatch.settings import load_settings
from carewatch.store import Store
from ingest.settings import IngestSettings
from ingest.state import DeadLetter, IngestState

if TYPE_CHECKING:
    from ingest.detector_sink import DetectorSink

app = typer.Typer(help="Consume gateway readings from MQTT into the store.", no_args_is_help=True)

PREVIEW_BYTES = 80


@app.command()
def run() -> None:
    """Run ingest until SIGINT or SIGTERM, then flush, acknowledge and disconnect.

    Configured by CAREWATCH_INGEST_* environment variables; with no
    CAREWATCH_INGEST_BROKER_URL an embedded MQTT broker is started.
    """
    from ingest.service import IngestService  # keeps `dead-letters` and --help light

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings(IngestSettings)
    stop = threading.Event()
    with ExitStack() as stack:
        store = _open_store(settings)
        stack.callback(store.close)
        broker = settings.broker() or _embedded_broker(settings, stack)
        sink = _detector_sink(settings)
        service = IngestService(settings, store, broker=broker, sink=sink)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _setter(stop))
        service.start()
        stack.callback(service.stop)  # checkpoints the detectors as far as the store got
        if service.http_port is not None:
            typer.echo(f"ingest: metrics and health on port {service.http_port}", err=True)
        while not stop.wait(1.0) and not service.failed:
            pass
        typer.echo("ingest: stopping (flushing buffered readings)", err=True)
    if service.failed:
        typer.echo("ingest: the writer failed (see the log above)", err=True)
        raise typer.Exit(1)


@app.command("dead-letters")
def dead_letters(
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List messages ingest set aside as invalid, with the reason."""
    settings = load_settings(IngestSettings)
    if not settings.state_path.exists():
        typer.echo(f"no dead letters: {settings.state_path} does not exist yet", err=True)
        return
    state = IngestState(settings.state_path)
    try:
        letters = state.dead_letters(limit)
        total = state.dead_letter_count()
        drops = state.drop_counts()
    finally:
        state.close()
    for letter in letters:
        typer.echo(_as_json(letter) if as_json else _as_line(letter))
    if not as_json:
        typer.echo(f"{len(letters)} of {total} dead letters shown", err=True)
    for drop in drops:  # a flooding gateway: its oldest were deleted to stay within limits
        typer.echo(
            f"dropped (oldest first, over the limits) from {drop.source!r}: {drop.letters} "
            f"dead letters, {drop.bytes / 2**20:.1f} MB, last at {_when(drop.last_at)}",
            err=True,
        )


def _open_store(settings: IngestSettings) -> Store:
    from carewatch.store.factory import open_store

    try:
        return open_store(settings.store_url)
    except ConfigError as error:
        raise ConfigError(f"CAREWATCH_INGEST_STORE_URL: {error}") from None


def _detector_sink(settings: IngestSettings) -> "DetectorSink | None":
    if not settings.detectors:
        return None
    from detectors import EngineConfig
    from detectors.config import DAY
    from ingest.detector_sink import DetectorSink

    return DetectorSink.resume(
        settings.checkpoint_path(),
        EngineConfig(learning_period=settings.detector_learning_days * DAY),
        checkpoint_every_s=settings.detector_checkpoint_every_s,
        event_time=settings.detector_event_time,
    )


def _embedded_broker(settings: IngestSettings, stack: ExitStack) -> BrokerAddress:
    from carewatch.local_broker import NOT_CRASH_SAFE, local_broker

    directory = settings.state_path.parent / "broker"
    broker = local_broker(directory, settings.embedded_broker_port, settings.embedded_broker)
    broker.start()
    stack.callback(broker.stop)
    kind = "mosquitto" if broker.crash_safe else "amqtt"
    typer.echo(f"ingest: embedded MQTT broker at {broker.url} ({kind})", err=True)
    if not broker.crash_safe:
        typer.echo(f"ingest: {NOT_CRASH_SAFE}", err=True)
    return BrokerAddress.parse(broker.url)


def _setter(event: threading.Event) -> "signal._HANDLER":
    def handler(signum: int, frame: FrameType | None) -> None:
        event.set()

    return handler


def _preview(payload: bytes) -> str:
    text = payload[:PREVIEW_BYTES].decode("utf-8", errors="replace")
    return text + ("…" if len(payload) > PREVIEW_BYTES else "")


def _when(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _as_line(letter: DeadLetter) -> str:
    preview = _preview(letter.payload)
    return f"{_when(letter.received_at)}  {letter.topic}  {letter.reason}  {preview!r}"


def _as_json(letter: DeadLetter) -> str:
    return json.dumps(
        {
            "topic": letter.topic,
            "reason": letter.reason,
            "received_at": letter.received_at,
            "bytes": len(letter.payload),
            "preview": _preview(letter.payload),
        }
    )
