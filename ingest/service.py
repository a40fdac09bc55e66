"""The ingest service: MQTT in, store out, acknowledged only once durable.

Threads: paho's network thread decodes each message into the batcher (see
:mod:`ingest.consumer`) and, with a sink, to the detector thread, which feeds the sink
at once (see :mod:`ingest.detecting`); the writer thread writes batches and then
acknowledges them (see :mod:`ingest.writer`); an HTTP thread serves ``/metrics`` and
``/health``.
"""

import logging
import threading
import time
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import MQTTErrorCode
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from carewatch.clock import Clock, system_clock
from carewatch.errors import ConfigError
from carewatch.mqtt import BrokerAddress, make_client, why_unreachable
from carewatch.protocol import (
    POLICY_SUBSCRIPTION,
    READINGS_SUBSCRIPTION,
    RECEIPTS_SUBSCRIPTION,
    STATUS_SUBSCRIPTION,
    ProtocolError,
    parse_topic,
)
from carewatch.store import Store
from ingest.batcher import Ack, Batcher
from ingest.consent import ConsentGate
from ingest.consumer import Consumer
from ingest.dead_letters import FloodWatch
from ingest.deliveries import Deliveries
from ingest.detecting import DetectorThread
from ingest.endpoint import Endpoint
from ingest.gateways import GatewayBoard
from ingest.metrics import IngestMetrics
from ingest.output_outbox import OutputOutbox
from ingest.retention import retention_job
from ingest.sequences import SequenceTracker
from ingest.settings import IngestSettings
from ingest.sink import Sink
from ingest.state import IngestState
from ingest.writer import Writer

log = logging.getLogger(__name__)

KEEPALIVE_S = 60


class IngestService:
    """Consume readings and statuses from a broker into a store.

    ``broker`` overrides ``settings.broker_url`` (the CLI passes the embedded
    broker's address). The caller owns ``store`` and closes it after :meth:`stop`.
    ``share_group`` subscribes to readings as ``$share/<group>/…``, so that several
    ingest processes split the messages between them (measured in
    ``benchmarks/bench_ingest.py --workers``). Each process then sees only part of
    a gateway's sequence numbers, so its gap and duplicate counts are not meaningful.
    """

    def __init__(
        self,
        settings: IngestSettings,
        store: Store,
        *,
        sink: Sink | None = None,
        clock: Clock = system_clock,
        monotonic: Clock = time.monotonic,
        broker: BrokerAddress | None = None,
        share_group: str | None = None,
    ) -> None:
        address = broker or settings.broker()
        if address is None:
            raise ConfigError("CAREWATCH_INGEST_BROKER_URL is not set and no broker was given")
        self.settings = settings
        self.metrics = IngestMetrics()
        self.gateways = GatewayBoard()
        self._connected = threading.Event()
        self._generation = 0  # bumped on disconnect: older message ids are void
        self._closing = False
        self._failed_connects = 0
        self._batcher = Batcher(
            settings.batch_size,
            settings.batch_max_age_s,
            settings.buffer_limit,
            clock,
            dead_letter_bytes=round(settings.dead_letter_buffer_mb * 2**20),
        )
        self.floods = FloodWatch(
            settings.dead_letter_limits(), self.metrics.dead_letters_dropped, clock
        )
        self.consent = ConsentGate(
            settings.consent_path(), settings.consent_default, self.metrics.registry
        )
        self.retention = retention_job(settings, store, clock)
        self._retention_stop = threading.Event()
        self._retention_thread = threading.Thread(
            target=self._keep_retention, name="ingest-retention", daemon=True
        )
        self._client = self._make_client(address)
        self._outbox = OutputOutbox(settings.state_path, settings.output_limits())
        self._deliveries = Deliveries(
            self._outbox, self._publish, self.metrics,
            timeout_s=settings.output_confirm_timeout_s, monotonic=monotonic,
        )  # fmt: skip
        self._detectors = (
            None
            if sink is None
            else DetectorThread(
                sink, self._deliveries, self.metrics, clock, settings.tick_interval_s
            )
        )
        self._detector_thread = threading.Thread(
            target=self._detectors.run if self._detectors else _nothing, name="ingest-detectors"
        )
        self._consumer = Consumer(
            self._batcher, SequenceTracker(_load_sequences(settings)), self.gateways,
            self.metrics, clock, self._detectors, self.consent,
        )  # fmt: skip
        self._writer = Writer(
            store=store,
            state_path=settings.state_path,
            batcher=self._batcher,
            ack=self._ack,
            publish=self._publish,
            outputs=self._deliveries,
            metrics=self.metrics,
            clock=clock,
            retry_max_wait_s=settings.retry_max_wait_s,
            flood_watch=self.floods,
            stored=self._detectors.stored if self._detectors else lambda index: None,
        )
        self._writer_thread = threading.Thread(target=self._writer.run, name="ingest-writer")
        self._endpoint = (
            None
            if settings.http_port is None
            else Endpoint(
                settings.http_host, settings.http_port, self.metrics.registry, self.health
            )
        )
        self._address = address
        self._readings_topic = (
            f"$share/{share_group}/{READINGS_SUBSCRIPTION}"
            if share_group
            else READINGS_SUBSCRIPTION
        )
        self.metrics.track_buffer(lambda: self._batcher.depth)
        self.metrics.gateways.labels("online").set_function(
            lambda: len(self.gateways.by_state()["online"])
        )
        self.metrics.gateways.labels("offline").set_function(
            lambda: len(self.gateways.by_state()["offline"])
        )

    @property
    def http_port(self) -> int | None:
        """The port serving ``/metrics`` and ``/health``, if enabled."""
        return None if self._endpoint is None else self._endpoint.port

    def start(self) -> None:
        """Start serving, writing and consuming (returns at once)."""
        if self._endpoint is not None:
            self._endpoint.start()
        self._writer_thread.start()
        self._detector_thread.start()
        if self._detectors is not None:  # its checkpoint may predate a policy change
            for home, kinds in self.consent.policies().items():
                self._detectors.withhold(home, kinds)
            for home, steps in self.consent.tunings().items():
                self._detectors.tune(home, steps)
        if self.retention is not None:
            self._retention_thread.start()
        self._client.connect_async(self._address.host, self._address.port, KEEPALIVE_S)
        self._client.loop_start()
        log.info("ingest consuming from %s", self._address.url)

    @property
    def failed(self) -> bool:
        """The writer or the detector thread died of an unexpected error; exit."""
        return self._writer.failed or (self._detectors is not None and self._detectors.failed)

    def wait_connected(self, timeout: float) -> bool:
        """Whether ingest is connected and subscribed within ``timeout`` seconds."""
        return self._connected.wait(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Flush what is buffered, acknowledge it, disconnect.

        If the store stays down for ``timeout`` seconds, give up: what was not
        written is not acknowledged either, so the broker redelivers it later. The
        detectors hear what is queued for them, publish what it raises, and checkpoint
        only what the store holds.
        """
        self._closing = True  # messages arriving from now on stay with the broker
        self._retention_stop.set()
        if self._retention_thread.is_alive():
            self._retention_thread.join(timeout)
        self._writer.closing.set()
        self._batcher.close()
        self._writer_thread.join(timeout)
        if self._writer_thread.is_alive():
            self._writer.abort.set()
            self._writer_thread.join()
        if self._detectors is not None:
            self._detectors.closing.set()
            self._detector_thread.join()
        self._client.disconnect()  # queued after our acknowledgements, so they go first
        self._client.loop_stop()
        self._outbox.close()
        if self._endpoint is not None:
            self._endpoint.stop()

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Whether ingest is working, and the details behind the answer."""
        connected = self._connected.is_set()
        writing = self._writer_thread.is_alive()
        details = {
            "broker_connected": connected,
            "store_ok": self._writer.store_ok,
            "sink_ok": self._sink_ok,
            "writer_running": writing,
            "buffer_depth": self._batcher.depth,
            "buffer_limit": self.settings.buffer_limit,
            "gateways": self.gateways.by_state(),
            "dead_letter_floods": self.floods.recent(),  # gateways whose junk is being dropped
            "outputs_unconfirmed": self._outbox.size()[0],  # alerts, summaries the API lacks
            "readings_withheld": self.consent.withheld_by_home(),  # no consent: dropped (D107)
        }
        healthy = connected and writing and self._writer.store_ok and self._sink_ok
        return healthy, details

    @property
    def _sink_ok(self) -> bool:
        detectors = self._detectors
        return detectors is None or (detectors.sink_ok and not detectors.failed)

    def _make_client(self, address: BrokerAddress) -> paho.Client:
        client = make_client(
            self.settings.client_id,
            address,
            ca_file=self.settings.ca_file,
            persistent=True,
            manual_ack=True,
        )
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        return client

    def _on_connect(
        self,
        client: paho.Client,
        userdata: object,
        flags: paho.ConnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            log.error("broker refused the connection: %s", reason)
            return
        client.subscribe(
            [
                (POLICY_SUBSCRIPTION, 1),  # first: retained policies before new readings
                (self._readings_topic, 1),
                (STATUS_SUBSCRIPTION, 1),
                (RECEIPTS_SUBSCRIPTION, 1),
            ]
        )
        log.info("connected (session present: %s)", flags.session_present)
        self._deliveries.reconnected()  # the broker may have lost what it had not saved

    def _on_connect_fail(self, client: paho.Client, userdata: object) -> None:
        self._failed_connects += 1
        log.warning(
            "cannot reach the broker at %s (attempt %d): %s; retrying (every 30 s at most)",
            self._address.url,
            self._failed_connects,
            why_unreachable(self._address),
        )

    def _on_subscribe(
        self,
        client: paho.Client,
        userdata: object,
        mid: int,
        reasons: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        if any(reason.is_failure for reason in reasons):
            log.error("broker refused the subscriptions: %s", reasons)
            return
        self._connected.set()
        self._failed_connects = 0
        self.metrics.broker_connected.set(1)

    def _on_disconnect(
        self,
        client: paho.Client,
        userdata: object,
        flags: paho.DisconnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._generation += 1  # the broker redelivers unacknowledged messages; ids restart
        self._connected.clear()
        self.metrics.broker_connected.set(0)
        if not self._closing:
            log.warning("disconnected from the broker (%s); reconnecting", reason)

    def _on_message(self, client: paho.Client, userdata: object, message: paho.MQTTMessage) -> None:
        if self._closing:
            return  # not acknowledged: the broker keeps it for our next session
        channel = _channel(message.topic)
        if channel == "receipts":
            self._receipt(client, message)
            return
        if channel == "policy":
            self._policy(client, message)
            return
        ack = Ack(self._generation, message.mid, message.qos)
        self._consumer.handle(message.topic, bytes(message.payload), ack)

    def _receipt(self, client: paho.Client, message: paho.MQTTMessage) -> None:
        self.metrics.messages_received.labels("receipts").inc()
        try:
            self._deliveries.receipt(bytes(message.payload))
        except Exception:  # the state file failed: the broker sends it again next session
            log.exception("could not apply the API's receipt")
            return
        client.ack(message.mid, message.qos)

    def _policy(self, client: paho.Client, message: paho.MQTTMessage) -> None:
        self.metrics.messages_received.labels("policy").inc()
        try:
            home = parse_topic(message.topic).home
            changed = self.consent.apply(home, bytes(message.payload))
        except OSError:  # the file could not be written: the broker sends it again next session
            log.exception("could not keep the consent policy of %s", message.topic)
            return
        if changed and self._detectors is not None:  # its silence is by design now
            self._detectors.withhold(home, self.consent.withheld(home))
            self._detectors.tune(home, self.consent.stricter(home))  # carers' feedback
        client.ack(message.mid, message.qos)

    def _keep_retention(self) -> None:
        assert self.retention is not None  # the thread starts only with a job
        self.retention.run_until(self._retention_stop)

    def _ack(self, ack: Ack) -> None:
        if ack.qos and ack.generation == self._generation:
            self._client.ack(ack.mid, ack.qos)

    def _publish(self, topic: str, payload: bytes) -> None:
        info = self._client.publish(topic, payload, qos=1)
        if info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
            log.error("could not publish to %s: %s", topic, paho.error_string(info.rc))


def _channel(topic: str) -> str | None:
    """The channel of ``topic`` (receipts and policies are the API's, the rest the consumer's)."""
    try:
        return parse_topic(topic).channel
    except ProtocolError:
        return None  # the consumer dead-letters it with the reason


def _nothing() -> None:
    """The detector thread's work when there is no sink."""


def _load_sequences(settings: IngestSettings) -> dict[tuple[str, str], Any]:
    state = IngestState(settings.state_path)
    try:
        return state.load_sequences()
    finally:
        state.close()
