"""Logging in: the OAuth2 password flow, issuing short-lived bearer tokens."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.orm import Session

from api.deps import DbDep, ServicesDep, UserDep
from api.login import LoginRefused
from api.models import User
from api.responses import BODY, SIGNED_IN, Problem
from api.schemas import MePatch, TokenOut, UserOut
from api.services import Services

router = APIRouter(prefix="/api/v1", tags=["auth"])


def authenticate(
    services: Services, session: Session, request: Request, username: str, password: str
) -> User | None:
    """The active user with these credentials (unknown users cost the same time), or
    ``None``; an HTTP 429 or 503 with ``Retry-After`` while logins are held back."""
    address = request.client.host if request.client else "unknown"
    try:
        return services.logins.login(session, username, password, address)
    except LoginRefused as refused:
        raise LoginHeldBack(refused) from None


class LoginHeldBack(HTTPException):
    """A 429 or 503 with ``Retry-After``; keeps the refusal's wording for the login page."""

    def __init__(self, refused: LoginRefused) -> None:
        retry = {"Retry-After": str(refused.retry_after)}
        super().__init__(refused.status, refused.detail, headers=retry)
        self.wording = refused.wording


@router.post(
    "/auth/token",
    responses={
        400: {"model": Problem, "description": "The form could not be parsed"},
        401: {"model": Problem, "description": "Wrong username or password"},
        429: {"model": Problem, "description": "Too many failed logins: wait Retry-After s"},
        503: {"model": Problem, "description": "Too many logins being checked: retry later"},
    },
)
def login_for_token(
    services: ServicesDep,
    session: DbDep,
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    user = authenticate(services, session, request, form.username, form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = services.tokens.issue(user.id)
    return TokenOut(access_token=token, expires_in=services.tokens.seconds)


@router.get("/me", responses=SIGNED_IN)
def read_me(user: UserDep) -> UserOut:
    """The logged-in user."""
    return user_out(user)


@router.patch("/me", responses=SIGNED_IN | BODY)
def update_me(body: MePatch, user: UserDep, session: DbDep, services: ServicesDep) -> UserOut:
    """Choose the language of one's own pages and alerts (``en`` or ``es``)."""
    user.language = body.language
    services.audit.record(session, user, "update", "user", detail=f"language {body.language}")
    return user_out(user)


def user_out(user: User) -> UserOut:
    """A user without secrets."""
    out = UserOut.model_validate(user)
    return out.model_copy(update={"has_notify_url": bool(user.notify_url)})
