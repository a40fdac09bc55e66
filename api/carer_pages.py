"""The carer's pages beyond the caseload: one resident's recent weeks, and the handover.

Family members are sent to their own page; a resident the carer is not granted answers
404 exactly like one that does not exist.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access import require_role, resident_or_404, visible_resident_ids
from api.deps import DbDep, ServicesDep
from api.digest import digest
from api.handover import handover
from api.i18n import Words, page
from api.models import Role
from api.pages import SessionCookie, check_form, page_user
from api.resident_view import history, resident_context
from api.schemas import PseudoId
from api.tuning import reset

router = APIRouter(include_in_schema=False)


@router.get("/carer/residents/{resident_id}", response_class=HTMLResponse)
def resident_page(
    request: Request,
    resident_id: PseudoId,
    services: ServicesDep,
    session: DbDep,
    days: Annotated[int, Query(ge=14, le=30)] = 30,
    token: SessionCookie = None,
) -> Response:
    """One resident's last ``days`` days at a glance, alert history, and what is not armed."""
    user = page_user(services, session, token)
    resident = resident_or_404(session, user, resident_id)
    if user.role == Role.FAMILY:
        return RedirectResponse(f"/family?resident_id={resident.id}", status.HTTP_303_SEE_OTHER)
    services.audit.record(session, user, "read", "resident-page", resident.id)
    now = services.clock()
    visible = visible_resident_ids(session, user)
    context = {"user": user, "csrf": services.tokens.form_token(token or "")}
    words = Words(user.language)
    context |= resident_context(session, services.store, resident, days, now, user.role, words)
    context["alerts"] = history(session, resident, visible, days, now, words)
    return page(request, user.language, "resident.html", context)


@router.post("/carer/residents/{resident_id}/tuning/reset")
def reset_tuning(
    resident_id: PseudoId,
    services: ServicesDep,
    session: DbDep,
    csrf: Annotated[str, Form(max_length=128)],
    token: SessionCookie = None,
) -> RedirectResponse:
    """Put the resident's home's alerts back to the usual rules (carers and admins; D122)."""
    user = page_user(services, session, token)
    check_form(services, token, csrf)
    resident = resident_or_404(session, user, resident_id)
    require_role(user, Role.CARER, Role.ADMIN)
    if reset(session, services.audit, services.clock(), user, resident.home_id, resident.id):
        session.info.setdefault("after_commit", []).append(services.consent_changed)
    return RedirectResponse(f"/carer/residents/{resident.id}#tuning-h", status.HTTP_303_SEE_OTHER)


@router.get("/carer/handover", response_class=HTMLResponse)
def handover_page(
    request: Request,
    services: ServicesDep,
    session: DbDep,
    token: SessionCookie = None,
    sent: Annotated[str | None, Query(pattern="^(yes|no|no-address)$")] = None,
) -> Response:
    """This morning's handover for the carer's own caseload."""
    user = page_user(services, session, token)
    if user.role == Role.FAMILY:
        return RedirectResponse("/family", status.HTTP_303_SEE_OTHER)
    made = handover(session, user, services.clock())
    services.audit.record(session, user, "read", "handover")
    context = {
        "user": user,
        "csrf": services.tokens.form_token(token or ""),
        "handover": made,
        "text": digest(made)[1],
        "sent": sent,
        "can_send": bool(user.notify_url),
    }
    return page(request, user.language, "handover.html", context)


@router.post("/carer/handover/send")
def send_handover(
    services: ServicesDep,
    session: DbDep,
    csrf: Annotated[str, Form(max_length=128)],
    token: SessionCookie = None,
) -> RedirectResponse:
    """Send the carer their handover now, to their notification address."""
    user = page_user(services, session, token)
    check_form(services, token, csrf)
    require_role(user, Role.CARER, Role.ADMIN)
    if not user.notify_url:
        outcome = "no-address"
    else:
        outcome = "yes" if services.handover.send(session, user) else "no"
    return RedirectResponse(f"/carer/handover?sent={outcome}", status.HTTP_303_SEE_OTHER)
