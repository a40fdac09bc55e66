"""MQTT connection helper: broker URLs and consistently configured paho clients.

Every CareWatch client speaks MQTT 3.1.1 (what every broker, including the
embedded amqtt, supports), keeps a persistent session when it has a fixed id,
and reconnects by itself with backoff.
"""

import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from carewatch.errors import ConfigError

_DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


@dataclass(frozen=True)
class BrokerAddress:
    """Where a broker is and how to log in to it.

    Examples
    --------
    >>> BrokerAddress.parse("mqtts://gw-1:s3cret@broker.example:8884")
    BrokerAddress(host='broker.example', port=8884, tls=True, username='gw-1', password='***')
    >>> BrokerAddress.parse("http://localhost")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: broker URL 'http://localhost': scheme must be mqtt:// or mqtts://
    >>> BrokerAddress.parse("mqtt://gw:s3cret@b:port")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: broker URL 'mqtt://gw:***@b:port': port must be a number 1-65535
    """

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> "BrokerAddress":
        """Parse ``mqtt://[user:pass@]host[:port]`` or ``mqtts://…``; raise ConfigError."""
        parts = urlsplit(url)
        shown = _redacted(url)
        if parts.scheme not in _DEFAULT_PORTS:
            raise ConfigError(f"broker URL {shown!r}: scheme must be mqtt:// or mqtts://")
        if not parts.hostname:
            raise ConfigError(f"broker URL {shown!r}: no host")
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ConfigError(f"broker URL {shown!r}: port must be a number 1-65535") from None
        return cls(
            host=parts.hostname,
            port=port,
            tls=parts.scheme == "mqtts",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def __repr__(self) -> str:  # never print a password into a log
        secret = "'***'" if self.password else "None"
        return (
            f"BrokerAddress(host={self.host!r}, port={self.port}, tls={self.tls}, "
            f"username={self.username!r}, password={secret})"
        )

    @property
    def url(self) -> str:
        """The URL without credentials, for logs."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def _redacted(url: str) -> str:
    """``url`` with any password replaced, fit for error messages and logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def make_client(
    client_id: str,
    broker: BrokerAddress,
    *,
    ca_file: Path | None = None,
    persistent: bool = True,
    manual_ack: bool = False,
    max_inflight: int = 100,
) -> paho.Client:
    """A paho client configured the CareWatch way; call ``connect_async`` + ``loop_start``.

    ``persistent`` keeps the broker-side session (queued QoS 1 messages survive a
    disconnect) and needs a stable ``client_id``. ``manual_ack`` lets a consumer
    acknowledge a message only once it is safely stored.
    """
    client = paho.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=not persistent,
        protocol=paho.MQTTv311,
        manual_ack=manual_ack,
    )
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    if broker.tls:
        client.tls_set(ca_certs=str(ca_file) if ca_file else None)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client.max_inflight_messages_set(max_inflight)
    client.max_queued_messages_set(0)  # unbounded in paho; callers bound their own queues
    return client


def why_unreachable(address: BrokerAddress, timeout: float = 2.0) -> str:
    """Why connecting to ``address`` fails now: paho retries but keeps the reason to itself.

    >>> why_unreachable(BrokerAddress.parse("mqtt://127.0.0.1:1"))
    '[Errno 111] Connection refused'
    """
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout):
            return "the port answers, but the MQTT (or TLS) handshake failed"
    except OSError as error:
        return str(error) or type(error).__name__
