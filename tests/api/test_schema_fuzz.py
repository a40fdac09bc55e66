"""Property-based requests generated from the OpenAPI schema: never a 5xx.

Runs as an admin, who reaches the deepest code paths, and as a carer, who must
never see a resident they are not granted, against a populated database and a
real SQLite store. (The schema is loaded from a throwaway
in-memory app because schemathesis' lazy pytest fixtures do not work on pytest 9.)
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.schemas import APIOperation

from api.app import create_app
from api.settings import ApiSettings
from carewatch.settings import load_settings
from tests.api.conftest import SECRET, World

MAX_EXAMPLES = 10  # per operation: keeps the whole run well under a minute


def _spec() -> dict[str, Any]:
    settings = load_settings(ApiSettings, jwt_secret=SECRET, database_url="sqlite://")
    spec: dict[str, Any] = create_app(settings, background=False).openapi()
    return spec


SCHEMA = schemathesis.openapi.from_dict(_spec())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("who", ["admin", "carer-a"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_server_error_on_any_generated_input(
    world: World, operation: APIOperation, who: str
) -> None:
    headers = world.auth(who)

    @given(case=operation.as_strategy())
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
        assert response.status_code < 500, f"{case.method} {case.path}: {response.text[:300]}"
        if who != "admin":  # whatever the input, nothing about a resident not granted
            assert "Bert Baker" not in response.text, f"{case.method} {case.path} leaked"

    check()


def test_operation_ids_are_the_handler_names(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"list_alerts", "acknowledge_alert", "login_for_token", "read_readings"} <= set(ids)
    assert len(OPERATIONS) == len(ids) >= 30
