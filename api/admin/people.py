"""Residents, the people who log in, their access, and consent: the shared operations."""

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.admin.desk import Conflict, Desk, Invalid, NotFound
from api.admin.schemas import ConsentIn, InviteIn, InviteOut
from api.consent import current
from api.i18n import N_
from api.models import ConsentRecord, Grant, Home, Resident, Role, User
from api.routes.auth import user_out
from api.schemas import ResidentIn, UserIn
from api.security import hash_password
from carewatch.protocol import Kind


def add_resident(desk: Desk, body: ResidentIn) -> Resident:
    """Add a resident to a home."""
    if desk.session.get(Home, body.home_id) is None:
        raise Invalid(N_("no such home"), "home_id")
    if desk.taken(Resident, body.id):
        raise Conflict(N_("resident %(id)r exists"), "id", id=body.id)
    resident = Resident(
        id=body.id,
        home_id=body.home_id,
        display_name=body.display_name,
        consent={kind.value: allowed for kind, allowed in body.consent.items()},
    )
    desk.session.add(resident)
    desk.session.flush()
    desk.record("create", "resident", resident.id)
    return resident


def create_user(desk: Desk, body: UserIn, organisation: str | None = None) -> User:
    """A user with the password given (hashed with argon2, never kept), in ``organisation``
    (default: the one the desk works in); platform admins come only from the command line."""
    if body.role == Role.PLATFORM:
        raise Invalid(
            N_("platform admins are made with carewatch api create-admin --platform"), "role"
        )
    if desk.taken(User, body.username):
        raise Conflict(N_("username %(name)r is taken"), "username", name=body.username)
    user = User(
        organisation_id=organisation,
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        password_hash=hash_password(body.password),
        notify_url=body.notify_url,
        active=True,
    )
    desk.session.add(user)
    desk.session.flush()
    desk.record("create", "user", detail=f"user {user.id}")
    return user


def invite(desk: Desk, body: InviteIn, organisation: str | None = None) -> InviteOut:
    """A new user with a generated first password, returned this once."""
    password = secrets.token_urlsafe(15)  # 20 characters, 120 random bits
    user = create_user(desk, UserIn(**body.model_dump(), password=password), organisation)
    return InviteOut(user=user_out(user), password=password)


def grant(desk: Desk, user_id: int, resident_id: str) -> None:
    """Let a carer look after a resident, or a family member follow their relative."""
    user = desk.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("no user %(id)s"), "user_id", id=user_id)
    if desk.session.get(Resident, resident_id) is None:
        raise NotFound(N_("not found"), "resident_id")
    if user.role == Role.ADMIN:
        raise Invalid(N_("admins see every resident of their organisation already"), "user_id")
    try:
        desk.session.merge(Grant(user_id=user_id, resident_id=resident_id))
        desk.session.flush()
    except IntegrityError:
        raise Conflict(N_("grant could not be stored")) from None
    desk.record("grant", "resident", resident_id, f"user {user_id}")


def record_consent(desk: Desk, resident_id: str, body: ConsentIn) -> ConsentRecord:
    """Keep who agreed to what, as a new record (the history is never rewritten)."""
    resident = desk.session.get(Resident, resident_id)
    if resident is None:
        raise NotFound(N_("not found"), "resident_id")
    now = desk.clock()
    if body.agreed_at is not None and body.agreed_at > now:
        raise Invalid(N_("is in the future: when did they agree?"), "agreed_at")
    agreed_at = now if body.agreed_at is None else body.agreed_at
    start = agreed_at if body.valid_from is None else body.valid_from
    if body.valid_until is not None and body.valid_until <= start:
        raise Invalid(N_("must be after valid_from (or agreed_at)"), "valid_until")
    shared = {kind.value: allowed for kind, allowed in body.shared.items()}
    withheld = sorted({kind.value for kind in body.withheld})
    if not body.monitoring:  # no monitoring agreed: nothing of theirs is collected or shown
        shared, withheld = {kind.value: False for kind in Kind}, sorted(k.value for k in Kind)
    before = current(consents(desk, resident_id), now)
    record = ConsentRecord(
        resident_id=resident_id,
        agreed_by=body.agreed_by,
        basis=body.basis,
        monitoring=body.monitoring,
        shared=shared,
        withheld=withheld,
        roles={kind.value: sorted({r.value for r in roles}) for kind, roles in body.roles.items()},
        agreed_at=agreed_at,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        evidence=body.evidence or None,
        supersedes=None if before is None else before.id,
        recorded_at=now,
        recorded_by=desk.user.id if desk.user else None,
        note=body.note or None,
    )
    desk.session.add(record)
    # the flags shown with the resident: what this record lets anyone see
    resident.consent = {**resident.consent, **shared, **dict.fromkeys(withheld, False)}
    desk.session.flush()
    desk.record("update", "consent", resident_id, f"by {body.basis.value}")
    return record


def consents(desk: Desk, resident_id: str) -> list[ConsentRecord]:
    """A resident's consent history, latest first."""
    if desk.session.get(Resident, resident_id) is None:
        raise NotFound(N_("not found"), "resident_id")
    query = select(ConsentRecord).where(ConsentRecord.resident_id == resident_id)
    return list(desk.session.scalars(query.order_by(ConsentRecord.id.desc())))


def change_shared(desk: Desk, resident: Resident, flags: dict[str, bool]) -> None:
    """Change which streams are shown: the flags, and where consent is recorded, a new
    record like the one in force with these flags (the older one stays, as history)."""
    resident.consent = {**resident.consent, **flags}
    now = desk.clock()
    before = current(consents(desk, resident.id), now)
    if before is None:
        return  # nothing recorded yet: the flags are all there is
    columns = ConsentRecord.__table__.columns.keys()
    copied = {name: getattr(before, name) for name in columns if name != "id"}
    record = ConsentRecord(**copied)
    record.shared = {**before.shared, **flags}
    record.supersedes, record.recorded_at = before.id, now
    record.recorded_by = desk.user.id if desk.user else None
    record.note = "shown streams changed"
    desk.session.add(record)
    desk.session.flush()
