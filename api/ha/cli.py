"""``carewatch ha-bridge``: show CareWatch residents in Home Assistant over MQTT."""

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from api.client import ApiClient
from api.ha.bridge import HaBridge
from api.ha.settings import HaBridgeSettings
from api.ha.wanted import wanted
from carewatch.mqtt import BrokerAddress, make_client
from carewatch.settings import load_settings

CONNECT_WAIT = 10.0


def ha_bridge(
    once: Annotated[bool, typer.Option(help="publish once and exit (e.g. from cron)")] = False,
) -> None:
    """Publish each granted resident's open alerts and latest summary to Home Assistant.

    Configured by CAREWATCH_HA_* environment variables (docs/home-assistant.md).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request and poll
    settings = load_settings(HaBridgeSettings)
    broker = BrokerAddress.parse(settings.broker_url)
    api = ApiClient(settings.api_url, settings.username, settings.password.get_secret_value())
    client = make_client(settings.client_id, broker, ca_file=settings.ca_file, persistent=False)
    bridge = HaBridge(
        client,
        lambda: wanted(api, settings.discovery_prefix, settings.state_prefix, settings.labels),
        settings.state_prefix,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _setter(stop))
    client.connect_async(broker.host, broker.port)
    client.loop_start()
    if not bridge.wait_connected(CONNECT_WAIT):
        typer.echo(f"ha-bridge: {broker.host}:{broker.port} not reachable yet; retrying", err=True)
    try:
        while True:
            typer.echo(f"ha-bridge: {bridge.sync()} messages published", err=True)
            if once or stop.wait(settings.poll_seconds):
                break
    finally:
        if not once:
            bridge.offline()
        client.disconnect()
        client.loop_stop()
        api.close()


def _setter(event: threading.Event) -> "signal._HANDLER":
    def handler(signum: int, frame: FrameType | None) -> None:
        event.set()

    return handler
