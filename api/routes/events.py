"""Live alert changes as server-sent events, limited to what the user may see."""

import asyncio
from collections.abc import AsyncIterable

from fastapi import APIRouter
from fastapi.sse import EventSourceResponse, ServerSentEvent
from sqlalchemy import select

from api.access import visible_resident_ids
from api.deps import ServicesDep, UserDep
from api.events import Change
from api.models import Home, Resident, Role, User
from api.responses import SIGNED_IN
from api.services import Services
from api.tenancy import organisation_of

router = APIRouter(prefix="/api/v1", tags=["alerts"], responses=SIGNED_IN)


@router.get("/events", response_class=EventSourceResponse)
async def alert_events(services: ServicesDep, user: UserDep) -> AsyncIterable[ServerSentEvent]:
    """New and changed alerts of the user's residents; ends after a few minutes (reconnect)."""
    async for event in change_stream(services, user):
        yield event


async def change_stream(services: Services, user: User) -> AsyncIterable[ServerSentEvent]:
    """Events for ``user`` until the stream's lifetime is over."""
    allowed = _visibility(services, user)
    queue = services.hub.subscribe()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + services.settings.sse_lifetime_seconds
    try:
        yield ServerSentEvent(event="ready", data={}, retry=3000)
        while (left := deadline - loop.time()) > 0:
            try:
                change = await asyncio.wait_for(queue.get(), timeout=left)
            except TimeoutError:
                break
            if allowed(change):
                yield ServerSentEvent(
                    event="alert", data={"alert_id": change.alert_id, "state": change.state}
                )
    finally:
        services.hub.unsubscribe(queue)


def _visibility(services: Services, user: User) -> "Visibility":
    with services.sessions() as session:
        residents = visible_resident_ids(session, user)
        homes = set(session.scalars(select(Resident.home_id).where(Resident.id.in_(residents))))
        if user.role == Role.ADMIN:  # every alert of their organisation's homes
            ours = Home.organisation_id == organisation_of(user)
            return Visibility(None, set(session.scalars(select(Home.id).where(ours))))
    return Visibility(residents, homes)


class Visibility:
    """Whether a change concerns someone the user is granted (checked per event);
    ``residents`` ``None``: anything in ``homes`` (an admin's organisation)."""

    def __init__(self, residents: set[str] | None, homes: set[str]) -> None:
        self._residents = residents
        self._homes = homes

    def __call__(self, change: Change) -> bool:
        if self._residents is None:
            return change.home_id in self._homes
        if change.resident_id is None:
            return change.home_id in self._homes
        return change.resident_id in self._residents
