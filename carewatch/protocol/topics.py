"""The v1 MQTT topic tree: builders, subscriptions and a strict parser.

``carewatch/v1/<home>/<gateway>/readings``  QoS 1, not retained, batched
``carewatch/v1/<home>/<gateway>/status``    QoS 1, retained; the will sets it offline
``carewatch/v1/<home>/<gateway>/acks``      QoS 1, ingest's receipts to that gateway
``carewatch/v1/<home>/alerts``              QoS 1, published by ingest
``carewatch/v1/<home>/summaries``           QoS 1, daily summaries published by ingest
``carewatch/v1/<home>/receipts``            QoS 1, the API's receipts for both to ingest
``carewatch/v1/<home>/policy``              QoS 1, retained; the API's collection policy (D107)
"""

import re
from functools import lru_cache
from typing import Final, Literal, NamedTuple

from carewatch.protocol.codec import ProtocolError

PREFIX: Final = "carewatch/v1"
READINGS_SUBSCRIPTION: Final = f"{PREFIX}/+/+/readings"
STATUS_SUBSCRIPTION: Final = f"{PREFIX}/+/+/status"
ALERTS_SUBSCRIPTION: Final = f"{PREFIX}/+/alerts"
SUMMARIES_SUBSCRIPTION: Final = f"{PREFIX}/+/summaries"
RECEIPTS_SUBSCRIPTION: Final = f"{PREFIX}/+/receipts"
POLICY_SUBSCRIPTION: Final = f"{PREFIX}/+/policy"

Channel = Literal["readings", "status", "alerts", "summaries", "receipts", "policy"]
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # fullmatch: "home-1\n" is not a home
_GATEWAY_CHANNELS: Final = ("readings", "status")
_HOME_CHANNELS: Final = ("alerts", "summaries", "receipts", "policy")


class Topic(NamedTuple):
    """A parsed topic; ``gateway`` is ``None`` on home-level channels."""

    home: str
    gateway: str | None
    channel: Channel


def readings_topic(home: str, gateway: str) -> str:
    """Topic a gateway publishes readings batches to.

    >>> readings_topic("home-1", "gw-1")
    'carewatch/v1/home-1/gw-1/readings'
    """
    return f"{PREFIX}/{_checked(home, 'home')}/{_checked(gateway, 'gateway')}/readings"


def status_topic(home: str, gateway: str) -> str:
    """Retained topic carrying a gateway's status."""
    return f"{PREFIX}/{_checked(home, 'home')}/{_checked(gateway, 'gateway')}/status"


def acks_topic(home: str, gateway: str) -> str:
    """Topic ingest confirms stored readings messages on; only that gateway reads it.

    >>> acks_topic("home-1", "gw-1")
    'carewatch/v1/home-1/gw-1/acks'
    """
    return f"{PREFIX}/{_checked(home, 'home')}/{_checked(gateway, 'gateway')}/acks"


def alerts_topic(home: str) -> str:
    """Topic ingest publishes a home's alerts to."""
    return f"{PREFIX}/{_checked(home, 'home')}/alerts"


def summaries_topic(home: str) -> str:
    """Topic ingest publishes a home's daily summaries to."""
    return f"{PREFIX}/{_checked(home, 'home')}/summaries"


def receipts_topic(home: str) -> str:
    """Topic the API confirms a home's stored alerts and summaries on; ingest reads it.

    >>> receipts_topic("home-1")
    'carewatch/v1/home-1/receipts'
    """
    return f"{PREFIX}/{_checked(home, 'home')}/receipts"


def policy_topic(home: str) -> str:
    """Retained topic of a home's collection policy; the API writes it, ingest reads it.

    >>> policy_topic("home-1")
    'carewatch/v1/home-1/policy'
    """
    return f"{PREFIX}/{_checked(home, 'home')}/policy"


@lru_cache(maxsize=16_384)  # ingest parses the same few topics (one per gateway) over and over
def parse_topic(topic: str) -> Topic:
    """Split a v1 topic into its parts or raise :class:`ProtocolError`.

    >>> parse_topic("carewatch/v1/home-1/gw-1/readings")
    Topic(home='home-1', gateway='gw-1', channel='readings')
    >>> parse_topic("carewatch/v1/Mrs-Smith/alerts")
    Traceback (most recent call last):
    ...
    carewatch.protocol.codec.ProtocolError: topic: home 'Mrs-Smith' must match [a-z0-9-]
    """
    parts = topic.split("/")
    if len(parts) < 4 or "/".join(parts[:2]) != PREFIX:
        raise ProtocolError("topic", f"{topic!r} is not under {PREFIX}/")
    home = _checked(parts[2], "home")
    if len(parts) == 4 and parts[3] in _HOME_CHANNELS:
        return Topic(home, None, parts[3])  # type: ignore[arg-type]
    if len(parts) == 5 and parts[4] in _GATEWAY_CHANNELS:
        return Topic(home, _checked(parts[3], "gateway"), parts[4])  # type: ignore[arg-type]
    raise ProtocolError(
        "topic",
        f"{topic!r} is not a v1 readings, status, alerts, summaries, receipts or policy topic",
    )


def _checked(value: str, what: str) -> str:
    if not _ID.fullmatch(value):
        raise ProtocolError("topic", f"{what} {value!r} must match [a-z0-9-]")
    return value
