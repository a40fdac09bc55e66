"""The error answers the API documents, so the OpenAPI document matches what it sends.

Every error body is ``{"detail": ...}``: a sentence for 401, 403, 404, 409, 429 and 503,
and for 422 the same list of ``{"loc", "msg", "type"}`` FastAPI gives for a malformed
request, whether the request's shape or its meaning was wrong (decision D59).
"""

from typing import Any

from fastapi import HTTPException, status
from pydantic import BaseModel


class Problem(BaseModel):
    """Why the request was refused, in a sentence a person can act on."""

    detail: str


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: _problem("No valid bearer token: log in at /api/v1/auth/token"),
    403: _problem("The user's role may not do this, or the resident withheld consent"),
}
FOUND: dict[int | str, dict[str, Any]] = {
    404: _problem("No such thing, or not one the user is granted (the same answer)"),
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: _problem("Conflicts with what is stored (exists already, still in use, done)"),
}
BODY: dict[int | str, dict[str, Any]] = {
    400: _problem("The body could not be parsed (not JSON, or not UTF-8)"),
}
STORE: dict[int | str, dict[str, Any]] = {
    503: _problem("The readings store is not configured or not reachable: try again later"),
}


def invalid(location: str, field: str, message: str) -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors.

    >>> invalid("query", "start", "must be before end").detail
    [{'loc': ['query', 'start'], 'msg': 'must be before end', 'type': 'value_error'}]
    """
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": [location, field], "msg": message, "type": "value_error"}],
    )
