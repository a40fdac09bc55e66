"""A resident's daily summaries and alerts as one FHIR R4 ``collection`` Bundle.

Built and validated with the ``fhir.resources`` R4B models (decision D114): R4B differs
from R4 only in resources we do not use, so the JSON is valid R4 as well. The Patient
carries the resident's pseudonymous id and no name unless the caller asked for it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource

from api.fhir import codes
from api.fhir.ids import full_url, instant, local_day, resource_id
from api.models import AlertState
from api.schemas import AlertOut, SummaryOut


@dataclass(frozen=True)
class Subject:
    """Who the bundle is about: the pseudonym, the home's time zone, a name if allowed."""

    resident: str
    tz: str
    name: str | None = None

    @property
    def url(self) -> str:
        """The Patient's ``fullUrl``, which every other resource refers to."""
        return full_url(resource_id(self.resident))


def build_bundle(
    subject: Subject, summaries: Sequence[SummaryOut], alerts: Sequence[AlertOut], now: float
) -> Bundle:
    """The bundle: the Patient, each day's figures, each alert (and a Flag while active)."""
    resources: list[Resource] = [_patient(subject)]
    for summary in summaries:
        resources += [_observation(subject, summary, f) for f in codes.FIGURES if _has(summary, f)]
    for alert in alerts:
        resources.append(_detected_issue(subject, alert))
        if alert.state != AlertState.RESOLVED:
            resources.append(_flag(subject, alert))
    entries = [{"fullUrl": full_url(str(r.id)), "resource": r} for r in resources]
    return Bundle.model_validate(
        {"type": "collection", "timestamp": instant(now), "entry": entries}
    )


def _has(summary: SummaryOut, figure: codes.Figure) -> bool:
    return getattr(summary, figure.field) is not None


def _patient(subject: Subject) -> Patient:
    identifier = [{"system": codes.RESIDENT_SYSTEM, "value": subject.resident}]
    name = [{"text": subject.name}] if subject.name else None
    return Patient.model_validate(
        {"id": resource_id(subject.resident), "identifier": identifier, "name": name}
    )


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _observation(subject: Subject, summary: SummaryOut, figure: codes.Figure) -> Observation:
    value = getattr(summary, figure.field)
    return Observation.model_validate(
        {
            "id": resource_id(subject.resident, summary.date, figure.field),
            "status": "final",
            "category": [
                _concept(codes.CATEGORY_SYSTEM, figure.category, codes.CATEGORIES[figure.category])
            ],
            "code": {
                "coding": [{"system": s, "code": c, "display": d} for s, c, d in figure.codings],
                "text": figure.display,
            },
            "subject": {"reference": subject.url},
            "effectivePeriod": local_day(summary.date, subject.tz),
            "valueQuantity": {
                "value": value,
                "unit": figure.unit,
                "system": codes.UCUM,
                "code": figure.ucum,
            },
        }
    )


def _alert_code(alert: AlertOut) -> dict[str, Any]:
    return _concept(codes.ALERT_SYSTEM, alert.kind.value, codes.alert_display(alert.kind.value))


def _detected_issue(subject: Subject, alert: AlertOut) -> DetectedIssue:
    steps = [("Acknowledged by a carer", alert.acknowledged_at), ("Resolved", alert.resolved_at)]
    return DetectedIssue.model_validate(
        {
            "id": resource_id(subject.resident, "alert", str(alert.id)),
            "identifier": [{"system": codes.ALERT_ID_SYSTEM, "value": str(alert.id)}],
            "status": "final",
            "code": _alert_code(alert),
            "severity": codes.DETECTED_ISSUE_SEVERITY[alert.severity.value],
            "patient": {"reference": subject.url},
            "identifiedDateTime": instant(alert.detected_at),
            "detail": alert.explanation,
            "mitigation": [
                {"action": {"text": what}, "date": instant(at)} for what, at in steps if at
            ]
            or None,
        }
    )


def _flag(subject: Subject, alert: AlertOut) -> Flag:
    issue = full_url(resource_id(subject.resident, "alert", str(alert.id)))
    return Flag.model_validate(
        {
            "id": resource_id(subject.resident, "flag", str(alert.id)),
            "extension": [{"url": codes.FLAG_DETAIL, "valueReference": {"reference": issue}}],
            "status": "active",
            "category": [_concept(codes.FLAG_CATEGORY_SYSTEM, "clinical", "Clinical")],
            "code": {**_alert_code(alert), "text": alert.explanation},
            "subject": {"reference": subject.url},
            "period": {"start": instant(alert.start)},
        }
    )
