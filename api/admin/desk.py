"""What every onboarding operation needs, and the refusals they raise.

Operations raise :class:`Refused` subclasses; each front end words them its own way:
the JSON API as 404/409/422 (:func:`as_http`), the pages beside the form's field, the
command line as ``carewatch: …`` with exit status 2.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import Audit
from api.i18n import N_, Said
from api.models import Base, User
from api.responses import invalid
from api.services import Services
from api.tenancy import ACROSS
from carewatch.clock import Clock
from carewatch.protocol import ID_PATTERN

T = TypeVar("T")


class Refused(Exception):
    """An operation refused; ``field`` names the input at fault, if one is. ``message``
    is marked for the catalogue (``N_``) with ``%(name)s`` for each of ``values``, so a
    page can say it in its reader's language (:attr:`said`)."""

    status = status.HTTP_422_UNPROCESSABLE_CONTENT

    def __init__(self, message: str, field: str | None = None, **values: object) -> None:
        self.said = Said(message, values)
        self.message = self.said()
        self.field = field
        super().__init__(f"{field}: {self.message}" if field else self.message)


class Invalid(Refused):
    """An input that cannot be right (422)."""


class NotFound(Refused):
    """A home, resident or user that does not exist (404)."""

    status = status.HTTP_404_NOT_FOUND


class Conflict(Refused):
    """Exists already, or still in use (409)."""

    status = status.HTTP_409_CONFLICT


def check_id(value: str, field: str, example: str) -> str:
    """``value`` if a pseudonymous id (it goes into topics and the broker's files).

    >>> check_id("gw-1", "id", "gw-0001")
    'gw-1'
    >>> check_id("gw 1\\nuser ingest", "id", "gw-0001")
    Traceback (most recent call last):
    ...
    api.admin.desk.Invalid: id: use lower-case letters, digits and '-', such as 'gw-0001'
    """
    if not re.match(ID_PATTERN, value):
        raise Invalid(
            N_("use lower-case letters, digits and '-', such as %(example)r"),
            field,
            example=example,
        )
    return value


def as_http(refused: Refused) -> HTTPException:
    """The JSON API's answer: 422 in FastAPI's list shape (D59), else a sentence."""
    if isinstance(refused, Invalid):
        return invalid("body", refused.field or "body", refused.message)
    return HTTPException(refused.status, str(refused))


@dataclass(frozen=True)
class Desk:
    """Who acts (``None``: the server's command line), in which transaction, when."""

    session: Session
    audit: Audit
    clock: Clock
    user: User | None

    def taken(self, model: type[Base], key: str) -> bool:
        """Whether a row of ``model`` has the id ``key`` in any organisation: pseudonymous
        ids and login names are unique on the whole server (they go into MQTT topics)."""
        query = select(model).filter_by(**{_key_of(model): key}).execution_options(**ACROSS)
        return self.session.scalars(query).first() is not None

    def record(
        self, action: str, what: str, resident_id: str | None = None, detail: str | None = None
    ) -> None:
        """Add an audit entry in this transaction."""
        self.audit.record(self.session, self.user, action, what, resident_id, detail)


def _key_of(model: type[Base]) -> str:
    return "username" if model is User else "id"


def answer(services: Services, session: Session, user: User, operation: Callable[[Desk], T]) -> T:
    """Run ``operation`` for a JSON request by ``user``, refusals as HTTP errors."""
    try:
        return operation(Desk(session, services.audit, services.clock, user))
    except Refused as refused:
        raise as_http(refused) from None
