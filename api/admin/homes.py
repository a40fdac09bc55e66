"""Homes and their sensors: the operations every front end shares."""

from collections.abc import Mapping

from sqlalchemy import select

from api.admin.desk import Conflict, Desk, Invalid, NotFound, check_id
from api.admin.schemas import HomeSetupIn, HomeSetupOut
from api.i18n import N_
from api.models import Gateway, Home, Resident, Sensor
from api.schemas import HomeIn
from carewatch.protocol import Kind


def save_home(desk: Desk, body: HomeIn) -> Home:
    """Create or update a home of the organisation; refused if another one has the id."""
    if desk.session.get(Home, body.id) is None and desk.taken(Home, body.id):
        raise Conflict(N_("%(id)r is taken: choose another id"), "id", id=body.id)
    home = desk.session.merge(Home(id=body.id, label=body.label, tz=body.tz))
    desk.record("update", "home", detail=f"home {body.id}")
    return home


def add_home(desk: Desk, body: HomeSetupIn) -> HomeSetupOut:
    """A new home with its sensors; refused if the id is taken."""
    if desk.taken(Home, body.id):
        raise Conflict(N_("home %(id)r exists already"), "id", id=body.id)
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
        raise NotFound(N_("no home %(home)r"), "home_id", home=home_id)
    check_id(sensor_id, "sensor_id", "bed-1")
    if resident_id is not None:
        owner = desk.session.get(Resident, resident_id)
        if owner is None or owner.home_id != home_id:
            raise Invalid(N_("no such resident in this home"), "resident_id")
    sensor = desk.session.merge(
        Sensor(home_id=home_id, id=sensor_id, kind=kind, resident_id=resident_id)
    )
    desk.record("update", "sensor", resident_id, sensor_id)
    return sensor


def home_view(desk: Desk, home_id: str) -> HomeSetupOut:
    """A home with its sensors' kinds and its gateways."""
    home = desk.session.get(Home, home_id)
    if home is None:
        raise NotFound(N_("no home %(home)r"), "home_id", home=home_id)
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


def sensor_kinds(sensors: Mapping[str, Kind]) -> list[Kind]:
    """The distinct kinds of a home's sensors, in protocol order."""
    have = set(sensors.values())
    return [kind for kind in Kind if kind in have]
