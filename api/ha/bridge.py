"""Keep Home Assistant's broker in step with the API: publish what changed, retract the gone.

Every message is retained (QoS 1), so Home Assistant finds every entity and its state
when it (re)starts. A topic no longer wanted (a resident no longer granted, a figure no
longer in the summary) gets an empty retained message, which removes it from HA. The
availability topic says ``offline`` while the API cannot be read, and is the bridge's
will, so a dead bridge shows as unavailable rather than as "no alerts".
"""

import logging
import threading
from collections.abc import Callable

import paho.mqtt.client as paho

from api.ha.discovery import Topics
from carewatch.errors import RetryLater

log = logging.getLogger(__name__)
PUBLISH_TIMEOUT = 10.0
ONLINE, OFFLINE = "online", "offline"
STALE = "\0unsure"  # no payload is this: the topic is sent again (or retracted) next sync


class HaBridge:
    """Publishes ``wanted()`` to ``client`` on every :meth:`sync`."""

    def __init__(
        self, client: paho.Client, wanted: Callable[[], dict[str, str]], state_prefix: str
    ) -> None:
        self._client = client
        self._wanted = wanted
        self._availability = Topics("", state_prefix, "").availability
        self._published: dict[str, str] = {}
        self._reconnected = threading.Event()
        self._connected = threading.Event()
        client.will_set(self._availability, OFFLINE, qos=1, retain=True)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect

    def sync(self) -> int:
        """Read the API and publish what changed; the number of messages sent."""
        try:
            wanted = self._wanted()
        except RetryLater as error:
            log.warning("cannot read the API, entities shown unavailable: %s", error)
            self._send({self._availability: OFFLINE})
            return 1
        if self._reconnected.is_set():  # the broker may have lost what it held
            self._reconnected.clear()
            self._forget()
        gone = {topic: "" for topic in self._published if topic not in wanted}
        changed = {t: p for t, p in wanted.items() if self._published.get(t) != p}
        self._published = {**self._published, **wanted}
        if self._send({**gone, **changed, self._availability: ONLINE}):
            self._published = wanted
        else:
            self._forget()
        return len(gone) + len(changed) + 1

    def offline(self) -> None:
        """Say the bridge has stopped (a clean disconnect does not send the will)."""
        self._send({self._availability: OFFLINE})
        self._forget()

    def _forget(self) -> None:
        """Publish everything again next time, retracting what is no longer wanted."""
        self._published = dict.fromkeys(self._published, STALE)

    def _send(self, messages: dict[str, str]) -> bool:
        infos = [self._client.publish(t, p, qos=1, retain=True) for t, p in messages.items()]
        if all([_taken(info) for info in infos]):  # a list: wait for every one
            return True
        log.warning("the broker did not take every message; all are sent again next time")
        return False

    def wait_connected(self, timeout: float) -> bool:
        """Wait until the client is connected (the first sync then needs no second try)."""
        return self._connected.wait(timeout)

    def _on_connect(self, *_args: object) -> None:
        self._connected.set()
        self._reconnected.set()

    def _on_disconnect(self, *_args: object) -> None:
        self._connected.clear()


def _taken(info: paho.MQTTMessageInfo) -> bool:
    """Whether the broker took the message (waiting a while); not connected: no."""
    if info.rc != paho.MQTT_ERR_SUCCESS:  # queued while disconnected: not waited for
        return False
    try:
        info.wait_for_publish(PUBLISH_TIMEOUT)
        return info.is_published()
    except (RuntimeError, ValueError):  # the connection dropped meanwhile
        return False
