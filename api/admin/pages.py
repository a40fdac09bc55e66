"""The onboarding page for admins, server-rendered, its forms guarded by form tokens (D30).

Each form posts to ``/admin/<form>`` and runs one operation in its own transaction: a
refusal rolls everything back and shows the page again with the message beside the field
and what was typed; a success redirects (so a reload does not repeat it), except a new
secret, which is shown this once and never cached.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from api.admin.desk import Desk, Refused
from api.admin.forms import FORMS, Done
from api.admin.gateways import GatewayAccess, gateway_access
from api.admin.overview import overview
from api.deps import DbDep, ServicesDep
from api.i18n import DEFAULT, N_, Said, SaidValueError, Words, page
from api.models import Role, User
from api.pages import SessionCookie, page_user
from api.services import Services
from api.tenancy import confine_to_user
from carewatch.protocol import ID_SCHEMA_PATTERN

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
Errors = dict[str, str]
PLATFORM_ELSEWHERE = (
    "platform administrators add organisations and their first admin "
    "(POST /api/v1/organisations or carewatch api add-organisation); "
    "that admin sets up the organisation's homes here"
)
Organisation = Annotated[str | None, Query(description="default: the admin's own")]


async def posted(request: Request) -> dict[str, str]:
    """The posted form's text fields."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(posted)]


def admin_of(user: User, organisation: str | None = None) -> User:
    """``user`` if an admin of ``organisation`` (default: theirs), else 403 (as the admin-only
    JSON routes answer); 404 naming an organisation that is not theirs, known or not."""
    if user.role == Role.PLATFORM:
        raise HTTPException(status.HTTP_403_FORBIDDEN, PLATFORM_ELSEWHERE)
    if user.role != Role.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only administrators set up homes")
    if organisation is not None and organisation != user.organisation_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no organisation {organisation!r}")
    return user


@router.get("/admin", response_class=HTMLResponse)
def admin_page(
    request: Request,
    services: ServicesDep,
    session: DbDep,
    token: SessionCookie = None,
    done: str | None = None,
    organisation: Organisation = None,
) -> Response:
    """Onboarding: homes, gateways, residents, consent, people and their access, of the
    admin's organisation."""
    user = admin_of(page_user(services, session, token), organisation)
    desk = Desk(session, services.audit, services.clock, user)
    desk.record("read", "onboarding")
    context = _context(services, desk, token) | {"done": done if done in FORMS else None}
    return page(request, user.language, "admin.html", context)


@router.post("/admin/{action}", response_class=HTMLResponse)
def admin_submit(
    action: str,
    request: Request,
    services: ServicesDep,
    session: DbDep,
    fields: FormFields,
    token: SessionCookie = None,
    organisation: Organisation = None,
) -> Response:
    """Run one form's operation in the admin's organisation; show the outcome."""
    user = admin_of(page_user(services, session, token), organisation)
    if not token or not services.tokens.check_form_token(token, fields.get("csrf", "")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this form has expired: reload the page")
    form = action  # the form posted: homes, gateways, residents, …
    handler = FORMS.get(form)
    if handler is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    try:
        with services.sessions.begin() as work:  # its own transaction: a refusal undoes all
            actor = work.get(User, user.id)
            confine_to_user(work, user)  # as the request's own session
            outcome = handler(
                Desk(work, services.audit, services.clock, actor), fields, _access(services)
            )
        if form == "consents":
            services.consent_changed()  # ingest hears it now, not at the next tick
    except (ValidationError, Refused) as error:
        desk = Desk(session, services.audit, services.clock, user)
        words = Words(user.language)
        context = _context(services, desk, token) | {
            "errors": {form: _messages(error, words)},
            "values": {form: fields},
            "labels": _labels(form, words),
        }
        return page(request, user.language, "admin.html", context, status_code=422)
    if isinstance(outcome, Done):
        return RedirectResponse(f"/admin?done={form}#{form}", status.HTTP_303_SEE_OTHER)
    context = {
        "user": user,
        "csrf": services.tokens.form_token(token),
        "shown": outcome,
        "login_url": f"{request.base_url}login",
    }
    return page(request, user.language, "admin_once.html", context, headers=NO_STORE)


def _access(services: Services) -> GatewayAccess:
    return gateway_access(services.settings)


def _context(services: Services, desk: Desk, token: str | None) -> dict[str, Any]:
    language = desk.user.language if desk.user else DEFAULT
    return overview(desk, Words(language)) | {
        "user": desk.user,
        "csrf": services.tokens.form_token(token or ""),
        "errors": {},
        "values": {},
        "labels": {},
    }


# the fields' labels, for the summary of what was refused above the forms
LABELS = {
    "tz": N_("Time zone"),
    "label": N_("Address label"),
    "sensors": N_("Sensors"),
    "home_id": N_("Home"),
    "sensor_id": N_("Sensor id"),
    "gateway_id": N_("Gateway"),
    "kind": N_("Kind"),
    "resident_id": N_("Resident"),
    "display_name": N_("Name"),
    "username": N_("Username"),
    "role": N_("Role"),
    "user_id": N_("Person"),
    "agreed_by": N_("Agreed by"),
    "basis": N_("On whose authority"),
    "note": N_("Note"),
}
ID_LABELS = {"homes": N_("Home id"), "gateways": N_("Gateway id"), "residents": N_("Resident id")}


def _labels(form: str, words: Words) -> dict[str, str]:
    """Field name -> its label on ``form``, in ``words``' language."""
    labels = {field: words.gettext(label) for field, label in LABELS.items()}
    if form in ID_LABELS:
        labels["id"] = words.gettext(ID_LABELS[form])
    return labels


def _messages(error: ValidationError | Refused, words: Words) -> Errors:
    """Field name -> what is wrong with it, in ``words``' language."""
    if isinstance(error, Refused):
        return {error.field or "form": error.said(words)}
    messages: Errors = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "form"
        messages.setdefault(field, _problem(problem, words))
    return messages


# pydantic's own refusals of a form's fields, by type, in words a page can translate
PROBLEMS = {
    "missing": N_("is required"),
    "enum": N_("choose one of the options"),
    "literal_error": N_("choose one of the options"),
}


def _problem(problem: ErrorDetails, words: Words) -> str:
    """One pydantic refusal in words; one this page does not word stays as pydantic said it."""
    said = problem.get("ctx", {}).get("error")
    if isinstance(said, SaidValueError):
        return said.said(words)
    if problem["type"] == "string_pattern_mismatch":
        return _pattern(problem, words)
    if problem["type"] in PROBLEMS:
        return words.gettext(PROBLEMS[problem["type"]])
    if problem["type"] == "string_too_short" and problem.get("ctx", {}).get("min_length") == 1:
        return words.gettext("must not be empty")
    if problem["type"] == "string_too_long":
        most = int(problem.get("ctx", {}).get("max_length", 0))
        too_long = words.ngettext(
            "must be at most %(num)s character", "must be at most %(num)s characters", most
        )
        return too_long % {"num": most}
    return problem["msg"].removeprefix("Value error, ")


def _pattern(problem: ErrorDetails, words: Words) -> str:
    if problem.get("ctx", {}).get("pattern") == ID_SCHEMA_PATTERN:
        wrong = N_("%(value)r: use lower-case letters, digits and '-'")
    else:
        wrong = N_("%(value)r is not written as the hint beside it asks")
    return Said(wrong, {"value": problem["input"]})(words)
