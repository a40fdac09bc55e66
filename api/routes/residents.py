"""Homes, residents and sensors; readings history and daily summaries from the store."""

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api import scope as scoped
from api.access import resident_or_404, visible_resident_ids
from api.admin import homes as homes_ops
from api.admin import people as people_ops
from api.admin.desk import Desk, answer
from api.deps import AdminDep, DbDep, ServicesDep, UserDep
from api.models import Gateway, Grant, Home, Resident, Sensor, TeamResident
from api.responses import BODY, CONFLICT, FOUND, SIGNED_IN, STORE, invalid
from api.schemas import (
    AggregateOut,
    Epoch,
    HomeIn,
    HomeOut,
    PseudoId,
    ReadingOut,
    ResidentIn,
    ResidentOut,
    ResidentPatch,
    SensorIn,
    SensorOut,
    SummaryOut,
)
from api.scope import ResidentScope as ScopeType
from api.scope import scope_of
from api.services import Services
from carewatch.errors import BadData, RetryLater
from carewatch.protocol import Kind
from carewatch.store import Store, Window

T = TypeVar("T")
router = APIRouter(prefix="/api/v1", tags=["residents"], responses=SIGNED_IN | FOUND)
MAX_READINGS_SPAN = 31 * 86_400.0
MAX_AGGREGATE_SPAN = 400 * 86_400.0


@router.put("/homes/{home_id}", responses=BODY)
def put_home(
    home_id: PseudoId, body: HomeIn, session: DbDep, admin: AdminDep, services: ServicesDep
) -> HomeOut:
    """Create or update a home (admin); ``body.id`` must equal the path's id."""
    if body.id != home_id:
        raise invalid("body", "id", "must match the path")
    home = answer(services, session, admin, lambda desk: homes_ops.save_home(desk, body))
    return HomeOut.model_validate(home)


@router.get("/homes")
def list_homes(session: DbDep, _admin: AdminDep) -> list[HomeOut]:
    """Every home (admin)."""
    return [HomeOut.model_validate(h) for h in session.scalars(select(Home).order_by(Home.id))]


@router.delete("/homes/{home_id}", status_code=status.HTTP_204_NO_CONTENT, responses=CONFLICT)
def delete_home(home_id: PseudoId, session: DbDep, admin: AdminDep, services: ServicesDep) -> None:
    """Remove a home and its sensors (admin); refused while residents still live there."""
    _home_or_404(session, home_id)
    if session.scalars(select(Resident.id).where(Resident.home_id == home_id)).first():
        raise HTTPException(status.HTTP_409_CONFLICT, "move or remove its residents first")
    if session.scalars(select(Gateway.id).where(Gateway.home_id == home_id)).first():
        raise HTTPException(status.HTTP_409_CONFLICT, "revoke its gateways first")
    session.execute(delete(Sensor).where(Sensor.home_id == home_id))
    session.execute(delete(Home).where(Home.id == home_id))
    services.audit.record(session, admin, "delete", "home", detail=f"home {home_id}")


@router.delete("/homes/{home_id}/sensors/{sensor_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_sensor(
    home_id: PseudoId,
    sensor_id: PseudoId,
    session: DbDep,
    admin: AdminDep,
    services: ServicesDep,
) -> None:
    """Forget a sensor of one of the organisation's homes (admin)."""
    _home_or_404(session, home_id)
    session.execute(delete(Sensor).where(Sensor.home_id == home_id, Sensor.id == sensor_id))
    services.audit.record(session, admin, "delete", "sensor", detail=f"{home_id}/{sensor_id}")


@router.put("/homes/{home_id}/sensors/{sensor_id}", responses=BODY)
def put_sensor(
    home_id: PseudoId,
    sensor_id: PseudoId,
    body: SensorIn,
    session: DbDep,
    admin: AdminDep,
    services: ServicesDep,
) -> SensorOut:
    """Register a sensor, and the resident a wearable belongs to (admin)."""

    def operation(desk: Desk) -> Sensor:
        return homes_ops.save_sensor(desk, home_id, sensor_id, body.kind, body.resident_id)

    return SensorOut.model_validate(answer(services, session, admin, operation))


@router.get("/homes/{home_id}/sensors")
def list_sensors(home_id: PseudoId, session: DbDep, _admin: AdminDep) -> list[SensorOut]:
    """A home's registered sensors (admin)."""
    _home_or_404(session, home_id)
    query = select(Sensor).where(Sensor.home_id == home_id).order_by(Sensor.id)
    return [SensorOut.model_validate(sensor) for sensor in session.scalars(query)]


@router.post("/residents", status_code=status.HTTP_201_CREATED, responses=CONFLICT | BODY)
def create_resident(
    body: ResidentIn, session: DbDep, admin: AdminDep, services: ServicesDep
) -> ResidentOut:
    """Add a resident to a home (admin)."""
    resident = answer(services, session, admin, lambda desk: people_ops.add_resident(desk, body))
    return resident_out(session, resident)


@router.get("/residents")
def list_residents(session: DbDep, user: UserDep, services: ServicesDep) -> list[ResidentOut]:
    """The residents the user is granted (all of them for admins)."""
    visible = visible_resident_ids(session, user)
    query = select(Resident).where(Resident.id.in_(visible)).order_by(Resident.id)
    residents = list(session.scalars(query))
    services.audit.record(session, user, "read", "residents", detail=f"{len(residents)} listed")
    return [resident_out(session, resident) for resident in residents]


@router.get("/residents/{resident_id}")
def read_resident(
    resident_id: PseudoId, session: DbDep, user: UserDep, services: ServicesDep
) -> ResidentOut:
    """One resident the user is granted; 404 otherwise."""
    resident = resident_or_404(session, user, resident_id)
    services.audit.record(session, user, "read", "resident", resident_id)
    return resident_out(session, resident)


@router.patch("/residents/{resident_id}", responses=BODY)
def update_resident(
    resident_id: PseudoId,
    body: ResidentPatch,
    session: DbDep,
    admin: AdminDep,
    services: ServicesDep,
) -> ResidentOut:
    """Change a resident's name or consent flags (admin)."""
    resident = resident_or_404(session, admin, resident_id)
    if body.display_name is not None:
        resident.display_name = body.display_name
    if body.consent is not None:
        flags = {k.value: v for k, v in body.consent.items()}
        answer(
            services, session, admin, lambda desk: people_ops.change_shared(desk, resident, flags)
        )
    services.audit.record(session, admin, "update", "resident", resident_id)
    return resident_out(session, resident)


@router.delete("/residents/{resident_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_resident(
    resident_id: PseudoId, session: DbDep, admin: AdminDep, services: ServicesDep
) -> None:
    """Remove a resident and their grants (admin); their alerts stay, detached."""
    resident_or_404(session, admin, resident_id)
    session.execute(delete(Grant).where(Grant.resident_id == resident_id))
    session.execute(delete(TeamResident).where(TeamResident.resident_id == resident_id))
    for sensor in session.scalars(select(Sensor).where(Sensor.resident_id == resident_id)):
        sensor.resident_id = None
    session.execute(delete(Resident).where(Resident.id == resident_id))
    services.audit.record(session, admin, "delete", "resident", resident_id)


@router.get("/residents/{resident_id}/readings", responses=STORE)
def read_readings(
    resident_id: PseudoId,
    kind: Kind,
    session: DbDep,
    user: UserDep,
    services: ServicesDep,
    start: Annotated[Epoch | None, Query()] = None,
    end: Annotated[Epoch | None, Query()] = None,
) -> list[ReadingOut]:
    """Readings of one kind from the resident's home (at most 31 days), oldest first."""
    resident = resident_or_404(session, user, resident_id)
    scope = scope_of(session, resident, user.role, services.clock())
    _check_consent(scope, kind)
    start, end = _span(services, start, end, MAX_READINGS_SPAN)
    found = _call(lambda store: scoped.readings(store, scope, kind, start, end), services)
    services.audit.record(session, user, "read", "readings", resident_id, kind.value)
    return [ReadingOut(sensor=r.sensor, kind=r.kind, ts=r.ts, value=r.value) for r in found]


@router.get("/residents/{resident_id}/aggregates", responses=STORE)
def read_aggregates(
    resident_id: PseudoId,
    kind: Kind,
    session: DbDep,
    user: UserDep,
    services: ServicesDep,
    window: Window = Window.DAY,
    start: Annotated[Epoch | None, Query()] = None,
    end: Annotated[Epoch | None, Query()] = None,
) -> list[AggregateOut]:
    """Per-window statistics of one kind, days cut at the home's local midnight."""
    resident = resident_or_404(session, user, resident_id)
    scope = scope_of(session, resident, user.role, services.clock())
    _check_consent(scope, kind)
    start, end = _span(services, start, end, MAX_AGGREGATE_SPAN)
    rows = _call(lambda store: scoped.aggregates(store, scope, kind, start, end, window), services)
    services.audit.record(session, user, "read", "aggregates", resident_id, kind.value)
    return [AggregateOut(**{f: getattr(r, f) for f in AggregateOut.model_fields}) for r in rows]


@router.get("/residents/{resident_id}/summaries")
def read_summaries(
    resident_id: PseudoId,
    session: DbDep,
    user: UserDep,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=400)] = 28,
) -> list[SummaryOut]:
    """The latest daily summaries of the resident's home, oldest first."""
    resident = resident_or_404(session, user, resident_id)
    services.audit.record(session, user, "read", "summaries", resident_id)
    return scoped.summaries(session, scope_of(session, resident, user.role, services.clock()), days)


def _home_or_404(session: Session, home_id: str) -> Home:
    home = session.get(Home, home_id)  # the session sees the user's organisation only
    if home is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no home {home_id!r}")
    return home


def resident_out(session: Session, resident: Resident) -> ResidentOut:
    """A resident with their home's time zone."""
    return ResidentOut(
        id=resident.id,
        home_id=resident.home_id,
        display_name=resident.display_name,
        consent=resident.consent,
        tz=_tz(session, resident),
    )


def _tz(session: Session, resident: Resident) -> str:
    home = session.get(Home, resident.home_id)
    return home.tz if home else "UTC"


def _check_consent(scope: ScopeType, kind: Kind) -> None:
    if kind in scope.withheld:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"the resident has not consented to share {kind.value}"
        )


def _span(
    services: Services, start: float | None, end: float | None, longest: float
) -> tuple[float, float]:
    end = services.clock() if end is None else end
    start = end - 86_400.0 if start is None else start
    if start >= end:
        raise invalid("query", "start", "must be before end")
    if end - start > longest:
        raise invalid("query", "end", f"end - start: at most {longest / 86_400:g} days")
    return start, end


def _call(read: Callable[[Store], T], services: Services) -> T:
    if services.store is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no readings store configured")
    try:
        return read(services.store)
    except RetryLater as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from None
    except BadData as error:
        raise invalid("query", "kind", str(error)) from None
