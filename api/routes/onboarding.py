"""Onboarding over JSON (admin): a home with its sensors, its gateway, invitations, consent.

Thin: each route runs one operation of :mod:`api.admin`, as the admin pages and the
``carewatch api`` commands do.
"""

from fastapi import APIRouter, Response, status

from api.admin import gateways, homes, people
from api.admin.desk import answer
from api.admin.schemas import (
    ConsentIn,
    ConsentOut,
    GatewayCredentials,
    GatewayIn,
    HomeSetupIn,
    HomeSetupOut,
    InviteIn,
    InviteOut,
)
from api.deps import AdminDep, DbDep, ServicesDep
from api.responses import BODY, CONFLICT, FOUND, SIGNED_IN
from api.schemas import PseudoId

router = APIRouter(prefix="/api/v1", tags=["onboarding"], responses=SIGNED_IN | FOUND)
NO_STORE = {"Cache-Control": "no-store"}  # a secret shown once must not linger in a cache


@router.post("/homes", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY)
def create_home(
    body: HomeSetupIn, session: DbDep, admin: AdminDep, services: ServicesDep
) -> HomeSetupOut:
    """Add a home with the sensors it has (admin); 409 if the id is taken."""
    return answer(services, session, admin, lambda desk: homes.add_home(desk, body))


@router.get("/homes/{home_id}/setup")
def read_home_setup(
    home_id: PseudoId, session: DbDep, admin: AdminDep, services: ServicesDep
) -> HomeSetupOut:
    """A home's sensors by kind and its gateways (admin)."""
    return answer(services, session, admin, lambda desk: homes.home_view(desk, home_id))


@router.post(
    "/homes/{home_id}/gateways", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY
)
def register_gateway(
    home_id: PseudoId,
    body: GatewayIn,
    session: DbDep,
    admin: AdminDep,
    services: ServicesDep,
    response: Response,
) -> GatewayCredentials:
    """Register a home's gateway (admin): its broker password and config, shown once."""
    access = gateways.gateway_access(services.settings)
    response.headers.update(NO_STORE)
    return answer(
        services,
        session,
        admin,
        lambda desk: gateways.register_gateway(desk, home_id, body.id, access),
    )


@router.delete("/gateways/{gateway_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_gateway(
    gateway_id: PseudoId, session: DbDep, admin: AdminDep, services: ServicesDep
) -> None:
    """Forget a gateway and delete its broker account (admin); restart Mosquitto to cut a
    connected session at once."""
    access = gateways.gateway_access(services.settings)
    answer(services, session, admin, lambda desk: gateways.revoke_gateway(desk, gateway_id, access))


@router.post("/invitations", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY)
def invite_user(
    body: InviteIn, session: DbDep, admin: AdminDep, services: ServicesDep, response: Response
) -> InviteOut:
    """Create a carer, family member or admin with a generated password, shown once."""
    response.headers.update(NO_STORE)
    return answer(services, session, admin, lambda desk: people.invite(desk, body))


@router.post(
    "/residents/{resident_id}/consents", status_code=status.HTTP_201_CREATED, responses=BODY
)
def record_consent(
    resident_id: PseudoId, body: ConsentIn, session: DbDep, admin: AdminDep, services: ServicesDep
) -> ConsentOut:
    """Record who agreed to what, when, on what authority; sets the consent flags (admin)."""
    record = answer(
        services, session, admin, lambda desk: people.record_consent(desk, resident_id, body)
    )
    session.info.setdefault("after_commit", []).append(services.consent_changed)  # tell ingest
    return ConsentOut.model_validate(record)


@router.get("/residents/{resident_id}/consents")
def list_consents(
    resident_id: PseudoId, session: DbDep, admin: AdminDep, services: ServicesDep
) -> list[ConsentOut]:
    """A resident's consent history, latest first (admin)."""
    records = answer(services, session, admin, lambda desk: people.consents(desk, resident_id))
    return [ConsentOut.model_validate(record) for record in records]
