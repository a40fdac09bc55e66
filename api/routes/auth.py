"""Logging in: the OAuth2 password flow, issuing short-lived bearer tokens."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import DbDep, ServicesDep, UserDep
from api.models import User
from api.schemas import TokenOut, UserOut
from api.security import verify_password

router = APIRouter(prefix="/api/v1", tags=["auth"])


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials; unknown users cost the same time."""
    user = session.scalars(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user is not None and user.active else None


@router.post("/auth/token")
def login_for_token(
    services: ServicesDep, session: DbDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    user = authenticate(session, form.username, form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = services.tokens.issue(user.id)
    return TokenOut(access_token=token, expires_in=services.tokens.seconds)


@router.get("/me")
def read_me(user: UserDep) -> UserOut:
    """The logged-in user."""
    return user_out(user)


def user_out(user: User) -> UserOut:
    """A user without secrets."""
    out = UserOut.model_validate(user)
    return out.model_copy(update={"has_notify_url": bool(user.notify_url)})
