"""``GET /api/v1/residents/{id}/fhir``: a resident's summaries and alerts as a FHIR Bundle."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.access import resident_or_404
from api.deps import DbDep, ServicesDep, UserDep
from api.fhir.export import export_resident
from api.responses import FOUND, SIGNED_IN
from api.schemas import PseudoId

FHIR_JSON = "application/fhir+json"
BUNDLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "type"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "type": {"type": "string", "enum": ["collection"]},
        "entry": {"type": "array", "items": {"type": "object"}},
    },
}
router = APIRouter(prefix="/api/v1", tags=["residents"], responses=SIGNED_IN | FOUND)


@router.get(
    "/residents/{resident_id}/fhir",
    response_class=Response,
    responses={
        200: {
            "description": "A FHIR R4 Bundle (type collection), validated by fhir.resources",
            "content": {FHIR_JSON: {"schema": BUNDLE_SCHEMA}},
        }
    },
)
def export_fhir(
    resident_id: PseudoId,
    session: DbDep,
    user: UserDep,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=400, description="days of summaries and alerts")] = 28,
    include_name: Annotated[
        bool, Query(description="put the resident's name on the Patient (default: id only)")
    ] = False,
) -> Response:
    """The resident's daily summaries (Observations) and alerts (DetectedIssues, and a
    Flag while still active) of the last ``days`` days; 404 unless the user is granted
    the resident. The Patient carries the pseudonymous id, and a name only on request."""
    resident = resident_or_404(session, user, resident_id)
    bundle = export_resident(session, user, resident, days, services.clock(), include_name)
    detail = f"{len(bundle.entry or [])} resources" + (", with name" if include_name else "")
    services.audit.record(session, user, "export", "fhir", resident_id, detail)
    return Response(bundle.model_dump_json(), media_type=FHIR_JSON)
