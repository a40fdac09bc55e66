"""Everything a request handler needs, built once per app from the settings."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.audit import Audit
from api.consumer import Ingestor, MqttConsumer
from api.db import make_engine, migrate, session_factory
from api.digest import HandoverSender
from api.escalation import Escalator
from api.events import EventHub
from api.login import LoginGuard
from api.metrics import ApiMetrics
from api.notify import Notifier
from api.policy import PolicyPublisher, PolicyTicker
from api.retention import retention_job
from api.routing import RoutingRules, load_rules
from api.security import Tokens
from api.settings import ApiSettings
from carewatch.clock import Clock
from carewatch.retention import RetentionJob
from carewatch.store import Store

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The app's collaborators; request handlers reach them through ``api.deps``."""

    settings: ApiSettings
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    tokens: Tokens
    audit: Audit
    hub: EventHub
    metrics: ApiMetrics
    escalator: Escalator
    ingestor: Ingestor
    logins: LoginGuard
    store: Store | None
    handover: HandoverSender
    retention: RetentionJob | None = None
    consumer: MqttConsumer | None = None
    policies: PolicyTicker | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _wake: threading.Event = field(default_factory=threading.Event)
    _ticker: threading.Thread | None = None

    def start(self) -> None:
        """Start consuming MQTT and the escalation loop (background threads)."""
        self._stop.clear()
        self.ingestor.after_store = self._wake.set  # deliver from the escalation thread
        if self.settings.broker_url:
            self.consumer = MqttConsumer(
                self.settings.broker_url, self.settings.mqtt_client_id, self.ingestor
            )
            self.policies = PolicyTicker(
                self.sessions,
                self.clock,
                PolicyPublisher(self.clock, self.consumer.publish_retained),
            )
            self.consumer.on_connected = self._republish
            self.consumer.start()
        self._ticker = threading.Thread(target=self._tick_loop, name="escalation", daemon=True)
        self._ticker.start()

    def stop(self) -> None:
        """Stop the background threads and release the store."""
        self._stop.set()
        self._wake.set()
        if self.consumer:
            self.consumer.stop()
        if self._ticker:
            self._ticker.join(timeout=10)
        if self.store:
            self.store.close()

    def consent_changed(self) -> None:
        """Publish the consent policies now rather than at the next tick."""
        self._wake.set()

    def _republish(self) -> None:
        if self.policies is not None:
            self.policies.publisher.forget()
        self._wake.set()

    def _ticks(self) -> list[Callable[[], object]]:
        ticks: list[Callable[[], object]] = [self.escalator.tick, self.handover.tick]
        if self.policies is not None:
            ticks.append(self.policies.tick)
        if self.retention is not None:
            ticks.append(self.retention.run_due)
        return ticks

    def _tick_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.settings.escalation_tick_seconds)  # a new alert wakes it
            self._wake.clear()
            if self._stop.is_set():
                break
            for tick in self._ticks():
                try:
                    tick()
                except Exception:  # one bad delivery must not end the loop for everyone
                    log.exception("%s failed", tick.__qualname__)


def build_services(
    settings: ApiSettings,
    *,
    clock: Clock,
    store: Store | None = None,
    notifier: Notifier | None = None,
    rules: RoutingRules | None = None,
) -> Services:
    """Connect to the database (migrating it) and wire the collaborators together."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = session_factory(engine)
    if rules is None:
        rules = load_rules(settings.routing_file) if settings.routing_file else RoutingRules()
    notifier = notifier or Notifier(
        attempts=settings.delivery_attempts, backoff_seconds=settings.delivery_backoff_seconds
    )
    metrics = ApiMetrics()
    hub = EventHub()
    audit = Audit(clock)
    escalator = Escalator(sessions, rules, notifier, clock, metrics)
    return Services(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        tokens=Tokens(
            settings.jwt_secret.get_secret_value(), minutes=settings.token_minutes, clock=clock
        ),
        audit=audit,
        hub=hub,
        metrics=metrics,
        escalator=escalator,
        ingestor=Ingestor(sessions, escalator, hub, metrics, clock),
        logins=LoginGuard(settings, clock, sessions, audit, metrics),
        store=store,
        handover=HandoverSender(
            sessions, notifier, clock, audit, settings.handover_at, settings.handover_tz
        ),
        retention=retention_job(settings, sessions, clock),
    )
