"""Alerts: list, acknowledge (with a note), resolve, and feedback for the detectors."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import alert_filter, alert_or_404, require_role
from api.deps import AdminDep, DbDep, ServicesDep, UserDep
from api.events import Change
from api.models import AlertRow, AlertState, Delivery, Feedback, Role, User
from api.responses import BODY, CONFLICT, FOUND, SIGNED_IN
from api.schemas import (
    AlertOut,
    DeliveryOut,
    Epoch,
    FeedbackExport,
    FeedbackIn,
    FeedbackOut,
    NoteIn,
    PseudoId,
    RowId,
)
from api.services import Services
from api.tuning import take_feedback
from carewatch.protocol import AlertKind

router = APIRouter(prefix="/api/v1", tags=["alerts"], responses=SIGNED_IN | FOUND)


@router.get("/alerts")
def list_alerts(
    session: DbDep,
    user: UserDep,
    services: ServicesDep,
    resident_id: Annotated[PseudoId | None, Query()] = None,
    state: Annotated[AlertState | None, Query()] = None,
    kind: Annotated[AlertKind | None, Query()] = None,
    since: Annotated[Epoch | None, Query(description="detected at or after (epoch s)")] = None,
    until: Annotated[Epoch | None, Query(description="detected before (epoch s)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AlertOut]:
    """Alerts about the user's residents, newest first, filtered as asked."""
    alerts = visible_alerts(session, user, resident_id, state, kind, since, until, limit)
    services.audit.record(session, user, "read", "alerts", resident_id, f"{len(alerts)} listed")
    return [AlertOut.model_validate(alert) for alert in alerts]


def visible_alerts(
    session: Session,
    user: User,
    resident_id: str | None = None,
    state: AlertState | None = None,
    kind: AlertKind | None = None,
    since: float | None = None,
    until: float | None = None,
    limit: int = 200,
) -> list[AlertRow]:
    """The alerts ``user`` may see, with optional filters."""
    query = select(AlertRow).order_by(AlertRow.detected_at.desc()).limit(limit)
    conditions = [
        alert_filter(session, user),
        AlertRow.resident_id == resident_id if resident_id else None,
        AlertRow.state == state if state else None,
        AlertRow.kind == kind if kind else None,
        AlertRow.detected_at >= since if since is not None else None,
        AlertRow.detected_at < until if until is not None else None,
    ]
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    return list(session.scalars(query))


@router.get("/feedback")
def export_feedback(
    session: DbDep,
    _admin: AdminDep,
    since: Annotated[Epoch | None, Query(description="given at or after (epoch s)")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[FeedbackExport]:
    """Useful / not useful verdicts with pseudonymous alert keys, for the detectors (admin)."""
    query = (
        select(Feedback, AlertRow)
        .join(AlertRow, AlertRow.id == Feedback.alert_id)
        .order_by(Feedback.id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(Feedback.at >= since)
    return [
        FeedbackExport(
            alert_id=alert.id,
            home=alert.home_id,
            resident=alert.resident_id,
            kind=AlertKind(alert.kind),
            start=alert.start,
            detected_at=alert.detected_at,
            useful=verdict.useful,
            at=verdict.at,
        )
        for verdict, alert in session.execute(query)
    ]


@router.get("/alerts/{alert_id}")
def read_alert(alert_id: RowId, session: DbDep, user: UserDep, services: ServicesDep) -> AlertOut:
    """One alert about a resident the user is granted; 404 otherwise."""
    alert = alert_or_404(session, user, alert_id)
    services.audit.record(session, user, "read", "alert", alert.resident_id, f"alert {alert.id}")
    return AlertOut.model_validate(alert)


@router.post("/alerts/{alert_id}/acknowledge", responses=CONFLICT | BODY)
def acknowledge_alert(
    alert_id: RowId, body: NoteIn, session: DbDep, user: UserDep, services: ServicesDep
) -> AlertOut:
    """Say someone is dealing with it: escalation stops (carers and admins)."""
    alert = alert_or_404(session, user, alert_id)
    acknowledge(session, services, user, alert, body.note)
    return AlertOut.model_validate(alert)


@router.post("/alerts/{alert_id}/resolve", responses=CONFLICT | BODY)
def resolve_alert(
    alert_id: RowId, body: NoteIn, session: DbDep, user: UserDep, services: ServicesDep
) -> AlertOut:
    """Close the alert (carers and admins)."""
    alert = alert_or_404(session, user, alert_id)
    resolve(session, services, user, alert, body.note)
    return AlertOut.model_validate(alert)


@router.post("/alerts/{alert_id}/feedback", status_code=status.HTTP_201_CREATED, responses=BODY)
def give_feedback(
    alert_id: RowId, body: FeedbackIn, session: DbDep, user: UserDep, services: ServicesDep
) -> FeedbackOut:
    """Record whether the alert was useful (carers and admins)."""
    alert = alert_or_404(session, user, alert_id)
    return FeedbackOut.model_validate(feedback(session, services, user, alert, body))


@router.get("/alerts/{alert_id}/deliveries")
def list_deliveries(
    alert_id: RowId, session: DbDep, user: UserDep, services: ServicesDep
) -> list[DeliveryOut]:
    """Every notification attempt for the alert (carers and admins)."""
    alert = alert_or_404(session, user, alert_id)
    require_role(user, Role.CARER, Role.ADMIN)
    services.audit.record(session, user, "read", "deliveries", alert.resident_id)
    query = select(Delivery).where(Delivery.alert_id == alert.id).order_by(Delivery.id)
    return [DeliveryOut.model_validate(d) for d in session.scalars(query)]


def acknowledge(
    session: Session, services: Services, user: User, alert: AlertRow, note: str
) -> None:
    """Acknowledge ``alert`` (already authorised to see it)."""
    require_role(user, Role.CARER, Role.ADMIN)
    if alert.state != AlertState.OPEN:
        raise HTTPException(status.HTTP_409_CONFLICT, f"the alert is already {alert.state}")
    alert.state = AlertState.ACKNOWLEDGED
    alert.acknowledged_at = services.clock()
    alert.acknowledged_by = user.id
    alert.ack_note = note or None
    _changed(session, services, user, alert, "acknowledge")


def resolve(session: Session, services: Services, user: User, alert: AlertRow, note: str) -> None:
    """Resolve ``alert``; an open alert counts as acknowledged by the same person."""
    require_role(user, Role.CARER, Role.ADMIN)
    if alert.state == AlertState.RESOLVED:
        raise HTTPException(status.HTTP_409_CONFLICT, "the alert is already resolved")
    now = services.clock()
    if alert.state == AlertState.OPEN:
        alert.acknowledged_at, alert.acknowledged_by = now, user.id
    alert.state = AlertState.RESOLVED
    alert.resolved_at, alert.resolved_by, alert.resolve_note = now, user.id, note or None
    _changed(session, services, user, alert, "resolve")


def feedback(
    session: Session, services: Services, user: User, alert: AlertRow, body: FeedbackIn
) -> Feedback:
    """Store feedback on ``alert``."""
    require_role(user, Role.CARER, Role.ADMIN)
    row = Feedback(
        alert_id=alert.id,
        user_id=user.id,
        useful=body.useful,
        note=body.note or None,
        at=services.clock(),
    )
    session.add(row)
    session.flush()
    services.audit.record(
        session, user, "feedback", "alert", alert.resident_id, f"alert {alert.id}"
    )
    if take_feedback(session, services.audit, row.at, user, alert, body.useful):
        # the home's policy carries the new steps to the detectors (api/policy.py)
        session.info.setdefault("after_commit", []).append(services.consent_changed)
    return row


def _changed(
    session: Session, services: Services, user: User, alert: AlertRow, action: str
) -> None:
    services.audit.record(session, user, action, "alert", alert.resident_id, f"alert {alert.id}")
    session.flush()
    change = Change(alert.id, alert.home_id, alert.resident_id, alert.state)
    session.info.setdefault("after_commit", []).append(lambda: services.hub.publish(change))
