"""Prometheus metrics of one API instance (its own registry, so tests can run several)."""

from prometheus_client import CollectorRegistry, Counter, generate_latest


class ApiMetrics:
    """Counters for ingested messages and notification attempts."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "carewatch_api_messages",
            "Alert and summary messages consumed, by channel and outcome",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "carewatch_api_delivery_attempts",
            "Notification delivery attempts, by outcome",
            ["outcome"],
            registry=self.registry,
        )

        self.logins = Counter(
            "carewatch_api_logins",
            "Login attempts, by outcome (ok, wrong, locked: refused while backing off, "
            "busy: too many password checks running)",
            ["outcome"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
