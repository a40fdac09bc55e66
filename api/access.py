"""Object-level authorisation: which residents a user may see.

A resident the user is not granted looks exactly like one that does not exist
(404), so a refusal never reveals who lives where.
"""

from fastapi import HTTPException, status
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from api.models import AlertRow, Grant, Resident, Role, TeamMember, TeamResident, User

NOT_FOUND = "not found"


def visible_resident_ids(session: Session, user: User) -> set[str] | None:
    """Ids the user is granted, or ``None`` meaning every resident (admins)."""
    if user.role == Role.ADMIN:
        return None
    direct = select(Grant.resident_id).where(Grant.user_id == user.id)
    ids = set(session.scalars(direct))
    if user.role == Role.CARER:
        via_team = (
            select(TeamResident.resident_id)
            .join(TeamMember, TeamMember.team_id == TeamResident.team_id)
            .where(TeamMember.user_id == user.id)
        )
        ids |= set(session.scalars(via_team))
    return ids


def resident_or_404(session: Session, user: User, resident_id: str) -> Resident:
    """The resident if it exists and the user is granted it; 404 otherwise, either way."""
    visible = visible_resident_ids(session, user)
    resident = session.get(Resident, resident_id)
    if resident is None or (visible is not None and resident_id not in visible):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return resident


def alert_filter(session: Session, user: User) -> ColumnElement[bool] | None:
    """A WHERE clause limiting alerts to the user's residents (``None``: no limit).

    An alert without a resident belongs to its home, so it shows to whoever is
    granted someone living there.
    """
    visible = visible_resident_ids(session, user)
    if visible is None:
        return None
    homes = set(session.scalars(select(Resident.home_id).where(Resident.id.in_(visible))))
    return or_(
        AlertRow.resident_id.in_(visible),
        AlertRow.resident_id.is_(None) & AlertRow.home_id.in_(homes),
    )


def alert_or_404(session: Session, user: User, alert_id: int) -> AlertRow:
    """The alert if the user may see it; 404 whether missing or not theirs."""
    query = select(AlertRow).where(AlertRow.id == alert_id)
    where = alert_filter(session, user)
    if where is not None:
        query = query.where(where)
    alert = session.scalars(query).first()
    if alert is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return alert


def require_role(user: User, *roles: Role) -> None:
    """403 unless the user has one of ``roles`` (checked after the object grant)."""
    if user.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"needs role {' or '.join(roles)}")
