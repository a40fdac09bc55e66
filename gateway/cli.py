"""``carewatch gateway …``: run the relay, or check a config file without running it."""

import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from carewatch.errors import BadData, ConfigError
from gateway.config import load_config
from gateway.runtime import Gateway

app = typer.Typer(
    name="gateway",
    help="The in-home relay: sensors -> durable outbox -> MQTT.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="gateway.toml", envvar="CAREWATCH_GATEWAY_CONFIG")
]


@app.command()
def run(
    config: ConfigOption = Path("gateway.toml"),
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING")] = "INFO",
) -> None:
    """Relay readings until SIGTERM/SIGINT; nothing is lost if killed."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    settings = load_config(config)
    gateway = Gateway(settings, file=config.name)
    try:
        sources = gateway.build_sources()
    except BaseException:
        gateway.outbox.close()
        raise
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    gateway.run(sources, stop)


@app.command("check-config")
def check_config(config: ConfigOption = Path("gateway.toml")) -> None:
    """Validate the config and its sources, print a summary, and exit."""
    settings = load_config(config)
    gateway = Gateway(settings, file=config.name)
    try:
        sources = gateway.build_sources()
    finally:
        gateway.outbox.close()
    names = ", ".join(source.name for source in sources)
    typer.echo(
        f"{config}: gateway {settings.gateway.id} of home {settings.gateway.home}, "
        f"broker {settings.broker().url}, sources: {names}"
    )


def main() -> None:
    """``python -m gateway``: errors a person can act on, not tracebacks."""
    try:
        app(standalone_mode=True)
    except (ConfigError, BadData) as error:
        typer.echo(f"gateway: {error}", err=True)
        sys.exit(2)
