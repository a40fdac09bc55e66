"""Homes, their sensors and their gateways: the operations every front end shares."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from api.admin.broker import (
    BrokerFiles,
    acl_block,
    is_service_account,
    mosquitto_hash,
    new_password,
)
from api.admin.desk import Conflict, Desk, Invalid, NotFound
from api.admin.gateway_config import gateway_toml
from api.admin.schemas import GatewayCredentials, HomeSetupIn, HomeSetupOut
from api.models import Gateway, Home, Resident, Sensor
from api.schemas import HomeIn
from api.settings import ApiDatabaseSettings
from carewatch.protocol import Kind


def save_home(desk: Desk, body: HomeIn) -> Home:
    """Create or update a home."""
    home = desk.session.merge(Home(id=body.id, label=body.label, tz=body.tz))
    desk.record("update", "home", detail=f"home {body.id}")
    return home


def add_home(desk: Desk, body: HomeSetupIn) -> HomeSetupOut:
    """A new home with its sensors; refused if the id is taken."""
    if desk.session.get(Home, body.id) is not None:
        raise Conflict(f"home {body.id!r} exists already", "id")
    save_home(desk, body)
    desk.session.flush()
    for sensor_id, kind in body.sensors.items():
        save_sensor(desk, body.id, sensor_id, kind)
    return home_view(desk, body.id)


def save_sensor(
    desk: Desk, home_id: str, sensor_id: str, kind: Kind, resident_id: str | None = None
) -> Sensor:
    """Register a sensor, and the resident a wearable belongs to."""
    if desk.session.get(Home, home_id) is None:
        raise NotFound(f"no home {home_id!r}", "home_id")
    if resident_id is not None:
        owner = desk.session.get(Resident, resident_id)
        if owner is None or owner.home_id != home_id:
            raise Invalid("no such resident in this home", "resident_id")
    sensor = desk.session.merge(
        Sensor(home_id=home_id, id=sensor_id, kind=kind, resident_id=resident_id)
    )
    desk.record("update", "sensor", resident_id, sensor_id)
    return sensor


def home_view(desk: Desk, home_id: str) -> HomeSetupOut:
    """A home with its sensors' kinds and its gateways."""
    home = desk.session.get(Home, home_id)
    if home is None:
        raise NotFound(f"no home {home_id!r}", "home_id")
    sensors = desk.session.scalars(select(Sensor).where(Sensor.home_id == home_id))
    gateways = desk.session.scalars(select(Gateway.id).where(Gateway.home_id == home_id))
    return HomeSetupOut(
        id=home.id,
        label=home.label,
        tz=home.tz,
        sensors={s.id: Kind(s.kind) for s in sorted(sensors, key=lambda s: s.id)},
        gateways=sorted(gateways),
    )


def home_views(desk: Desk) -> list[HomeSetupOut]:
    """Every home, as :func:`home_view`."""
    return [home_view(desk, h) for h in desk.session.scalars(select(Home.id).order_by(Home.id))]


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
        raise NotFound(f"no home {home_id!r}", "home_id")
    if is_service_account(gateway_id):
        raise Invalid(f"{gateway_id!r} is a service account's name: choose another", "id")
    if desk.session.get(Gateway, gateway_id) is not None:
        raise Conflict(f"gateway {gateway_id!r} is registered already", "id")
    password = new_password()
    hashed = mosquitto_hash(password)
    desk.session.add(
        Gateway(id=gateway_id, home_id=home_id, password_hash=hashed, created_at=desk.clock())
    )
    desk.session.flush()
    if access.files and not access.files.add_gateway(home_id, gateway_id, hashed):
        raise Conflict(f"the broker has an account {gateway_id!r} already", "id")
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


def sensor_kinds(sensors: Mapping[str, Kind]) -> list[Kind]:
    """The distinct kinds of a home's sensors, in protocol order."""
    have = set(sensors.values())
    return [kind for kind in Kind if kind in have]
