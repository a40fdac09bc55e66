"""An MQTT broker inside the process (amqtt), so one machine needs nothing installed.

Used by ``carewatch ingest run`` and the demo when no broker URL is configured and
Mosquitto is not installed (:mod:`carewatch.local_broker`): it drops unacknowledged
QoS 1 messages when a consumer crashes, so it is for demos only.
It runs amqtt's asyncio broker on its own event loop in a background thread, so
synchronous code (paho clients, ingest) can use it like any other broker. It
listens on loopback by default and lets anyone on that interface connect: it is
for a single machine, not a deployment (use Mosquitto there; see deploy/).
Sessions and queued messages live in memory and are lost when it stops.
"""

import asyncio
import logging
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from amqtt.broker import Broker
from amqtt.plugins.base import BaseAuthPlugin
from amqtt.session import Session

from carewatch.errors import ConfigError

_START_TIMEOUT_S = 10.0


class EmbeddedBroker:
    """amqtt on ``host:port`` in a background thread; ``start()``/``stop()`` or ``with``.

    Parameters
    ----------
    host
        Interface to listen on; loopback by default.
    port
        TCP port; ``0`` picks a free one (read it back from :attr:`port` or :attr:`url`).

    Examples
    --------
    >>> with EmbeddedBroker(port=0) as broker:
    ...     broker.url.startswith("mqtt://127.0.0.1:")
    True
    """

    crash_safe = False  # drops unacknowledged QoS 1 messages (D23)

    def __init__(self, host: str = "127.0.0.1", port: int = 1883) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._broker: Any = None  # amqtt.broker.Broker (amqtt is untyped)

    @property
    def url(self) -> str:
        """``mqtt://host:port``, for :func:`carewatch.mqtt.BrokerAddress.parse`."""
        return f"mqtt://{self.host}:{self.port}"

    def start(self) -> None:
        """Listen; returns once clients can connect. Raises ConfigError if the port is taken."""
        if self._thread is not None:
            return
        loop = asyncio.new_event_loop()
        thread = threading.Thread(
            target=_run_forever, args=(loop,), name="embedded-mqtt-broker", daemon=True
        )
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            asyncio.run_coroutine_threadsafe(self._serve(), loop).result(_START_TIMEOUT_S)
        except Exception as error:
            self._halt_loop()
            raise ConfigError(
                f"embedded MQTT broker cannot listen on {self.host}:{self.port}: {error}; "
                "choose a free port or configure an external broker URL"
            ) from error

    def stop(self) -> None:
        """Disconnect every client and stop listening; safe to call twice."""
        if self._loop is None:
            return
        if self._broker is not None:
            future = asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop)
            try:
                future.result(_START_TIMEOUT_S)
            except Exception:  # stopping anyway; a broker mid-shutdown has nothing left to save
                logging.getLogger(__name__).exception("embedded broker did not shut down cleanly")
            self._broker = None
        self._halt_loop()

    def __enter__(self) -> "EmbeddedBroker":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def _serve(self) -> None:
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            # only what a local broker needs: no $SYS topics, no per-packet logging
            "plugins": {f"{__name__}.LocalClientsAuthPlugin": {}},
        }
        broker = Broker(config)
        await broker.start()
        self._broker = broker

    def _halt_loop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_START_TIMEOUT_S)
            self._loop.close()
        self._loop, self._thread = None, None


class LocalClientsAuthPlugin(BaseAuthPlugin):  # type: ignore[misc]
    """Accept every client as a known local one.

    amqtt's AnonymousAuthPlugin marks clients anonymous, and amqtt neither queues
    QoS 1 messages for an anonymous client that is away nor keeps its session, so
    ingest's persistent session would lose what arrives while it restarts. This
    broker listens on loopback for the machine's own services, which it trusts.
    """

    @dataclass
    class Config:
        """No options (a dataclass tells amqtt not to look for a legacy 'auth' section)."""

    async def authenticate(self, *, session: Session) -> bool:
        session.is_anonymous = False
        return True


def _run_forever(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    loop.run_forever()


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
