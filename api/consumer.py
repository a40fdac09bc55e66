"""Consuming alerts and daily summaries from MQTT into the database.

A persistent session (fixed client id, QoS 1, manual acknowledgement) means
nothing published while the API was down is lost, and a message is acknowledged
only once it is stored. Redeliveries are recognised by (home, kind, start,
resident) and stored once. A malformed message is logged, counted and dropped.

Every message stored (or recognised as a repeat) is confirmed to ingest on
``carewatch/v1/<home>/receipts`` by its digest, before it is acknowledged to the broker:
ingest keeps each alert and summary and sends it again until then, so a broker crash
that loses the queue loses nothing (D85). A malformed one is not confirmed.
"""

import logging
from collections.abc import Callable
from typing import Any

import msgspec
import paho.mqtt.client as paho
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from api.escalation import Escalator
from api.events import Change, EventHub
from api.metrics import ApiMetrics
from api.models import AlertRow, Home, SummaryRow
from carewatch.clock import Clock
from carewatch.errors import BadData, RetryLater
from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import (
    ALERTS_SUBSCRIPTION,
    SUMMARIES_SUBSCRIPTION,
    Alert,
    DailySummary,
    OutputReceipt,
    decode,
    encode,
    output_digest,
    parse_topic,
    receipts_topic,
)

log = logging.getLogger(__name__)


class Ingestor:
    """Stores decoded alerts and summaries; independent of MQTT so it is easy to reason about."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        escalator: Escalator,
        hub: EventHub,
        metrics: ApiMetrics,
        clock: Clock,
    ) -> None:
        self._sessions = sessions
        self._escalator = escalator
        self.after_store: Callable[[], object] = escalator.tick
        """Called after a new alert is stored: its first step is usually due at once. The
        service points this at a wake-up of the escalation thread, so a slow notification
        channel never holds up the MQTT thread; tests leave it synchronous."""
        self._hub = hub
        self._metrics = metrics
        self._clock = clock

    def handle(self, topic: str, payload: bytes) -> str:
        """Store one message; returns ``stored``, ``duplicate`` or ``malformed``.

        Raises :class:`RetryLater` when the database is unavailable (do not acknowledge).
        """
        try:
            where = parse_topic(topic)
            if where.channel == "alerts":
                outcome = self._alert(where.home, decode(payload, Alert, clock=self._clock))
            else:
                summary = decode(payload, DailySummary, clock=self._clock)
                outcome = self._summary(where.home, summary)
        except BadData as error:
            log.warning("dropped malformed message on %s: %s", topic, error)
            outcome, channel = "malformed", topic.rsplit("/", 1)[-1][:16]
        except OperationalError as error:
            raise RetryLater(f"database unavailable: {error.orig}") from None
        else:
            channel = where.channel
        self._metrics.messages.labels(channel, outcome).inc()
        return outcome

    def _alert(self, home: str, alert: Alert) -> str:
        if alert.home != home:
            raise BadData(f"home: payload says {alert.home!r} but the topic says {home!r}")
        key = alert.resident or ""
        try:
            with self._sessions.begin() as session:
                if _existing_alert(session, alert, key):
                    return "duplicate"
                row = _alert_row(alert, key, self._clock())
                row.organisation_id = _organisation_of_home(session, alert.home)
                session.add(row)
                session.flush()
                self._escalator.assign_rule(session, row)
                change = Change(row.id, row.home_id, row.resident_id, row.state)
        except IntegrityError:  # a concurrent redelivery won the race
            return "duplicate"
        self._hub.publish(change)
        self.after_store()
        return "stored"

    def _summary(self, home: str, summary: DailySummary) -> str:
        if summary.home != home:
            raise BadData(f"home: payload says {summary.home!r} but the topic says {home!r}")
        key = summary.resident or ""
        data: dict[str, Any] = msgspec.to_builtins(summary)
        with self._sessions.begin() as session:
            row = session.scalars(
                select(SummaryRow).where(
                    SummaryRow.home_id == home,
                    SummaryRow.resident_key == key,
                    SummaryRow.date == summary.date,
                )
            ).first()
            if row is None:
                session.add(
                    SummaryRow(home_id=home, resident_key=key, date=summary.date, data=data)
                )
            else:
                row.data = data  # a later summary of the same day supersedes the earlier one
        return "stored"


def _organisation_of_home(session: Session, home: str) -> str | None:
    """The organisation the alert's home belongs to; ``None`` for a home nobody registered
    (no organisation sees it, rather than the wrong one)."""
    return session.scalars(select(Home.organisation_id).where(Home.id == home)).first()


def _existing_alert(session: Session, alert: Alert, key: str) -> bool:
    query = select(AlertRow.id).where(
        AlertRow.home_id == alert.home,
        AlertRow.kind == alert.kind,
        AlertRow.start == alert.start,
        AlertRow.resident_key == key,
    )
    return session.scalars(query).first() is not None


def _alert_row(alert: Alert, key: str, now: float) -> AlertRow:
    return AlertRow(
        home_id=alert.home,
        resident_id=alert.resident,
        resident_key=key,
        kind=alert.kind,
        severity=alert.severity,
        detected_at=alert.detected_at,
        start=alert.start,
        end=alert.end,
        explanation=alert.explanation,
        phrases=msgspec.to_builtins(alert.phrases) or None,
        evidence=dict(alert.evidence),
        received_at=now,
    )


class MqttConsumer:
    """Runs an :class:`Ingestor` on a persistent MQTT session in paho's own thread."""

    def __init__(self, broker_url: str, client_id: str, ingestor: Ingestor) -> None:
        self._broker = BrokerAddress.parse(broker_url)
        self._ingestor = ingestor
        self._client = make_client(client_id, self._broker, persistent=True, manual_ack=True)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self.connected: Callable[[], bool] = self._client.is_connected
        self.on_connected: Callable[[], object] = lambda: None
        """Called on each (re)connection: the consent policies are published again."""

    def start(self) -> None:
        """Connect in the background; paho reconnects by itself."""
        log.info("consuming alerts and summaries from %s", self._broker.url)
        self._client.connect_async(self._broker.host, self._broker.port, keepalive=30)
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect and stop paho's thread."""
        self._client.disconnect()
        self._client.loop_stop()

    @retry(
        retry=retry_if_exception_type(RetryLater),
        stop=stop_after_attempt(5),
        wait=wait_exponential(multiplier=0.5, max=5),
        reraise=True,
    )
    def _store(self, msg: paho.MQTTMessage) -> str:
        # A busy or restarting database usually recovers within seconds; waiting here keeps
        # messages in order (paho delivers one at a time on this thread).
        return self._ingestor.handle(msg.topic, bytes(msg.payload))

    def publish_retained(self, topic: str, payload: bytes) -> bool:
        """Publish ``payload`` retained at QoS 1; whether paho took it to send."""
        info = self._client.publish(topic, payload, qos=1, retain=True)
        if info.rc != paho.MQTT_ERR_SUCCESS:
            log.warning("could not publish to %s: %s", topic, paho.error_string(info.rc))
        return info.rc == paho.MQTT_ERR_SUCCESS

    def _on_connect(self, client: paho.Client, *_args: Any) -> None:
        client.subscribe([(ALERTS_SUBSCRIPTION, 1), (SUMMARIES_SUBSCRIPTION, 1)])
        self.on_connected()

    def _on_message(self, client: paho.Client, _userdata: Any, msg: paho.MQTTMessage) -> None:
        try:
            outcome = self._store(msg)
        except RetryLater as error:
            # Left unacknowledged: the broker re-sends it when the session resumes.
            log.error("not stored, will be redelivered: %s", error)
            return
        except Exception:  # a bug must not stop consumption of the next alert
            log.exception("unexpected error handling %s", msg.topic)
            outcome = "failed"
        if outcome in ("stored", "duplicate"):
            _confirm(client, msg)  # before the ack: a crash between brings a repeat, confirmed
        client.ack(msg.mid, msg.qos)


def _confirm(client: paho.Client, msg: paho.MQTTMessage) -> None:
    """Tell ingest this message is stored: it stops keeping and re-sending it."""
    receipt = OutputReceipt([output_digest(bytes(msg.payload))])
    topic = receipts_topic(parse_topic(msg.topic).home)
    info = client.publish(topic, encode(receipt), qos=1)
    if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):  # NO_CONN: paho keeps it
        log.error("could not confirm %s to ingest: %s", msg.topic, paho.error_string(info.rc))
