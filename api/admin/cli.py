"""``carewatch api add-home | add-sensor | add-gateway | remove-gateway | add-resident |
invite | grant | set-language | consent | add-organisation``: onboarding from the
server's command line, as on the pages.

Each runs in one transaction, recorded in the audit log with no user (the command line),
inside one organisation: ``--organisation``, or the only one there is (D110); it sees and
changes nothing of any other. A refusal prints ``carewatch: <field>: <what to do>`` and
exits with status 2.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, TextIO, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy import select

from api.admin import gateways, homes, organisations, people
from api.admin.desk import Desk, Refused
from api.admin.organisations import organisation_for
from api.admin.schemas import ConsentIn, HomeSetupIn, InviteIn, OrganisationIn
from api.audit import Audit
from api.db import make_engine, migrate, session_factory
from api.i18n import check_language
from api.models import ConsentBasis, Role, User
from api.schemas import ResidentIn
from api.settings import ApiDatabaseSettings
from api.tenancy import confine
from carewatch.clock import system_clock
from carewatch.errors import BadData
from carewatch.protocol import Kind
from carewatch.settings import load_settings

T = TypeVar("T")


Organisation = Annotated[
    str | None,
    typer.Option("--organisation", help="its id (default: the only one on this server)"),
]
EVERYWHERE = ""  # what add-organisation works in: no organisation yet


@contextmanager
def _desk(organisation: str | None) -> Iterator[Desk]:
    settings = load_settings(ApiDatabaseSettings)
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with session_factory(engine).begin() as session:
            desk = Desk(session, Audit(system_clock), system_clock, None)
            if organisation != EVERYWHERE:
                confine(session, organisation_for(desk, organisation))
            yield desk
    finally:
        engine.dispose()


def _run(operation: Callable[[Desk], T], organisation: str | None) -> T:
    try:
        with _desk(organisation) as desk:
            return operation(desk)
    except Refused as refused:
        raise BadData(str(refused)) from None
    except ValidationError as error:
        problems = (f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise BadData("; ".join(problems).replace("Value error, ", "")) from None


def add_home(
    home_id: Annotated[str, typer.Argument(help="pseudonymous id, e.g. home-0001")],
    label: Annotated[str, typer.Option(help="address label, shown to staff only")],
    tz: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/London")],
    sensor: Annotated[list[str] | None, typer.Option(help="ID=KIND, repeatable")] = None,
    organisation: Organisation = None,
) -> None:
    """Add a home and the sensors it has (their kinds decide which alerts are armed)."""
    pairs = [item.partition("=") for item in sensor or []]
    if any(not sep for _, sep, _ in pairs):
        raise BadData("--sensor: write ID=KIND, e.g. --sensor bed-1=bed")
    body = {"id": home_id, "label": label, "tz": tz, "sensors": {i: k for i, _, k in pairs}}
    made = _run(lambda desk: homes.add_home(desk, HomeSetupIn.model_validate(body)), organisation)
    kinds = ", ".join(kind.value for kind in homes.sensor_kinds(made.sensors)) or "none"
    typer.echo(f"added home {made.id} ({made.tz}); sensor kinds: {kinds}")


def add_sensor(
    home_id: str,
    sensor_id: str,
    kind: Annotated[Kind, typer.Option()],
    resident: Annotated[str | None, typer.Option(help="who wears it (wearables)")] = None,
    organisation: Organisation = None,
) -> None:
    """Register one more sensor in a home."""
    _run(lambda desk: homes.save_sensor(desk, home_id, sensor_id, kind, resident), organisation)
    typer.echo(f"sensor {sensor_id} ({kind.value}) registered in {home_id}")


def add_gateway(
    home_id: str,
    gateway_id: str,
    config_out: Annotated[
        Path | None, typer.Option(help="write gateway.toml here (mode 600), not to stdout")
    ] = None,
    organisation: Organisation = None,
) -> None:
    """Register a home's gateway: its broker account, and its config with the password, once."""
    access = gateways.gateway_access(load_settings(ApiDatabaseSettings))
    out = _new_file(config_out) if config_out else None  # before: the password is shown once
    try:
        made = _run(
            lambda desk: gateways.register_gateway(desk, home_id, gateway_id, access), organisation
        )
    except BadData:
        if config_out and out is not None:
            out.close()
            config_out.unlink()
        raise
    if out is not None:
        with out:
            out.write(made.config_toml)
        typer.echo(f"gateway {made.id}: config written to {config_out}", err=True)
    else:
        typer.echo(made.config_toml)
    if made.broker_updated:
        typer.echo("broker password and ACL files updated (shown once).", err=True)
    else:
        typer.echo(f"add to the broker's password file:\n{made.passwd_line}", err=True)
        typer.echo(f"and to its ACL file:\n{made.acl_block}", err=True)


def _new_file(path: Path) -> TextIO:
    try:
        return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w")
    except OSError as error:
        raise BadData(f"--config-out {path}: {error.strerror}") from None


def remove_gateway(gateway_id: str, organisation: Organisation = None) -> None:
    """Revoke a gateway: forget it and delete its broker account (a lost or replaced Pi)."""
    access = gateways.gateway_access(load_settings(ApiDatabaseSettings))
    changed = _run(lambda desk: gateways.revoke_gateway(desk, gateway_id, access), organisation)
    where = (
        "and from the broker's files" if changed else "(the broker's files are not managed here)"
    )
    typer.echo(f"gateway {gateway_id} revoked {where}; restart Mosquitto to cut a live session")


def add_resident(
    resident_id: str,
    home: Annotated[str, typer.Option(help="the home's id")],
    name: Annotated[str, typer.Option(help="shown to their carers and family only")],
    organisation: Organisation = None,
) -> None:
    """Add a resident to a home."""
    body = {"id": resident_id, "home_id": home, "display_name": name}
    _run(lambda desk: people.add_resident(desk, ResidentIn.model_validate(body)), organisation)
    typer.echo(f"added resident {resident_id} to {home}")


def invite(
    username: str,
    name: Annotated[str, typer.Option(help="their name, shown on pages")],
    role: Annotated[Role, typer.Option()],
    organisation: Organisation = None,
) -> None:
    """Create a carer, family member or admin; prints their first password once."""
    body = {"username": username, "display_name": name, "role": role}
    made = _run(lambda desk: people.invite(desk, InviteIn.model_validate(body)), organisation)
    typer.echo(f"invited {made.user.username} ({made.user.role.value}); password, shown once:")
    typer.echo(made.password)


def grant(username: str, resident_id: str, organisation: Organisation = None) -> None:
    """Let a carer look after a resident, or a family member follow their relative."""

    def operation(desk: Desk) -> None:
        user = desk.session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise Refused(f"no user {username!r}", "username")
        people.grant(desk, user.id, resident_id)

    _run(operation, organisation)
    typer.echo(f"{username} may now see {resident_id}")


def set_language(username: str, language: str, organisation: Organisation = None) -> None:
    """Choose the language of a person's pages and alerts (en or es)."""

    def operation(desk: Desk) -> None:
        try:
            chosen = check_language(language)
        except ValueError as wrong:
            raise Refused(str(wrong), "language") from None
        user = desk.session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise Refused(f"no user {username!r}", "username")
        user.language = chosen
        desk.record("update", "user", detail=f"user {user.id} language {chosen}")

    _run(operation, organisation)
    typer.echo(f"{username} now reads CareWatch in {language}")


def consent(
    resident_id: str,
    agreed_by: Annotated[str, typer.Option(help="who agreed")],
    basis: Annotated[ConsentBasis, typer.Option(help="on whose authority")],
    monitoring: Annotated[bool, typer.Option(help="agreed to being monitored at all")] = True,
    withhold: Annotated[list[Kind] | None, typer.Option(help="a kind not to show")] = None,
    not_collected: Annotated[
        list[Kind] | None, typer.Option(help="a kind not to collect at all (dropped at ingest)")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option(help="KIND=ROLE,ROLE: only these roles see that kind")
    ] = None,
    agreed_at: Annotated[datetime | None, typer.Option(help="when (default: now)")] = None,
    valid_from: Annotated[datetime | None, typer.Option(help="in force from")] = None,
    valid_until: Annotated[datetime | None, typer.Option(help="in force until")] = None,
    evidence: Annotated[str, typer.Option(help="where the proof is kept")] = "",
    note: str = "",
    organisation: Organisation = None,
) -> None:
    """Record who agreed to what about a resident's monitoring (a new record each time)."""
    body = {
        "agreed_by": agreed_by,
        "basis": basis,
        "monitoring": monitoring,
        "shared": {kind: kind not in (withhold or []) for kind in Kind},
        "withheld": not_collected or [],
        "roles": _roles(only or []),
        "agreed_at": agreed_at.timestamp() if agreed_at else None,
        "valid_from": valid_from.timestamp() if valid_from else None,
        "valid_until": valid_until.timestamp() if valid_until else None,
        "evidence": evidence,
        "note": note,
    }
    _run(
        lambda desk: people.record_consent(desk, resident_id, ConsentIn.model_validate(body)),
        organisation,
    )
    typer.echo(f"consent of {resident_id} recorded")


def _roles(pairs: list[str]) -> dict[str, list[str]]:
    """``heart_rate=carer,admin`` options as {kind: roles}; checked by ConsentIn."""
    roles: dict[str, list[str]] = {}
    for pair in pairs:
        kind, _, names = pair.partition("=")
        if not names:
            raise typer.BadParameter(f"{pair!r}: use KIND=ROLE,ROLE", param_hint="--only")
        roles.setdefault(kind.strip(), []).extend(n.strip() for n in names.split(","))
    return roles


def add_organisation(
    organisation_id: Annotated[str, typer.Argument(help="its id, e.g. north-care")],
    name: Annotated[str, typer.Option(help="the agency's name")],
) -> None:
    """Add an organisation (an agency sharing this server); then give it its first admin
    with ``create-admin --organisation``."""
    body = OrganisationIn.model_validate({"id": organisation_id, "name": name})
    _run(lambda desk: organisations.add_organisation(desk, body), EVERYWHERE)
    typer.echo(f"added organisation {organisation_id} ({name})")


COMMANDS = (
    add_home,
    add_sensor,
    add_gateway,
    remove_gateway,
    add_resident,
    invite,
    grant,
    set_language,
    consent,
    add_organisation,
)


def register(app: typer.Typer) -> None:
    """Add the onboarding commands to ``carewatch api``."""
    for command in COMMANDS:
        app.command(command.__name__.replace("_", "-"))(command)
