"""``carewatch export fhir``: fetch a resident's FHIR Bundle from a running API.

It calls the API as a user rather than reading its database (decision D113), so the
grants, consent and audit of the API apply to the command line too.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.client import ApiClient, read_password
from carewatch.errors import ConfigError, RetryLater

PASSWORD_ENV = "CAREWATCH_EXPORT_PASSWORD"  # noqa: S105 (the variable's name)
app = typer.Typer(
    name="export", help="Export residents' data in standard formats.", no_args_is_help=True
)


@app.callback()
def _group() -> None:
    """Export residents' data in standard formats."""


@app.command()
def fhir(
    resident: Annotated[str, typer.Option(help="the resident's pseudonymous id, e.g. r-0001")],
    username: Annotated[str, typer.Option(help="the API user to export as")],
    api: Annotated[
        str, typer.Option(help="the API's base URL", envvar="CAREWATCH_API_URL")
    ] = "http://127.0.0.1:8000",
    password_file: Annotated[
        Path | None, typer.Option(help=f"file holding the password (else ${PASSWORD_ENV})")
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=400, help="days of summaries and alerts")] = 28,
    include_name: Annotated[
        bool, typer.Option(help="put the resident's name on the Patient")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="write here (default: standard output)")] = None,
) -> None:
    """Write the resident's FHIR R4 Bundle (summaries, alerts) as JSON."""
    if out is not None and not out.parent.is_dir():
        raise ConfigError(f"--out {out}: the folder {out.parent} does not exist")
    client = ApiClient(api, username, read_password(password_file, PASSWORD_ENV))
    try:
        params = {"days": days, "include_name": include_name}
        body = client.get(f"/api/v1/residents/{resident}/fhir", **params).text
    except RetryLater as error:
        typer.echo(f"carewatch: {error}", err=True)
        sys.exit(1)
    finally:
        client.close()
    if out is None:
        typer.echo(body)
    else:
        out.write_text(body + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
