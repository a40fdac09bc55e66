"""A home's gateways: a broker account each, made and revoked (decision D96)."""

from dataclasses import dataclass

from api.admin.broker import (
    BrokerFiles,
    acl_block,
    is_service_account,
    mosquitto_hash,
    new_password,
)
from api.admin.desk import Conflict, Desk, Invalid, NotFound, check_id
from api.admin.gateway_config import gateway_toml
from api.admin.schemas import GatewayCredentials
from api.i18n import N_
from api.models import Gateway, Home
from api.settings import ApiDatabaseSettings


@dataclass(frozen=True)
class GatewayAccess:
    """Where gateway accounts go, and what a new gateway's config says."""

    files: BrokerFiles | None
    broker_url: str | None
    ca_file: str | None


def gateway_access(settings: ApiDatabaseSettings) -> GatewayAccess:
    """The broker files and gateway config values the settings name."""
    files = None
    if settings.broker_passwd_file and settings.broker_acl_file:
        files = BrokerFiles(settings.broker_passwd_file, settings.broker_acl_file)
    return GatewayAccess(files, settings.gateway_broker_url, settings.gateway_ca_file)


def register_gateway(
    desk: Desk, home_id: str, gateway_id: str, access: GatewayAccess
) -> GatewayCredentials:
    """A gateway's broker account: hash kept, password and config returned this once."""
    home = desk.session.get(Home, home_id)
    if home is None:
        raise NotFound(N_("no home %(home)r"), "home_id", home=home_id)
    check_id(gateway_id, "id", "gw-0001")
    if is_service_account(gateway_id):
        raise Invalid(N_("%(id)r is a service account's name: choose another"), "id", id=gateway_id)
    if desk.session.get(Gateway, gateway_id) is not None:
        raise Conflict(N_("gateway %(id)r is registered already"), "id", id=gateway_id)
    password = new_password()
    hashed = mosquitto_hash(password)
    desk.session.add(
        Gateway(id=gateway_id, home_id=home_id, password_hash=hashed, created_at=desk.clock())
    )
    desk.session.flush()
    if access.files and not access.files.add_gateway(home_id, gateway_id, hashed):
        raise Conflict(N_("the broker has an account %(id)r already"), "id", id=gateway_id)
    desk.record("create", "gateway", detail=f"{home_id}/{gateway_id}")
    config = gateway_toml(
        home=home_id,
        gateway=gateway_id,
        tz=home.tz,
        password=password,
        url=access.broker_url,
        ca_file=access.ca_file,
    )

    return GatewayCredentials(
        id=gateway_id,
        home_id=home_id,
        username=gateway_id,
        password=password,
        config_toml=config,
        broker_updated=access.files is not None,
        passwd_line=f"{gateway_id}:{hashed}",
        acl_block=acl_block(home_id, gateway_id).lstrip("\n"),
    )


def revoke_gateway(desk: Desk, gateway_id: str, access: GatewayAccess) -> bool:
    """Forget a gateway and delete its broker account; whether the broker's files changed.

    Mosquitto refuses its next login once reloaded; restart it to cut a live session.
    """
    gateway = desk.session.get(Gateway, gateway_id)
    if gateway is None or desk.session.get(Home, gateway.home_id) is None:  # not ours
        raise NotFound(N_("no gateway %(id)r"), "gateway_id", id=gateway_id)
    desk.session.delete(gateway)
    desk.session.flush()
    desk.record("delete", "gateway", detail=f"{gateway.home_id}/{gateway_id}")
    return bool(access.files and access.files.remove_gateway(gateway_id))
