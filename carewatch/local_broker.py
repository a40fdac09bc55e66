"""The broker on this machine when no broker URL is configured: Mosquitto, else amqtt.

Mosquitto (a child process, :mod:`carewatch.mosquitto_child`) keeps unacknowledged
QoS 1 messages through a consumer's crash and saves its queue; amqtt
(:mod:`carewatch.embedded_broker`) needs nothing installed but drops them (D23), so
it is for demos only and says so.
"""

from pathlib import Path
from typing import Final, Literal, Protocol

from carewatch.mosquitto_child import MosquittoChild, mosquitto_binary

BrokerChoice = Literal["auto", "mosquitto", "amqtt"]
NOT_CRASH_SAFE: Final = (
    "WARNING: the embedded amqtt broker is for demos only and not crash-safe: it drops "
    "messages not yet acknowledged when a consumer crashes. Install mosquitto "
    "(apt-get install mosquitto) for the embedded broker, or set a broker URL."
)


class LocalBroker(Protocol):
    """What ingest and the demo need of a broker they run themselves."""

    crash_safe: bool

    @property
    def url(self) -> str: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


def local_broker(directory: Path, port: int, choice: BrokerChoice = "auto") -> LocalBroker:
    """Mosquitto (its files in ``directory``) if installed or asked for, else amqtt.

    ``choice="mosquitto"`` raises ConfigError when it is not installed; ``port`` 0
    picks a free port.
    """
    if choice == "mosquitto" or (choice == "auto" and mosquitto_binary() is not None):
        return MosquittoChild(directory, port=port)
    from carewatch.embedded_broker import EmbeddedBroker  # amqtt loads only when used

    return EmbeddedBroker(port=port)
