"""Organisations: a platform admin adds them and their first admin (decision D110).

The command line works inside one organisation: :func:`organisation_for` takes the one
named, or the only one there is, and refuses an unknown or ambiguous one by name.
"""

from sqlalchemy import select

from api.admin.desk import Conflict, Desk, Invalid, NotFound, check_id
from api.admin.people import invite
from api.admin.schemas import AdminIn, InviteIn, InviteOut, OrganisationIn
from api.models import Organisation, Role

OPTION = "--organisation"


def add_organisation(desk: Desk, body: OrganisationIn) -> Organisation:
    """A new, empty organisation; refused if the id is taken."""
    check_id(body.id, "id", "north-care")
    if desk.session.get(Organisation, body.id) is not None:
        raise Conflict(f"organisation {body.id!r} exists already", "id")
    organisation = Organisation(id=body.id, name=body.name)
    desk.session.add(organisation)
    desk.session.flush()
    desk.record("create", "organisation", detail=f"organisation {body.id}")
    return organisation


def organisations(desk: Desk) -> list[Organisation]:
    """Every organisation, by id."""
    return list(desk.session.scalars(select(Organisation).order_by(Organisation.id)))


def add_admin(desk: Desk, organisation_id: str, body: AdminIn) -> InviteOut:
    """An admin of ``organisation_id`` with a generated first password, shown once."""
    if desk.session.get(Organisation, organisation_id) is None:
        raise NotFound(f"no organisation {organisation_id!r}", "organisation")
    made = InviteIn(**body.model_dump(), role=Role.ADMIN)
    return invite(desk, made, organisation_id)


def organisation_for(desk: Desk, given: str | None) -> str:
    """The organisation a command acts in: ``given``, or the only one there is.

    Raises :class:`NotFound` for an unknown one and :class:`Invalid` when the server has
    several and none was named, each naming the option.
    """
    known = [o.id for o in organisations(desk)]
    listed = ", ".join(known) or "none"
    if given is not None and given not in known:
        raise NotFound(f"no organisation {given!r} (there are: {listed})", OPTION)
    if given is None and len(known) != 1:
        raise Invalid(f"this server has organisations {listed}: name one", OPTION)
    return given or known[0]
