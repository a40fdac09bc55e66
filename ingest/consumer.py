"""Turns each MQTT message into batch entries: readings, a status, or a dead letter.

Runs on paho's network thread, so decoding overlaps the writer's store writes.
Every message ends up in a batch with its acknowledgement, so messages are
acknowledged in the order they arrived, and only once the batch is durable.
"""

import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import msgspec

from carewatch.clock import Clock
from carewatch.protocol import GatewayStatus, ProtocolError, Reading, Topic, decode, parse_topic
from carewatch.protocol.codec import decode_readings
from ingest.batcher import Ack, Batcher, StatusEvent
from ingest.consent import ConsentGate
from ingest.dead_letters import MAX_SOURCES, source_of
from ingest.gateways import GatewayBoard
from ingest.metrics import IngestMetrics
from ingest.sequences import GatewayKey, SequenceTracker, Verdict
from ingest.state import DeadLetter

log = logging.getLogger(__name__)
DEAD_LOG_EVERY_S = 10.0  # per gateway: a flood must not flood the log too (all are counted)


class Listener(Protocol):
    """Who hears accepted messages at once, before storage (the detector thread)."""

    def readings(self, index: int, home: str, readings: Sequence[Reading]) -> None: ...

    def status(self, index: int, event: StatusEvent) -> None: ...


class Consumer:
    """Decodes, validates and sorts messages into the batcher (and to ``listener``)."""

    def __init__(
        self,
        batcher: Batcher,
        tracker: SequenceTracker,
        gateways: GatewayBoard,
        metrics: IngestMetrics,
        clock: Clock,
        listener: Listener | None = None,
        consent: ConsentGate | None = None,
    ) -> None:
        self._batcher = batcher
        self._listener = listener
        self._consent = consent  # drops the streams nobody agreed to be collected (D107)
        self._tracker = tracker
        self._gateways = gateways
        self._metrics = metrics
        self._clock = clock
        self._readings_messages = metrics.messages_received.labels("readings")
        self._status_messages = metrics.messages_received.labels("status")
        self._other_messages = metrics.messages_received.labels("other")
        self._dead_logged: OrderedDict[str, float] = OrderedDict()

    def handle(self, topic: str, payload: bytes, ack: Ack) -> None:
        """Handle one message; never raises for any topic or bytes."""
        received_at = self._clock()
        try:
            parsed = parse_topic(topic)
            if parsed.channel == "readings":
                self._readings_messages.inc()
                self._readings(parsed, payload, ack, received_at)
            elif parsed.channel == "status":
                self._status_messages.inc()
                self._status(parsed, payload, ack, received_at)
            else:
                raise ProtocolError("topic", f"ingest does not consume {parsed.channel}")
        except ProtocolError as error:
            self._dead(topic, payload, str(error), ack, received_at)
        except Exception as error:  # a bug must not lose the message nor stop consuming
            log.exception("failed on a message from %s; dead-lettering it", topic)
            self._dead(topic, payload, f"ingest failed on it: {error!r}", ack, received_at)

    def _readings(self, topic: Topic, payload: bytes, ack: Ack, received_at: float) -> None:
        message = decode_readings(payload, clock=self._clock)
        if message.gateway != topic.gateway:
            raise ProtocolError("gateway", _mismatch(topic, message.gateway))
        key = (topic.home, message.gateway)
        seen = self._tracker.observe(key, message.seq)
        if seen.verdict is Verdict.DUPLICATE:
            # Written again all the same (the store is idempotent): a gateway whose
            # numbering restarted, or a message older than the first one we saw,
            # would otherwise be lost.
            self._metrics.duplicate_messages.inc()
        elif seen.gap is not None:
            low, high = seen.gap
            self._metrics.missing_messages.inc(high - low + 1)
            log.warning("gateway %s/%s: messages %d..%d missing", *key, low, high)
        elif seen.verdict is Verdict.LATE:
            self._metrics.late_messages.inc()
        self._metrics.readings_received.inc(len(message.readings))
        kept: Sequence[Reading] = message.readings
        if self._consent is not None:  # withheld: counted, acknowledged, never stored or judged
            kept = self._consent.keep(topic.home, kept)
        readings = (topic.home, kept)  # records are built only if a sink wants them
        index = self._batcher.add(
            ack=ack, readings=readings, sequence=(key, seen.state), receipt=(key, message.seq)
        )
        if self._listener is not None and kept:
            self._listener.readings(index, topic.home, kept)

    def _status(self, topic: Topic, payload: bytes, ack: Ack, received_at: float) -> None:
        assert topic.gateway is not None  # parse_topic guarantees it on status topics
        key = (topic.home, topic.gateway)
        if not payload:  # a cleared retained status: the gateway was retired
            self._gateways.forget(key)
            self._batcher.add(ack=ack)
            return
        status = decode(payload, GatewayStatus, clock=self._clock)
        if status.gateway != topic.gateway:
            raise ProtocolError("gateway", _mismatch(topic, status.gateway))
        self._gateways.update(key, status, received_at)
        event = StatusEvent(topic.home, status, received_at)
        index = self._batcher.add(ack=ack)  # the status itself goes to the listener only
        if self._listener is not None:
            self._listener.status(index, event)

    def _dead(self, topic: str, payload: bytes, reason: str, ack: Ack, received_at: float) -> None:
        source = source_of(topic)
        last = self._dead_logged.pop(source, None)
        if last is None or received_at - last >= DEAD_LOG_EVERY_S:
            log.info("dead letter from %r: %s (at most one logged per 10 s)", topic, reason)
            last = received_at
        self._dead_logged[source] = last
        if len(self._dead_logged) > MAX_SOURCES:
            self._dead_logged.popitem(last=False)
        letter = DeadLetter(topic, payload, reason, received_at)
        self._batcher.add(ack=ack, dead_letter=letter, receipt=refused_receipt(topic, payload))


class _Header(msgspec.Struct):
    """The numbering of a readings message, read even when the rest is refused."""

    gateway: str
    seq: int


def refused_receipt(topic: str, payload: bytes) -> tuple[GatewayKey, int] | None:
    """Whom to confirm a dead-lettered readings message to, if it says.

    Kept as a dead letter, the message is settled: its gateway must stop re-sending it,
    or one refused batch would come back forever.

    >>> refused_receipt("carewatch/v1/h-1/gw-1/readings", b'{"gateway":"gw-1","seq":4,"x":0}')
    (('h-1', 'gw-1'), 4)
    >>> refused_receipt("carewatch/v1/h-1/gw-1/readings", b'{"gateway":"gw-2","seq":4}') is None
    True
    """
    try:
        parsed = parse_topic(topic)
        header = _HEADER(payload)
    except (ProtocolError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if parsed.channel != "readings" or header.gateway != parsed.gateway or header.seq < 0:
        return None
    return (parsed.home, header.gateway), header.seq


_HEADER = msgspec.json.Decoder(_Header).decode


def _mismatch(topic: Topic, gateway: str) -> str:
    return f"payload gateway {gateway!r} differs from topic gateway {topic.gateway!r}"
