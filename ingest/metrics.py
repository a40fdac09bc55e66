"""Ingest's Prometheus metrics, in a registry of its own per service instance."""

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_LAG_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 86400)


class IngestMetrics:
    """Counters, histograms and gauges of one ingest service.

    Examples
    --------
    >>> metrics = IngestMetrics()
    >>> metrics.readings_received.inc(50)
    >>> metrics.registry.get_sample_value("carewatch_ingest_readings_received_total")
    50.0
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages_received = Counter(
            "carewatch_ingest_messages_received", "MQTT messages received", ["channel"], registry=r
        )
        self.readings_received = Counter(
            "carewatch_ingest_readings_received", "Valid readings received", registry=r
        )
        self.readings_written = Counter(
            "carewatch_ingest_readings_written", "Readings written durably to the store", registry=r
        )
        self.dead_letters = Counter(
            "carewatch_ingest_dead_letters", "Messages set aside as invalid", registry=r
        )
        self.dead_letters_dropped = Counter(
            "carewatch_ingest_dead_letters_dropped",
            "Oldest dead letters deleted to keep within the per-gateway and total limits",
            registry=r,
        )
        self.duplicate_messages = Counter(
            "carewatch_ingest_duplicate_messages",
            "Readings messages whose sequence number was already seen",
            registry=r,
        )
        self.missing_messages = Counter(
            "carewatch_ingest_missing_messages",
            "Readings messages skipped in a gateway's sequence (gaps)",
            registry=r,
        )
        self.late_messages = Counter(
            "carewatch_ingest_late_messages", "Messages that filled an earlier gap", registry=r
        )
        self.store_errors = Counter(
            "carewatch_ingest_store_errors", "Failed attempts to write to the store", registry=r
        )
        self.sink_failures = Counter(
            "carewatch_ingest_sink_failures", "Sink (detector) calls that raised", registry=r
        )
        self.outputs_published = Counter(
            "carewatch_ingest_outputs_published", "Alerts and summaries published", registry=r
        )
        self.outputs_resent = Counter(
            "carewatch_ingest_outputs_resent",
            "Alerts and summaries published again for want of the API's receipt",
            registry=r,
        )
        self.outputs_dropped = Counter(
            "carewatch_ingest_outputs_dropped",
            "Unconfirmed alerts and summaries given up to stay within the limits",
            registry=r,
        )
        self.outputs_unconfirmed = Gauge(
            "carewatch_ingest_outputs_unconfirmed",
            "Alerts and summaries kept until the API confirms storing them",
            registry=r,
        )
        self.outputs_unconfirmed_bytes = Gauge(
            "carewatch_ingest_outputs_unconfirmed_bytes",
            "Bytes of the alerts and summaries kept until the API confirms them",
            registry=r,
        )
        self.batch_write_seconds = Histogram(
            "carewatch_ingest_batch_write_seconds",
            "Time to write one batch to the store (successful attempt)",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.lag_seconds = Histogram(
            "carewatch_ingest_lag_seconds",
            "From a message's newest reading being measured to it being stored",
            buckets=_LAG_BUCKETS,
            registry=r,
        )
        self.buffer_depth = Gauge(
            "carewatch_ingest_buffer_depth", "Readings held in memory, not yet written", registry=r
        )
        self.broker_connected = Gauge(
            "carewatch_ingest_broker_connected", "1 while connected to the broker", registry=r
        )
        self.store_up = Gauge(
            "carewatch_ingest_store_up", "1 while the last store write succeeded", registry=r
        )
        self.gateways = Gauge(
            "carewatch_ingest_gateways", "Gateways by last reported state", ["state"], registry=r
        )

    def track_buffer(self, depth: Callable[[], float]) -> None:
        """Read the buffer depth when scraped."""
        self.buffer_depth.set_function(depth)
