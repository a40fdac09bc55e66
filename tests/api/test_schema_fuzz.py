"""Property-based requests generated from the OpenAPI schema: never a 5xx, and every
answer is what the published schema says (status code, content type, headers, body
schema, the 422 ``detail`` shape), and input the schema forbids is refused.

Runs as an admin, who reaches the deepest code paths, and as a carer, who must
never see a resident they are not granted, against a populated database and a
real SQLite store, with valid (positive) and invalid (negative) inputs. (The schema
is loaded from a throwaway in-memory app because schemathesis' lazy pytest fixtures
do not work on pytest 9.)
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import APIOperation

from api.app import create_app
from api.settings import ApiSettings
from carewatch.settings import load_settings
from tests.api.conftest import SECRET, World

MAX_EXAMPLES = 10  # per operation and mode: keeps the whole run about a minute
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _spec() -> dict[str, Any]:
    settings = load_settings(ApiSettings, jwt_secret=SECRET, database_url="sqlite://")
    spec: dict[str, Any] = create_app(settings, background=False).openapi()
    return spec


SCHEMA = schemathesis.openapi.from_dict(_spec())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _has_input(operation: APIOperation) -> bool:
    parts = (operation.path_parameters, operation.query, operation.headers, operation.body)
    return any(len(part) for part in parts)


# Invalid input needs an input to spoil: operations without any get valid requests only.
CASES = [
    pytest.param(op, mode, id=f"{op.label}-{mode.value}")
    for op in OPERATIONS
    for mode in GenerationMode
    if mode is GenerationMode.POSITIVE or _has_input(op)
]


@pytest.mark.parametrize("who", ["admin", "carer-a"])
@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_every_generated_request_is_answered_as_documented(
    world: World, operation: APIOperation, who: str, mode: GenerationMode
) -> None:
    headers = world.auth(who)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: schemathesis.Case) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        kwargs.pop("cookies", None)
        response = world.client.request(**kwargs)
        case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)
        if who != "admin":  # whatever the input, nothing about a resident not granted
            assert "Bert Baker" not in response.text, f"{case.method} {case.path} leaked"

    check()


def test_operation_ids_are_the_handler_names(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"list_alerts", "acknowledge_alert", "login_for_token", "read_readings"} <= set(ids)
    assert len(OPERATIONS) == len(ids) >= 30
