"""``carewatch api``: serve the API, migrate its database, create the first admin."""

import os
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from api.admin import cli as onboarding
from api.admin.desk import Desk, Refused
from api.admin.organisations import organisation_for
from api.audit import Audit
from api.db import make_engine, migrate, session_factory
from api.models import Role, User
from api.security import hash_password
from api.settings import ApiDatabaseSettings, ApiSettings
from carewatch.clock import system_clock
from carewatch.errors import BadData, ConfigError
from carewatch.settings import load_settings
from carewatch.store import open_store

app = typer.Typer(name="api", help="The CareWatch API and dashboards.", no_args_is_help=True)
onboarding.register(app)
PASSWORD_ENV = "CAREWATCH_API_ADMIN_PASSWORD"  # noqa: S105 (the variable's name)


@app.command()
def serve() -> None:
    """Run the API (migrating the database first) until interrupted."""
    import uvicorn

    from api.app import create_app

    settings = load_settings(ApiSettings)
    store = open_store(settings.store_url)
    uvicorn.run(create_app(settings, store=store), host=settings.host, port=settings.port)


@app.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to date."""
    settings = load_settings(ApiDatabaseSettings)
    migrate(make_engine(settings.database_url))
    typer.echo("database is up to date")


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="login name")],
    display_name: Annotated[str, typer.Option(help="name shown on pages")] = "Administrator",
    password_file: Annotated[
        Path | None,
        typer.Option(help=f"file holding the password (else ${PASSWORD_ENV} or a prompt)"),
    ] = None,
    organisation: onboarding.Organisation = None,
    platform: Annotated[
        bool, typer.Option(help="a platform admin: adds organisations, sees none of their data")
    ] = False,
) -> None:
    """Create an administrator of an organisation (or of the platform); there are no
    default credentials anywhere."""
    if platform and organisation:
        raise BadData("--platform: a platform admin belongs to no organisation")
    password = _password(password_file)
    settings = load_settings(ApiDatabaseSettings)
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_factory(engine).begin() as session:
        if session.scalars(select(User).where(User.username == username)).first():
            raise BadData(f"user {username!r} already exists")
        desk = Desk(session, Audit(system_clock), system_clock, None)
        try:
            where = None if platform else organisation_for(desk, organisation)
        except Refused as refused:
            raise BadData(str(refused)) from None
        session.add(
            User(
                username=username,
                display_name=display_name,
                role=Role.PLATFORM if platform else Role.ADMIN,
                password_hash=hash_password(password),
                active=True,
                organisation_id=where,
            )
        )
    kind = "platform admin" if platform else f"admin of organisation {where}"
    typer.echo(f"created {kind} {username!r}")


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").rstrip("\n")
        except OSError as error:
            raise ConfigError(f"--password-file {password_file}: {error}") from None
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered
