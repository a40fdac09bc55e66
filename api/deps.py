"""Request dependencies (``Annotated`` aliases): services, database session, current user."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.access import require_role
from api.models import Role, User
from api.services import Services
from api.tenancy import confine_to_user

COOKIE = "carewatch_session"
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_services(request: Request) -> Services:
    """The app's :class:`Services`."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_db(services: ServicesDep) -> Iterator[Session]:
    """A session committed when the handler returns, rolled back if it raises.

    Callbacks queued in ``session.info["after_commit"]`` (live updates) run after
    the commit, so a browser never hears of a change that was rolled back.
    """
    with services.sessions.begin() as session:
        yield session
    for callback in session.info.pop("after_commit", []):
        callback()


DbDep = Annotated[Session, Depends(get_db, scope="function")]


def user_for(services: Services, session: Session, token: str | None) -> User | None:
    """The active user a token belongs to, if any; ``session`` is confined to what they
    may see from now on (:mod:`api.tenancy`)."""
    if not token:
        return None
    user_id = services.tokens.subject(token)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        return None
    confine_to_user(session, user)  # from here on, no query leaves their organisation
    return user


def current_user(
    services: ServicesDep, session: DbDep, token: Annotated[str | None, Depends(_bearer)]
) -> User:
    """The bearer token's user, or 401."""
    user = user_for(services, session, token)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "not logged in or the token has expired",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


UserDep = Annotated[User, Depends(current_user)]


def admin_user(user: UserDep) -> User:
    """The current user if an admin, else 403."""
    require_role(user, Role.ADMIN)
    return user


AdminDep = Annotated[User, Depends(admin_user)]


def platform_user(user: UserDep) -> User:
    """The current user if a platform admin (who adds organisations), else 403."""
    require_role(user, Role.PLATFORM)
    return user


PlatformDep = Annotated[User, Depends(platform_user)]
