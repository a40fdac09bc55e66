"""``carewatch gateway …``: run the relay, or check a config file without running it."""

from pathlib import Path
from typing import Annotated

import typer

from gateway.service import check, serve

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
    serve(config, log_level)


@app.command("check-config")
def check_config(config: ConfigOption = Path("gateway.toml")) -> None:
    """Validate the config and its sources, print a summary, and exit."""
    typer.echo(check(config))
