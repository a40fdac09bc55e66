"""The ``carewatch`` command: composes the commands each package registers.

Packages contribute through the ``carewatch.commands`` entry-point group (see
pyproject.toml), so this shared core never imports anything downstream of it.
A Typer object becomes a command group; a function becomes a single command.
A package's commands are imported only when that command runs (or help lists
them), so ``carewatch gateway run`` on a Raspberry Pi never loads the server side.
"""

import sys
from functools import cache
from importlib.metadata import EntryPoint, entry_points

import click
import typer
from typer.core import TyperGroup

from carewatch import __version__
from carewatch.errors import BadData, ConfigError


@cache
def _entries() -> dict[str, EntryPoint]:
    return {entry.name: entry for entry in entry_points(group="carewatch.commands")}


def _as_click(name: str, command: object) -> click.Command:
    if isinstance(command, typer.Typer):
        group = typer.main.get_group(command)
        group.name = name
        return group
    single = typer.Typer()
    single.command(name=name)(command)  # type: ignore[arg-type]
    return typer.main.get_command(single)


class _PackageCommands(TyperGroup):
    """The root group: built-in commands plus every package's, loaded on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_entries()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        built_in = super().get_command(ctx, cmd_name)
        entry = _entries().get(cmd_name)
        if built_in is not None or entry is None:
            return built_in
        try:
            return _as_click(cmd_name, entry.load())
        except ImportError as error:  # a package left out of a slim install, e.g. on a gateway
            typer.echo(f"carewatch: command {cmd_name!r} unavailable: {error}", err=True)
            return None


app = typer.Typer(
    name="carewatch",
    help="CareWatch: in-home sensor monitoring for social care.",
    cls=_PackageCommands,
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


def main() -> None:
    """Console-script entry point: errors a person can act on, not tracebacks."""
    try:
        app(standalone_mode=True)
    except (ConfigError, BadData) as error:
        typer.echo(f"carewatch: {error}", err=True)
        sys.exit(2)
