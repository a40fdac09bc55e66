"""What a user may export about one resident: the same summaries and alerts the API shows.

Summaries come from :func:`api.scope.summaries` (heart rate dropped where it is not the
resident's to show, as on ``/summaries``); alerts are those about the resident or their
home (as on the resident's page) that the user may see, detected in the same span.
"""

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api import scope as scoped
from api.access import alert_filter
from api.fhir.bundle import Subject, build_bundle
from api.models import AlertRow, Resident, User
from api.schemas import AlertOut
from api.scope import scope_of

DAY = 86_400.0


def resident_alerts(
    session: Session, user: User, resident: Resident, since: float
) -> list[AlertOut]:
    """Alerts about ``resident`` (or their whole home) detected at or after ``since``,
    oldest first, limited to what ``user`` may see."""
    query = (
        select(AlertRow)
        .where(
            AlertRow.detected_at >= since,
            or_(
                AlertRow.resident_id == resident.id,
                AlertRow.resident_id.is_(None) & (AlertRow.home_id == resident.home_id),
            ),
        )
        .order_by(AlertRow.detected_at, AlertRow.id)
    )
    query = query.where(alert_filter(session, user))
    return [AlertOut.model_validate(row) for row in session.scalars(query)]


def export_resident(
    session: Session, user: User, resident: Resident, days: int, now: float, with_name: bool
) -> Bundle:
    """The bundle of the last ``days`` days (the caller has checked the user's grant)."""
    scope = scope_of(session, resident, user.role, now)
    summaries = scoped.summaries(session, scope, days)
    alerts = resident_alerts(session, user, resident, now - days * DAY)
    subject = Subject(resident.id, scope.tz, resident.display_name if with_name else None)
    return build_bundle(subject, summaries, alerts, now)
