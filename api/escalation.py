"""Routing new alerts to a rule, and escalating them until someone acknowledges.

Time comes from an injected clock: tests advance it and call :meth:`Escalator.tick`,
the service calls ``tick`` every few seconds from a background thread.
"""

import logging
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.alert_words import SEVERITY_WORDS, explanation
from api.alert_words import title as alert_title
from api.i18n import ENGLISH, Words
from api.metrics import ApiMetrics
from api.models import (
    AlertRow,
    AlertState,
    Delivery,
    Grant,
    Home,
    Resident,
    Role,
    Team,
    TeamMember,
    TeamResident,
    User,
)
from api.notify import Notifier
from api.routing import RoutingRules, Rule
from carewatch.clock import Clock

log = logging.getLogger(__name__)


class Escalator:
    """Sends each open alert's due escalation steps to the people its rule names."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        rules: RoutingRules,
        notifier: Notifier,
        clock: Clock,
        metrics: ApiMetrics,
    ) -> None:
        self._sessions = sessions
        self._rules = rules
        self._notifier = notifier
        self._clock = clock
        self._metrics = metrics
        self._lock = threading.Lock()  # the background loop and a new alert may both tick

    def assign_rule(self, session: Session, alert: AlertRow) -> None:
        """Choose the rule for a new alert by kind, severity and the home's local time."""
        home = session.get(Home, alert.home_id)
        zone = ZoneInfo(home.tz) if home else UTC
        local = datetime.fromtimestamp(alert.detected_at, zone).time()
        rule = self._rules.match(alert.kind, alert.severity, local)
        alert.rule = rule.name if rule else None
        alert.next_step = 0

    def tick(self) -> int:
        """Send every step that has fallen due; returns how many steps were sent."""
        with self._lock, self._sessions.begin() as session:
            sent = 0
            query = select(AlertRow).where(
                AlertRow.state == AlertState.OPEN, AlertRow.rule.is_not(None)
            )
            for alert in session.scalars(query):
                sent += self._due_steps(session, alert)
            return sent

    def _due_steps(self, session: Session, alert: AlertRow) -> int:
        rule = self._rules.get(alert.rule)
        sent = 0
        while rule and alert.next_step < len(rule.steps):
            step = rule.steps[alert.next_step]
            if self._clock() < alert.received_at + step.after_minutes * 60:
                break
            for user in _targets(session, rule, alert, step.notify):
                self._deliver(session, alert, user, alert.next_step)
            alert.next_step += 1
            sent += 1
        return sent

    def _deliver(self, session: Session, alert: AlertRow, user: User, step: int) -> None:
        if not user.notify_url:
            session.add(_record(alert, user, step, 1, False, "no notify_url", self._clock()))
            return
        title, body = message(session, alert, Words(user.language))
        for attempt in self._notifier.send(user.notify_url, title, body):
            self._metrics.deliveries.labels("ok" if attempt.ok else "failed").inc()
            session.add(
                _record(alert, user, step, attempt.number, attempt.ok, attempt.error, self._clock())
            )


def message(session: Session, alert: AlertRow, words: Words = ENGLISH) -> tuple[str, str]:
    """Title and body of a notification, in ``words``' language: the explanation, and who
    it concerns."""
    who = session.get(Resident, alert.resident_id) if alert.resident_id else None
    home = session.get(Home, alert.home_id)
    name = who.display_name if who else (home.label if home else alert.home_id)
    urgency = words.gettext(SEVERITY_WORDS.get(alert.severity, alert.severity))
    title = f"CareWatch ({urgency}): {alert_title(alert.kind, name, words)}"
    acknowledge = words.gettext("Please acknowledge it on the carer dashboard.")
    return title, f"{explanation(alert, words)}\n{acknowledge}"


def _record(
    alert: AlertRow, user: User, step: int, number: int, ok: bool, error: str | None, at: float
) -> Delivery:
    return Delivery(
        alert_id=alert.id, user_id=user.id, step=step, attempt=number, ok=ok, error=error, at=at
    )


def _residents(session: Session, alert: AlertRow) -> list[str]:
    if alert.resident_id:
        return [alert.resident_id]
    return list(session.scalars(select(Resident.id).where(Resident.home_id == alert.home_id)))


def _targets(session: Session, rule: Rule, alert: AlertRow, notify: list[str]) -> list[User]:
    """The active users a step's targets name, each once."""
    residents = _residents(session, alert)
    found: dict[int, User] = {}
    if alert.organisation_id is None:  # a home nobody registered: no agency to tell
        return []
    for target in notify:
        for user in _resolve(session, target, residents):
            if user.active and user.organisation_id == alert.organisation_id:  # never another
                found.setdefault(user.id, user)
        if not found:
            log.warning("rule %r: target %r names nobody for alert %d", rule.name, target, alert.id)
    return list(found.values())


def _resolve(session: Session, target: str, residents: list[str]) -> list[User]:
    kind, _, name = target.partition(":")
    if kind == "user":
        return list(session.scalars(select(User).where(User.username == name)))
    if kind == "team":
        members = select(TeamMember.user_id).join(Team).where(Team.name == name)
        return list(session.scalars(select(User).where(User.id.in_(members))))
    if kind == "lead":
        lead = select(Team.lead_id).where(Team.name == name)
        return list(session.scalars(select(User).where(User.id.in_(lead))))
    role = Role.CARER if kind == "carers" else Role.FAMILY
    direct = select(Grant.user_id).where(Grant.resident_id.in_(residents))
    via_team = (
        select(TeamMember.user_id)
        .join(TeamResident, TeamResident.team_id == TeamMember.team_id)
        .where(TeamResident.resident_id.in_(residents))
    )
    granted = direct.union(via_team) if role == Role.CARER else direct
    return list(session.scalars(select(User).where(User.id.in_(granted), User.role == role)))
