"""Alerts and summaries reach the API even through a broker crash: kept until confirmed.

Each message is written to ingest's state file (:class:`~ingest.output_outbox.OutputOutbox`)
before it is published, and deleted when the API's receipt on ``…/<home>/receipts``
names its digest. Until then it is sent again by the gateways' rules
(:class:`~carewatch.confirmations.Confirmations`): all after a reconnection, those sent
before a confirmed one, and the oldest as a probe when no receipt comes for a while.
The API stores repeats once, and confirms them again.

The detector thread sends, the writer polls; paho's thread brings receipts and reconnections. A
lock guards the table and the rules, and publishing happens outside it: paho takes its
own locks to publish, and holds one while it calls us back.
"""

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence

from carewatch.confirmations import Confirmations
from carewatch.protocol import (
    Alert,
    OutputReceipt,
    ProtocolError,
    alerts_topic,
    decode,
    encode,
    summaries_topic,
)
from ingest.metrics import IngestMetrics
from ingest.output_outbox import Message, OutputOutbox
from ingest.sink import Output

log = logging.getLogger(__name__)


class Deliveries:
    """Publishes outputs and sends them again until the API confirms them."""

    def __init__(
        self,
        outbox: OutputOutbox,
        publish: Callable[[str, bytes], None],
        metrics: IngestMetrics,
        *,
        timeout_s: float,
        monotonic: Callable[[], float],
    ) -> None:
        self._outbox = outbox
        self._publish = publish
        self._metrics = metrics
        self._lock = threading.Lock()
        self._waiting = Confirmations(timeout_s, monotonic)
        for id_ in outbox.ids():  # from before a restart: sent again once connected
            self._waiting.acknowledged(id_)
        metrics.outputs_unconfirmed.set_function(lambda: outbox.size()[0])
        metrics.outputs_unconfirmed_bytes.set_function(lambda: outbox.size()[1])

    def send(self, outputs: Sequence[Output]) -> None:
        """Keep each output, then publish it (at QoS 1, on its home's topic)."""
        messages = [_message(output) for output in outputs]
        with self._lock:
            self._keep(messages)
        for topic, payload, _ in messages:
            self._publish(topic, payload)
            self._metrics.outputs_published.inc()

    def receipt(self, payload: bytes) -> None:
        """The API's receipt: forget what it names, send again what went before."""
        try:
            receipt = decode(payload, OutputReceipt)
        except ProtocolError as error:
            log.warning("ignored a malformed receipt from the API: %s", error)
            return
        with self._lock:
            confirmed = self._outbox.confirm(receipt.digests)
            lost = self._waiting.confirmed(confirmed)
        self._again(lost)

    def reconnected(self) -> None:
        """Send everything unconfirmed again: the broker may have lost it."""
        with self._lock:
            ids = self._waiting.all_back()
        self._again(ids)

    def poll(self) -> None:
        """Send the oldest again as a probe if no receipt came for the current wait."""
        with self._lock:
            probe = self._waiting.overdue()
        if probe is not None:
            self._again([probe])

    def _again(self, ids: list[int]) -> None:
        if not ids:
            return
        with self._lock:
            messages = self._outbox.messages(ids)
            for id_, _, _ in messages:
                self._waiting.acknowledged(id_)
        for _, topic, payload in messages:
            self._publish(topic, payload)
        self._metrics.outputs_resent.inc(len(messages))

    def _keep(self, messages: list[Message]) -> None:
        try:
            added = self._outbox.add(messages)
        except sqlite3.Error:  # disk full, say: publish them all the same, once, and say so
            log.exception(
                "could not keep %d alerts or summaries until the API confirms them", len(messages)
            )
            self._metrics.outputs_dropped.inc(len(messages))
            return
        dropped = {id_ for one in added for id_ in one.dropped}
        for one in added:
            self._waiting.forget([*one.superseded, *one.dropped])
            if one.id is not None and one.id not in dropped:
                self._waiting.acknowledged(one.id)
        if dropped:
            self._dropped(len(dropped))

    def _dropped(self, count: int) -> None:
        self._metrics.outputs_dropped.inc(count)
        kept, size = self._outbox.size()
        log.error(
            "gave up %d unconfirmed alert or summary messages (published, never confirmed by "
            "the API) to stay within CAREWATCH_INGEST_UNCONFIRMED_OUTPUTS[_MB] (%d kept, %d bytes)",
            count, kept, size,
        )  # fmt: skip


def _message(output: Output) -> Message:
    topic = (alerts_topic if isinstance(output, Alert) else summaries_topic)(output.home)
    return Message(topic, encode(output), f"{topic} {_key(output)}")


def _key(output: Output) -> str:
    """What the API stores one row per: a newer message with the same key replaces it.

    >>> from carewatch.protocol import DailySummary
    >>> _key(DailySummary("h-1", "2026-01-05", 1.5, 6, 4, 1, 120.0, resident="r-1"))
    'summary 2026-01-05 r-1'
    """
    if isinstance(output, Alert):
        return f"alert {output.kind} {output.start!r} {output.resident or ''}"
    return f"summary {output.date} {output.resident or ''}"
