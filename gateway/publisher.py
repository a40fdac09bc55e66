"""The MQTT side: publishes outbox batches at QoS 1; deletes them once ingest has them.

With ``[outbox] confirm_by = "ingest"`` (the default) a batch leaves the outbox only
when ingest's receipt on ``…/<gateway>/acks`` says it is stored; the broker's PUBACK
just moves it to :class:`~carewatch.confirmations.Confirmations`, which decides what to
send again. With ``"broker"`` (an ingest older than receipts) the PUBACK deletes it.

paho runs its network loop in its own thread and reconnects with backoff by itself;
PUBACKs and receipts come back through callbacks onto queues, and everything else
(the outbox, the in-flight map) is touched only by the gateway's main thread, so
there is no lock to get wrong. Every publish ``rc`` is checked: a batch paho did not
accept stays in the outbox and is tried again.
"""

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import paho.mqtt.client as paho

from carewatch.confirmations import Confirmations
from carewatch.mqtt import make_client
from carewatch.protocol import (
    GatewayStatus,
    Receipt,
    acks_topic,
    encode,
    readings_topic,
    status_topic,
)
from gateway.config import GatewayConfig
from gateway.outbox import Batch, Outbox
from gateway.status import offline_status

log = logging.getLogger(__name__)
T = TypeVar("T")
_decode_receipt = msgspec.json.Decoder(Receipt).decode

# paho keeps these itself and sends them once (re)connected: the batch is in flight.
_ACCEPTED = (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN)


class Publisher:
    """Moves batches from the outbox to the broker; call :meth:`pump` from one thread."""

    def __init__(
        self,
        config: GatewayConfig,
        outbox: Outbox,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._outbox = outbox
        home, gateway = config.gateway.home, config.gateway.id
        self._readings_topic = readings_topic(home, gateway)
        self._status_topic = status_topic(home, gateway)
        self._acks_topic = acks_topic(home, gateway)
        self._by_ingest = config.outbox.confirm_by == "ingest"
        self._acks: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._receipts: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
        self._connected = threading.Event()
        self._just_connected = threading.Event()
        self._reconnected = threading.Event()  # main thread: send unconfirmed batches again
        self._inflight: dict[int, int] = {}  # paho mid -> batch seq
        self._resend: deque[Batch] = deque(outbox.unacked())  # formed before a restart
        self._unsettled = {batch.seq for batch in self._resend}  # formed, not yet confirmed
        self._waiting = Confirmations(config.outbox.confirm_timeout_s, monotonic)
        self.acked_batches = 0
        self._stopping = False
        self._client = self._make_client()

    @property
    def connected(self) -> bool:
        """Whether the broker connection is up."""
        return self._connected.is_set()

    @property
    def inflight(self) -> int:
        """Batches handed to paho and not yet acknowledged."""
        return len(self._inflight)

    def start(self) -> None:
        """Connect in the background; paho retries the first connection too."""
        self._client.connect_async(
            self._broker_host, self._broker_port, keepalive=self._config.mqtt.keepalive_s
        )
        self._client.loop_start()

    def stop(self, timeout: float = 3.0) -> None:
        """Say offline (a clean disconnect does not fire the will), then disconnect."""
        self._stopping = True
        if self.connected:
            info = self._publish_status(offline_status(self._config.gateway.id))
            try:
                info.wait_for_publish(timeout)
            except (ValueError, RuntimeError):
                log.warning("could not publish the offline status before stopping")
        self._client.disconnect()
        self._client.loop_stop()

    def take_just_connected(self) -> bool:
        """True once after each (re)connection: time to publish the online status."""
        if self._just_connected.is_set():
            self._just_connected.clear()
            return True
        return False

    def publish_status(self, status: GatewayStatus) -> None:
        """Publish a retained status (best effort: the next one replaces it anyway)."""
        self._publish_status(status)

    @property
    def unsettled(self) -> int:
        """Batches formed and not yet confirmed (in flight, waiting or to send again)."""
        return len(self._unsettled)

    def settle_acks(self) -> int:
        """Forget the batches confirmed (by ingest, or the broker); returns how many."""
        if self._reconnected.is_set():
            self._reconnected.clear()
            self._send_again(self._waiting.all_back(), "after reconnecting")
        settled = 0
        for mid in _drain(self._acks):
            seq = self._inflight.pop(mid, None)
            if seq is None or seq not in self._unsettled:
                continue  # confirmed by ingest before the broker's PUBACK was handled
            if self._by_ingest:
                self._waiting.acknowledged(seq)
            else:
                settled += self._settle([seq])
        for seqs in _drain(self._receipts):
            settled += self._settle(seqs)
            self._send_again(self._waiting.confirmed(seqs), "lost before a later one arrived")
        if (probe := self._waiting.overdue()) is not None:
            self._send_again([probe], "no receipt from ingest for a while; probing with one")
        return settled

    def has_resend(self) -> bool:
        """Whether batches formed before a restart still wait to be resent."""
        return bool(self._resend)

    def send(self, batch: Batch) -> bool:
        """Publish ``batch`` at QoS 1; False (batch kept for later) if paho refused it."""
        info = self._client.publish(self._readings_topic, batch.payload, qos=1)
        if info.rc not in _ACCEPTED:
            reason = paho.error_string(info.rc)
            log.warning("publish of seq %d refused (%s); kept", batch.seq, reason)
            return False
        self._inflight[info.mid] = batch.seq
        self._unsettled.add(batch.seq)
        return True

    def next_resend(self) -> Batch | None:
        """The oldest batch to send again (formed before a restart, or not confirmed)."""
        while self._resend:
            batch = self._resend.popleft()
            if batch.seq in self._unsettled:
                return batch
        return None

    def push_back(self, batch: Batch) -> None:
        """Return a batch paho refused to the front of the resend queue."""
        self._resend.appendleft(batch)

    def _settle(self, seqs: Iterable[int]) -> int:
        settled = 0
        for seq in seqs:
            if seq in self._unsettled:
                self._outbox.ack(seq)
                self._unsettled.discard(seq)
                settled += 1
        self.acked_batches += settled
        return settled

    def _send_again(self, seqs: list[int], why: str) -> None:
        """Queue batches ``seqs`` again, read back from the outbox (not held in memory)."""
        if seqs:
            log.info("sending %d unconfirmed batches again (%s)", len(seqs), why)
            self._resend.extend(self._outbox.batches(seqs))

    @property
    def _broker_host(self) -> str:
        return self._config.broker().host

    @property
    def _broker_port(self) -> int:
        return self._config.broker().port

    def _make_client(self) -> paho.Client:
        client = make_client(
            self._config.gateway.id,
            self._config.broker(),
            ca_file=Path(ca) if (ca := self._config.mqtt.ca_file) else None,
            persistent=True,
            max_inflight=self._config.outbox.inflight_batches + 2,  # + the status messages
        )
        will = encode(offline_status(self._config.gateway.id))
        client.will_set(self._status_topic, will, qos=1, retain=True)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish
        client.on_message = self._on_message
        return client

    def _publish_status(self, status: GatewayStatus) -> paho.MQTTMessageInfo:
        return self._client.publish(self._status_topic, encode(status), qos=1, retain=True)

    def _on_connect(self, _c: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.warning("broker refused the connection: %s", reason)
            return
        log.info("connected to %s", self._config.broker().url)
        if self._by_ingest:  # the session keeps it too; asking again costs one packet
            self._client.subscribe(self._acks_topic, qos=1)
            self._reconnected.set()
        self._connected.set()
        self._just_connected.set()

    def _on_disconnect(self, _c: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if self._connected.is_set() and not self._stopping:
            log.warning("disconnected from the broker (%s); readings wait in the outbox", reason)
        self._connected.clear()

    def _on_publish(self, _c: paho.Client, _u: Any, mid: int, _r: Any, _p: Any) -> None:
        self._acks.put(mid)

    def _on_message(self, _c: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        try:
            receipt = _decode_receipt(message.payload)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            log.warning("ignored a bad receipt on %s: %s", message.topic, error)
            return
        if message.topic != self._acks_topic or receipt.gateway != self._config.gateway.id:
            log.warning("ignored a receipt for %s on %s", receipt.gateway, message.topic)
            return
        self._receipts.put(receipt.seqs)


def _drain(source: "queue.SimpleQueue[T]") -> list[T]:
    """Everything queued so far, oldest first."""
    items: list[T] = []
    while True:
        try:
            items.append(source.get_nowait())
        except queue.Empty:
            return items
