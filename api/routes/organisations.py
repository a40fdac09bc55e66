"""Organisations (platform admins only): add one, list them, give one its first admin.

A platform admin sees no organisation's homes, residents, people or alerts: the admin
they invite sets their organisation up (decision D110).
"""

from fastapi import APIRouter, Response, status

from api.admin import organisations
from api.admin.desk import answer
from api.admin.schemas import AdminIn, InviteOut, OrganisationIn, OrganisationOut
from api.deps import DbDep, PlatformDep, ServicesDep
from api.responses import BODY, CONFLICT, FOUND, SIGNED_IN
from api.routes.onboarding import NO_STORE
from api.schemas import PseudoId

router = APIRouter(prefix="/api/v1", tags=["organisations"], responses=SIGNED_IN | FOUND)


@router.post("/organisations", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY)
def create_organisation(
    body: OrganisationIn, session: DbDep, platform: PlatformDep, services: ServicesDep
) -> OrganisationOut:
    """Add an organisation (platform admin); 409 if the id is taken."""
    made = answer(
        services, session, platform, lambda desk: organisations.add_organisation(desk, body)
    )
    return OrganisationOut.model_validate(made)


@router.get("/organisations")
def list_organisations(
    session: DbDep, platform: PlatformDep, services: ServicesDep
) -> list[OrganisationOut]:
    """Every organisation on the server (platform admin)."""
    found = answer(services, session, platform, organisations.organisations)
    return [OrganisationOut.model_validate(organisation) for organisation in found]


@router.post(
    "/organisations/{organisation_id}/admins",
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT | BODY,
)
def invite_organisation_admin(
    organisation_id: PseudoId,
    body: AdminIn,
    session: DbDep,
    platform: PlatformDep,
    services: ServicesDep,
    response: Response,
) -> InviteOut:
    """Create an admin of the organisation with a generated password, shown once (platform
    admin); 404 naming an unknown organisation."""
    response.headers.update(NO_STORE)
    return answer(
        services,
        session,
        platform,
        lambda desk: organisations.add_admin(desk, organisation_id, body),
    )
