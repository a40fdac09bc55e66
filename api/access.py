"""Object-level authorisation: which residents a user may see.

A resident the user is not granted looks exactly like one that does not exist
(404), so a refusal never reveals who lives where. Nobody sees past their own
organisation: an admin sees every resident of theirs, a platform admin none (D110).
These rules are explicit here, so they hold in the background jobs' sessions too,
which :mod:`api.tenancy` does not confine.
"""

from fastapi import HTTPException, status
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from api.models import AlertRow, Grant, Resident, Role, TeamMember, TeamResident, User
from api.tenancy import organisation_of

NOT_FOUND = "not found"


def visible_resident_ids(session: Session, user: User) -> set[str]:
    """Ids of the residents of the user's organisation they may see: all of them for its
    admins, those granted (directly or, for carers, through a team) for everyone else."""
    ours = select(Resident.id).where(Resident.organisation_id == organisation_of(user))
    if user.role == Role.ADMIN:
        return set(session.scalars(ours))
    direct = select(Grant.resident_id).where(Grant.user_id == user.id)
    ids = set(session.scalars(direct))
    if user.role == Role.CARER:
        via_team = (
            select(TeamResident.resident_id)
            .join(TeamMember, TeamMember.team_id == TeamResident.team_id)
            .where(TeamMember.user_id == user.id)
        )
        ids |= set(session.scalars(via_team))
    return ids & set(session.scalars(ours.where(Resident.id.in_(ids))))


def resident_or_404(session: Session, user: User, resident_id: str) -> Resident:
    """The resident if it exists and the user is granted it; 404 otherwise, either way."""
    resident = session.get(Resident, resident_id)
    if resident is None or resident_id not in visible_resident_ids(session, user):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return resident


def alert_filter(session: Session, user: User) -> ColumnElement[bool]:
    """A WHERE clause limiting alerts to the user's organisation and residents.

    An alert without a resident belongs to its home, so it shows to whoever is
    granted someone living there; an admin sees every alert of their organisation.
    """
    ours = AlertRow.organisation_id == organisation_of(user)
    if user.role == Role.ADMIN:
        return ours
    visible = visible_resident_ids(session, user)
    homes = set(session.scalars(select(Resident.home_id).where(Resident.id.in_(visible))))
    return ours & or_(
        AlertRow.resident_id.in_(visible),
        AlertRow.resident_id.is_(None) & AlertRow.home_id.in_(homes),
    )


def alert_or_404(session: Session, user: User, alert_id: int) -> AlertRow:
    """The alert if the user may see it; 404 whether missing or not theirs."""
    query = select(AlertRow).where(AlertRow.id == alert_id, alert_filter(session, user))
    alert = session.scalars(query).first()
    if alert is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return alert


def require_role(user: User, *roles: Role) -> None:
    """403 unless the user has one of ``roles`` (checked after the object grant)."""
    if user.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"needs role {' or '.join(roles)}")
