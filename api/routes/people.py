"""Administration of users, teams and grants, and reading the audit log (admins only)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.access import visible_resident_ids
from api.admin import people as people_ops
from api.admin.desk import answer
from api.deps import AdminDep, DbDep, ServicesDep
from api.models import AuditEntry, Grant, Resident, Team, TeamMember, TeamResident, User
from api.responses import BODY, CONFLICT, FOUND, SIGNED_IN
from api.routes.auth import user_out
from api.schemas import (
    AuditOut,
    GrantIn,
    PseudoId,
    RowId,
    TeamIn,
    TeamOut,
    UserIn,
    UserOut,
    UserPatch,
)
from api.security import hash_password

router = APIRouter(prefix="/api/v1", tags=["people"], responses=SIGNED_IN | FOUND)


@router.post("/users", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY)
def create_user(body: UserIn, session: DbDep, admin: AdminDep, services: ServicesDep) -> UserOut:
    """Create a user (admin)."""
    return user_out(
        answer(services, session, admin, lambda desk: people_ops.create_user(desk, body))
    )


@router.get("/users")
def list_users(session: DbDep, _admin: AdminDep) -> list[UserOut]:
    """Every user (admin)."""
    return [user_out(user) for user in session.scalars(select(User).order_by(User.id))]


@router.patch("/users/{user_id}", responses=BODY)
def update_user(
    user_id: RowId, body: UserPatch, session: DbDep, admin: AdminDep, services: ServicesDep
) -> UserOut:
    """Change a user's name, password, notification URL or active flag (admin)."""
    user = _user_or_404(session, user_id)
    # null leaves a field as it is, except the notification URL, which it removes
    changes = {
        name: value
        for name, value in body.model_dump(exclude_unset=True).items()
        if value is not None or name == "notify_url"
    }
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
    for name, value in changes.items():
        setattr(user, name, value)
    services.audit.record(session, admin, "update", "user", detail=f"user {user.id}")
    return user_out(user)


@router.post("/teams", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY)
def create_team(body: TeamIn, session: DbDep, admin: AdminDep, services: ServicesDep) -> TeamOut:
    """Create a team (admin)."""
    if body.lead_id is not None:
        _user_or_404(session, body.lead_id)
    if session.scalars(select(Team).where(Team.name == body.name)).first():
        raise HTTPException(status.HTTP_409_CONFLICT, f"team {body.name!r} exists")
    team = Team(name=body.name, lead_id=body.lead_id)
    session.add(team)
    session.flush()
    services.audit.record(session, admin, "create", "team", detail=f"team {team.id}")
    return _team_out(session, team)


@router.get("/teams")
def list_teams(session: DbDep, _admin: AdminDep) -> list[TeamOut]:
    """Every team with members and residents (admin)."""
    return [_team_out(session, team) for team in session.scalars(select(Team).order_by(Team.id))]


@router.put("/teams/{team_id}/members/{user_id}")
def add_team_member(
    team_id: RowId, user_id: RowId, session: DbDep, admin: AdminDep, services: ServicesDep
) -> TeamOut:
    """Put a user in a team (admin)."""
    team = _team_or_404(session, team_id)
    _user_or_404(session, user_id)
    session.merge(TeamMember(team_id=team_id, user_id=user_id))
    services.audit.record(session, admin, "update", "team", detail=f"member {user_id}")
    return _team_out(session, team)


@router.put("/teams/{team_id}/residents/{resident_id}")
def add_team_resident(
    team_id: RowId,
    resident_id: PseudoId,
    session: DbDep,
    admin: AdminDep,
    services: ServicesDep,
) -> TeamOut:
    """Give a team a resident to look after (admin)."""
    team = _team_or_404(session, team_id)
    _resident_or_404(session, resident_id)
    session.merge(TeamResident(team_id=team_id, resident_id=resident_id))
    services.audit.record(session, admin, "grant", "team", resident_id, f"team {team_id}")
    return _team_out(session, team)


@router.post("/grants", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY)
def create_grant(body: GrantIn, session: DbDep, admin: AdminDep, services: ServicesDep) -> GrantIn:
    """Assign a resident to a carer or a relative to a family member (admin)."""
    answer(services, session, admin, lambda d: people_ops.grant(d, body.user_id, body.resident_id))
    return body


@router.delete("/grants/{user_id}/{resident_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_grant(
    user_id: RowId,
    resident_id: PseudoId,
    session: DbDep,
    admin: AdminDep,
    services: ServicesDep,
) -> None:
    """Withdraw a grant (admin) of one of the organisation's residents."""
    if resident_id not in visible_resident_ids(session, admin):  # a bulk DELETE is unconfined
        return  # nothing of theirs to withdraw, as for a resident that does not exist
    session.execute(delete(Grant).where(Grant.user_id == user_id, Grant.resident_id == resident_id))
    services.audit.record(session, admin, "revoke", "resident", resident_id, f"user {user_id}")


@router.get("/audit")
def read_audit(
    session: DbDep,
    _admin: AdminDep,
    resident_id: Annotated[PseudoId | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditOut]:
    """The latest audit entries, optionally about one resident (admin)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if resident_id is not None:
        query = query.where(AuditEntry.resident_id == resident_id)
    return [AuditOut.model_validate(entry) for entry in session.scalars(query)]


def _user_or_404(session: Session, user_id: RowId) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {user_id}")
    return user


def _team_or_404(session: Session, team_id: RowId) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no team {team_id}")
    return team


def _resident_or_404(session: Session, resident_id: str) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return resident


def _team_out(session: Session, team: Team) -> TeamOut:
    members = session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team.id))
    residents = session.scalars(
        select(TeamResident.resident_id).where(TeamResident.team_id == team.id)
    )
    return TeamOut(
        id=team.id,
        name=team.name,
        lead_id=team.lead_id,
        members=list(members),
        residents=list(residents),
    )
