"""The organisation boundary: one place that keeps every query inside the user's agency.

A session is *confined* to an organisation once we know who acts (:func:`api.deps.user_for`
for requests, the command line's ``--organisation``). From then on every ORM ``SELECT`` in
it sees only rows of that organisation (:class:`~api.models.OrganisationOwned`: homes,
residents, people, teams, alerts, audit entries), also through joins and ``session.get``,
so a route cannot forget it (D110). New rows are stamped with the organisation, and a row
of another one is refused at flush. A platform admin's session is confined to none: it
sees no organisation's rows at all.

A query that must look across organisations (a login name or pseudonymous id is unique on
the whole server) says so with ``.execution_options(**ACROSS)``.
"""

from typing import Any, Final

from sqlalchemy import event, false
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from api.models import OrganisationOwned, Role, User

KEY: Final = "organisation"
NONE: Final = ""  # a platform admin's confinement: no organisation's rows
ACROSS: Final = {"across_organisations": True}


def confine(session: Session, organisation: str) -> None:
    """Limit ``session`` to ``organisation`` (:data:`NONE`: to no organisation's rows)."""
    session.info[KEY] = organisation


def confine_to_user(session: Session, user: User) -> None:
    """Limit ``session`` to what ``user`` may see: their organisation, or none (platform)."""
    confine(session, organisation_of(user))


def organisation_of(user: User) -> str:
    """The organisation ``user`` acts in; :data:`NONE` for a platform admin."""
    if user.role == Role.PLATFORM or user.organisation_id is None:
        return NONE
    return user.organisation_id


def confined_to(session: Session) -> str | None:
    """The organisation ``session`` is confined to, or ``None`` if it is not."""
    found = session.info.get(KEY)
    return found if isinstance(found, str) else None


def install(sessions: sessionmaker[Session]) -> None:
    """Enforce confinement in every session ``sessions`` makes."""
    event.listen(sessions, "do_orm_execute", _limit_reads)
    event.listen(sessions, "before_flush", _stamp_writes)


def _limit_reads(state: ORMExecuteState) -> None:
    organisation = confined_to(state.session)
    if (
        organisation is None
        or not state.is_select
        or state.is_column_load  # refreshing a row already loaded (and so allowed)
        or state.is_relationship_load
        or state.execution_options.get("across_organisations", False)
    ):
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            OrganisationOwned,
            _criterion(organisation),
            include_aliases=True,
            track_closure_variables=False,
        )
    )


def _criterion(organisation: str) -> Any:
    if organisation == NONE:
        return lambda cls: false()
    return lambda cls: cls.organisation_id == organisation


def _stamp_writes(session: Session, _context: object, _instances: object) -> None:
    organisation = confined_to(session)
    if not organisation:  # unconfined, or a platform admin creating an organisation's admin
        return
    for row in (*session.new, *session.dirty):
        if not isinstance(row, OrganisationOwned):
            continue
        if row.organisation_id is None:
            row.organisation_id = organisation
        elif row.organisation_id != organisation:
            raise PermissionError(f"a write into organisation {row.organisation_id!r}")
