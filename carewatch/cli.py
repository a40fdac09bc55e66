"""The ``carewatch`` command: composes the commands each package registers.

Packages contribute through the ``carewatch.commands`` entry-point group (see
pyproject.toml), so this shared core never imports anything downstream of it.
A Typer object becomes a command group; a function becomes a single command.
Only the package whose command runs is imported (all of them for help), so
``carewatch gateway run`` on a Raspberry Pi never loads the server side.
"""

import sys
from collections.abc import Sequence
from importlib.metadata import EntryPoint, entry_points

import typer

from carewatch import __version__
from carewatch.errors import BadData, ConfigError


def _root_app() -> typer.Typer:
    app = typer.Typer(
        name="carewatch",
        help="CareWatch: in-home sensor monitoring for social care.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root() -> None:
        """CareWatch: in-home sensor monitoring for social care."""

    @app.command()
    def version() -> None:
        """Print the CareWatch version."""
        typer.echo(__version__)

    return app


def _register(app: typer.Typer, entry: EntryPoint) -> None:
    try:
        command = entry.load()
    except ImportError as error:  # a package left out of a slim install, e.g. on a gateway
        typer.echo(f"carewatch: command {entry.name!r} unavailable: {error}", err=True)
        return
    if isinstance(command, typer.Typer):
        app.add_typer(command, name=entry.name)
    else:
        app.command(name=entry.name)(command)


def build(argv: Sequence[str] = ()) -> typer.Typer:
    """The root app with the package commands ``argv`` needs (all when unsure)."""
    app = _root_app()
    entries = sorted(entry_points(group="carewatch.commands"), key=lambda e: e.name)
    wanted = next((arg for arg in argv if not arg.startswith("-")), None)
    chosen = [e for e in entries if e.name == wanted] or entries
    for entry in chosen:
        _register(app, entry)
    return app


def main() -> None:
    """Console-script entry point: errors a person can act on, not tracebacks."""
    try:
        build(sys.argv[1:])(standalone_mode=True)
    except (ConfigError, BadData) as error:
        typer.echo(f"carewatch: {error}", err=True)
        sys.exit(2)
