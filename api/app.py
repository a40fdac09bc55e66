"""The FastAPI application: JSON API, health, metrics, event stream and dashboards."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Response
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api import carer_pages, pages
from api.admin import pages as admin_pages
from api.deps import ServicesDep
from api.notify import Notifier
from api.routes import alerts, auth, events, fhir, onboarding, organisations, people, residents
from api.routing import RoutingRules
from api.schemas import Health
from api.services import Services, build_services
from api.settings import ApiSettings
from carewatch import __version__
from carewatch.clock import Clock, system_clock
from carewatch.store import Store

STATIC = Path(__file__).parent / "static"


def operation_id(route: APIRoute) -> str:
    """Stable OpenAPI operation ids: the handler's name, unique across the app."""
    return route.name


def create_app(
    settings: ApiSettings,
    *,
    clock: Clock = system_clock,
    store: Store | None = None,
    notifier: Notifier | None = None,
    rules: RoutingRules | None = None,
    background: bool = True,
) -> FastAPI:
    """Build the app; ``background`` starts MQTT consumption and the escalation loop."""
    services = build_services(settings, clock=clock, store=store, notifier=notifier, rules=rules)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if background:
            services.start()
        try:
            yield
        finally:
            services.stop()

    app = FastAPI(
        title="CareWatch API",
        version=__version__,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.services = services
    for router in (auth.router, people.router, residents.router, alerts.router, events.router):
        app.include_router(router)
    app.include_router(onboarding.router)
    app.include_router(organisations.router)
    app.include_router(fhir.router)
    app.include_router(pages.router)
    app.include_router(carer_pages.router)
    app.include_router(admin_pages.router)
    app.add_api_route(
        "/health",
        health,
        methods=["GET"],
        tags=["service"],
        responses={503: {"model": Health, "description": "The database is not reachable"}},
    )
    app.add_api_route(
        "/metrics",
        metrics,
        methods=["GET"],
        tags=["service"],
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def health(services: ServicesDep, response: Response) -> Health:
    """Whether the service and its dependencies are up (503 when the database is not)."""
    database = _database_ok(services)
    broker = services.consumer.connected() if services.consumer else None
    response.status_code = 200 if database else 503
    return Health(
        status="ok" if database else "degraded",
        database=database,
        broker=broker,
        store=services.store is not None,
    )


def metrics(services: ServicesDep) -> Response:
    """Prometheus metrics in the text exposition format."""
    return Response(services.metrics.render(), media_type="text/plain; version=0.0.4")


def _database_ok(services: Services) -> bool:
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
