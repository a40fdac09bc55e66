"""Server-rendered dashboards: login, the carer's caseload, and a family's view.

Pages authenticate with a cookie holding the same short-lived JWT as the API
(``HttpOnly``, ``SameSite=Strict``), and every form carries a token derived from
that session, so a form posted from another site is refused twice over.
"""

from collections.abc import AsyncIterable
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import alert_or_404, resident_or_404, visible_resident_ids
from api.alert_words import explanation, state_words
from api.bands import usual_band
from api.caseload import alert_view, by_urgency, caseload, concerns
from api.charts import bar_chart
from api.deps import COOKIE, DbDep, ServicesDep, user_for
from api.family import MEASURES, compare, measure
from api.i18n import Language, Words, from_header, page
from api.models import AlertState, Resident, Role, User
from api.routes.alerts import acknowledge, feedback, resolve, visible_alerts
from api.routes.auth import LoginHeldBack, authenticate
from api.routes.events import change_stream
from api.schemas import FeedbackIn, Note, PseudoId, RowId
from api.scope import ResidentScope, scope_of
from api.scope import summaries as resident_summaries
from api.services import Services
from api.today import SoFar, so_far
from api.when import ago, date_words, day_label, full
from carewatch.protocol import Kind

router = APIRouter(include_in_schema=False)


class LoginRequired(HTTPException):
    """Raised by page handlers without a valid session; answered with a redirect."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_303_SEE_OTHER, "log in first", {"Location": "/login"})


SessionCookie = Annotated[str | None, Cookie(alias=COOKIE)]


def page_user(services: Services, session: Session, token: str | None) -> User:
    """The session cookie's user, or a redirect to the login page."""
    user = user_for(services, session, token)
    if user is None:
        raise LoginRequired
    return user


def check_form(services: Services, token: str | None, csrf: str) -> None:
    if not token or not services.tokens.check_form_token(token, csrf):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this form has expired: reload the page")


@router.get("/", response_class=RedirectResponse)
def home_page() -> RedirectResponse:
    """Send visitors to their dashboard (or the login page)."""
    return RedirectResponse("/carer", status.HTTP_303_SEE_OTHER)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    """The login form, in the browser's language (nobody is known yet)."""
    return page(request, _browser_language(request), "login.html", {"error": None})


def _browser_language(request: Request) -> str:
    return from_header(request.headers.get("accept-language"))


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    services: ServicesDep,
    session: DbDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> Response:
    """Check the password, set the session cookie, and go to the right dashboard."""
    language = _browser_language(request)
    words = Words(language)
    try:
        user = authenticate(services, session, request, username, password)
    except LoginHeldBack as held:  # say so on the page, with how long to wait
        said = held.wording(words)
        context = {"error": f"{said[0].upper()}{said[1:]}."}
        return page(request, language, "login.html", context, held.status_code, held.headers)
    if user is None:
        context = {"error": words.gettext("Wrong username or password.")}
        return page(request, language, "login.html", context, status_code=401)
    response = RedirectResponse(_dashboard(user), status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        COOKIE,
        services.tokens.issue(user.id),
        max_age=services.tokens.seconds,
        httponly=True,
        samesite="strict",
        secure=services.settings.secure_cookies,
    )
    return response


def _dashboard(user: User) -> str:
    admins = {Role.ADMIN: "/admin", Role.PLATFORM: "/admin"}  # a platform admin learns where
    return {Role.FAMILY: "/family", **admins}.get(Role(user.role), "/carer")


@router.post("/language")
def choose_language(
    services: ServicesDep,
    session: DbDep,
    csrf: Annotated[str, Form(max_length=128)],
    language: Annotated[Language, Form()],
    token: SessionCookie = None,
) -> RedirectResponse:
    """Choose the language of one's own pages and alerts, from the menu of any page."""
    user = page_user(services, session, token)
    check_form(services, token, csrf)
    user.language = language
    services.audit.record(session, user, "update", "user", detail=f"language {language}")
    return RedirectResponse(_dashboard(user), status.HTTP_303_SEE_OTHER)


@router.post("/logout")
def logout(
    services: ServicesDep,
    csrf: Annotated[str, Form(max_length=128)],
    token: SessionCookie = None,
) -> RedirectResponse:
    """End the session."""
    check_form(services, token, csrf)
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE)
    return response


@router.get("/carer", response_class=HTMLResponse)
def carer_page(
    request: Request, services: ServicesDep, session: DbDep, token: SessionCookie = None
) -> Response:
    """The caseload, most in need of attention first, with active alerts to act on."""
    user = page_user(services, session, token)
    if user.role == Role.FAMILY:
        return RedirectResponse("/family", status.HTTP_303_SEE_OTHER)
    residents = _residents(session, user)
    active = [a for a in visible_alerts(session, user, limit=500) if a.state != AlertState.RESOLVED]
    services.audit.record(session, user, "read", "caseload", detail=f"{len(residents)} residents")
    visible = visible_resident_ids(session, user)
    now = services.clock()
    words = Words(user.language)
    context = {
        "user": user,
        "csrf": services.tokens.form_token(token or ""),
        "caseload": caseload(residents, active),
        "alerts": [alert_view(session, a, visible, now, words) for a in by_urgency(active)],
    }
    return page(request, user.language, "carer.html", context)


def cookie_user(services: ServicesDep, session: DbDep, token: SessionCookie = None) -> User:
    """The page session's user (dependency form, for streaming responses)."""
    return page_user(services, session, token)


@router.get("/carer/events", response_class=EventSourceResponse)
async def carer_events(
    services: ServicesDep, user: Annotated[User, Depends(cookie_user)]
) -> AsyncIterable[ServerSentEvent]:
    """Live updates for the carer page (cookie session)."""
    async for event in change_stream(services, user):
        yield event


@router.post("/carer/alerts/{alert_id}/{action}")
def carer_action(
    alert_id: RowId,
    action: str,
    services: ServicesDep,
    session: DbDep,
    csrf: Annotated[str, Form(max_length=128)],
    note: Annotated[Note, Form()] = "",
    token: SessionCookie = None,
) -> RedirectResponse:
    """Acknowledge, resolve, or mark useful / not useful, from the carer page."""
    user = page_user(services, session, token)
    check_form(services, token, csrf)
    alert = alert_or_404(session, user, alert_id)
    if action == "acknowledge":
        acknowledge(session, services, user, alert, note)
    elif action == "resolve":
        resolve(session, services, user, alert, note)
    elif action in ("useful", "not-useful"):
        feedback(session, services, user, alert, FeedbackIn(useful=action == "useful", note=note))
    else:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return RedirectResponse(f"/carer#alert-{alert_id}", status.HTTP_303_SEE_OTHER)


@router.get("/family", response_class=HTMLResponse)
def family_page(
    request: Request,
    services: ServicesDep,
    session: DbDep,
    token: SessionCookie = None,
    resident_id: PseudoId | None = None,
) -> Response:
    """One relative: their latest day against their usual, recent weeks, alerts in words."""
    user = page_user(services, session, token)
    if resident_id is None:
        granted = _residents(session, user)
        if not granted:
            context = {"user": user, "csrf": services.tokens.form_token(token or "")}
            return page(request, user.language, "family_none.html", context)
        resident_id = granted[0].id
    resident = resident_or_404(session, user, resident_id)
    services.audit.record(session, user, "read", "family-dashboard", resident.id)
    context = {"user": user, "csrf": services.tokens.form_token(token or "")}
    context |= family_context(session, services, user, resident)
    return page(request, user.language, "family.html", context)


def family_context(
    session: Session, services: Services, user: User, resident: Resident
) -> dict[str, Any]:
    """Everything the family page shows about ``resident``, in ``user``'s language."""
    now = services.clock()
    words = Words(user.language)
    scope = scope_of(session, resident, user.role, now)
    summaries = resident_summaries(session, scope, 28)
    tz = scope.tz
    since = now - 14 * 86_400
    alerts = visible_alerts(session, user, resident_id=resident.id, since=since, limit=20)
    alerts += [
        a
        for a in visible_alerts(session, user, since=since, limit=50)
        if a.resident_id is None and concerns(a, resident)
    ]
    charts = []
    for name, label, unit in MEASURES:
        values = [measure(s, name) for s in summaries]
        band = usual_band(values[:-1])
        points = [(day_label(s.date, words), v) for s, v in zip(summaries, values, strict=True)]
        charts.append(
            (
                words.gettext(label),
                bar_chart(
                    points,
                    words.gettext(label),
                    words.gettext(unit),
                    (band.low, band.high) if band else None,
                ),
            )
        )
    return {
        "today": _today(services, scope, resident),
        "resident": resident,
        "latest_date": date_words(summaries[-1].date, words) if summaries else None,
        "comparisons": compare(summaries, words),
        "charts": charts,
        "alerts": [
            {
                "when": full(a.detected_at, tz, words),
                "ago": ago(a.detected_at, now, words),
                "text": explanation(a, words),
                "state": state_words(a, now, words),
            }
            for a in sorted(alerts, key=lambda a: a.detected_at, reverse=True)
        ],
    }


def _today(services: Services, scope: ResidentScope, resident: Resident) -> SoFar | None:
    if services.store is None:
        return None
    allowed = set(Kind) - scope.withheld
    return so_far(services.store, scope, services.clock(), allowed=allowed)


def _residents(session: Session, user: User) -> list[Resident]:
    visible = visible_resident_ids(session, user)
    query = select(Resident).where(Resident.id.in_(visible)).order_by(Resident.display_name)
    return list(session.scalars(query))
