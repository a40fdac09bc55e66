"""The admin page's forms: each turns posted fields into one onboarding operation.

A form handler returns what to show next: a sentence for the page (``Done``), or a secret
shown this once (``Shown``). Bad input raises pydantic's ``ValidationError`` or
:class:`~api.admin.desk.Refused`, which the page shows beside the field.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from api.admin import gateways, homes, people
from api.admin.desk import Desk, Invalid
from api.admin.gateways import GatewayAccess
from api.admin.schemas import ConsentIn, GatewayCredentials, HomeSetupIn, InviteIn, InviteOut
from api.i18n import N_
from api.schemas import ResidentIn, SensorIn
from carewatch.protocol import Kind

Fields = Mapping[str, str]


@dataclass(frozen=True)
class Done:
    """The operation succeeded: say so on the page."""

    message: str


@dataclass(frozen=True)
class Shown:
    """A secret to show once: a gateway's credentials or a new user's password."""

    gateway: GatewayCredentials | None = None
    invite: InviteOut | None = None


Handler = Callable[[Desk, Fields, GatewayAccess], Done | Shown]


def _ids(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text) if part]


def add_home(desk: Desk, fields: Fields, _access: GatewayAccess) -> Done:
    sensors = {sid: kind for kind in Kind for sid in _ids(fields.get(f"sensors_{kind}", ""))}
    fields_in = {k: fields.get(k, "") for k in ("id", "label", "tz")}
    body = HomeSetupIn.model_validate(fields_in | {"sensors": sensors})
    homes.add_home(desk, body)
    return Done(f"Home {body.id} added with {len(sensors)} sensors.")


def add_sensor(desk: Desk, fields: Fields, _access: GatewayAccess) -> Done:
    body = SensorIn.model_validate(
        {"kind": fields.get("kind", ""), "resident_id": fields.get("resident_id") or None}
    )
    sensor_id = fields.get("sensor_id", "")
    homes.save_sensor(desk, fields.get("home_id", ""), sensor_id, body.kind, body.resident_id)
    return Done(f"Sensor {sensor_id} added.")


def register_gateway(desk: Desk, fields: Fields, access: GatewayAccess) -> Shown:
    gateway_id = fields.get("id", "")
    home_id = fields.get("home_id", "")
    return Shown(gateway=gateways.register_gateway(desk, home_id, gateway_id, access))


def revoke_gateway(desk: Desk, fields: Fields, access: GatewayAccess) -> Done:
    gateways.revoke_gateway(desk, fields.get("gateway_id", ""), access)
    return Done("Gateway revoked.")


def add_resident(desk: Desk, fields: Fields, _access: GatewayAccess) -> Done:
    body = ResidentIn.model_validate(
        {k: fields.get(k, "") for k in ("id", "home_id", "display_name")}
    )
    people.add_resident(desk, body)
    return Done(f"{body.display_name} added.")


def invite(desk: Desk, fields: Fields, _access: GatewayAccess) -> Shown:
    body = InviteIn.model_validate(
        {k: fields.get(k, "") for k in ("username", "display_name", "role")}
    )
    return Shown(invite=people.invite(desk, body))


def grant(desk: Desk, fields: Fields, _access: GatewayAccess) -> Done:
    user_id = fields.get("user_id", "")
    if not user_id.isdigit():
        raise Invalid(N_("choose a person"), "user_id")
    people.grant(desk, int(user_id), fields.get("resident_id", ""))
    return Done("Access granted.")


def record_consent(desk: Desk, fields: Fields, _access: GatewayAccess) -> Done:
    body = ConsentIn.model_validate(
        {
            "agreed_by": fields.get("agreed_by", ""),
            "basis": fields.get("basis", ""),
            "monitoring": fields.get("monitoring") == "yes",
            "shared": {kind.value: f"share_{kind}" in fields for kind in Kind},
            "withheld": [kind.value for kind in Kind if f"collect_{kind}" not in fields],
            "evidence": fields.get("evidence", ""),
            "note": fields.get("note", ""),
        }
    )
    people.record_consent(desk, fields.get("resident_id", ""), body)
    return Done("Consent recorded.")


FORMS: dict[str, Handler] = {
    "homes": add_home,
    "sensors": add_sensor,
    "gateways": register_gateway,
    "revoke": revoke_gateway,
    "residents": add_resident,
    "people": invite,
    "grants": grant,
    "consents": record_consent,
}
