"""``carewatch demo``: the whole system on one machine, with simulated homes.

``carewatch demo --incident KIND --resident NAME`` instead asks the demo already
running in ``--dir`` for an incident (decision D91: through its directory).
"""

import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import httpx
import typer

from carewatch.errors import ConfigError
from simulators.demo import DemoOptions, DemoStack
from simulators.demo.incidents import ask, find_resident
from simulators.demo.people import Login
from simulators.incidents import INCIDENT_KINDS


def demo(
    homes: Annotated[int, typer.Option(min=1, max=50, help="simulated homes")] = 5,
    days: Annotated[int, typer.Option(min=8, max=60, help="days of history to replay")] = 21,
    seed: Annotated[int, typer.Option(help="seed of the simulated cohort")] = 7,
    catch_up: Annotated[
        float, typer.Option(min=10, help="seconds to replay the history in")
    ] = 60.0,
    port: Annotated[int, typer.Option(min=1, max=65535, help="dashboard port")] = 8000,
    directory: Annotated[
        Path, typer.Option("--dir", help="where the demo keeps its data (wiped each run)")
    ] = Path("demo-output"),
    broker_url: Annotated[
        str | None, typer.Option(help="use this MQTT broker instead of the embedded one")
    ] = None,
    store_url: Annotated[
        str | None, typer.Option(help="readings store URL (default: SQLite in --dir)")
    ] = None,
    incident_every: Annotated[
        float, typer.Option(min=0, help="seconds between incidents once live (0: none)")
    ] = 240.0,
    incident: Annotated[
        str | None,
        typer.Option(
            help=f"make this happen in the running demo ({', '.join(INCIDENT_KINDS)}); "
            "with --resident"
        ),
    ] = None,
    resident: Annotated[
        str | None, typer.Option(help="the demo resident for --incident (name or id)")
    ] = None,
) -> None:
    """Run simulated homes through gateways, broker, ingest, detectors and the API."""
    if incident is not None or resident is not None:
        _incident(directory, incident, resident)
        return
    options = DemoOptions(
        homes=homes, days=days, seed=seed, catch_up_s=catch_up, directory=directory,
        api_port=port, broker_url=broker_url, store_url=store_url,
        incident_every_s=incident_every,
    )  # fmt: skip
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo("Starting CareWatch demo (broker, ingest with detectors, API, gateways)…")
    with DemoStack(options, say=lambda step: typer.echo(f"  {step}…")) as stack:
        _welcome(stack, options)
        admin = stack.logins[0]
        seen = -1
        while not stop.wait(10):
            _autopilot(stack)
            count = _alert_count(stack.api_url, admin)
            if count is not None and count != seen:
                typer.echo(f"  {count} alerts so far")
                seen = count
        typer.echo("Stopping…")
    typer.echo("Stopped.")


def _incident(directory: Path, kind: str | None, who: str | None) -> None:
    if kind is None or who is None:
        raise typer.BadParameter("--incident and --resident go together", param_hint="--incident")
    try:
        resident = find_resident(directory.resolve(), who)
        start = ask(directory.resolve(), resident, kind)
    except ConfigError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    at = datetime.fromtimestamp(start, ZoneInfo(resident.tz)).strftime("%H:%M")
    when = "now" if start <= time.time() + 60 else f"at {at} their time ({resident.tz})"
    typer.echo(f"{kind.replace('_', ' ')} for {resident.name} ({resident.home}) starts {when}.")


def _autopilot(stack: DemoStack) -> None:
    asked = stack.autopilot.due(time.time()) if stack.autopilot else None
    if asked is not None:
        home, kind = asked
        typer.echo(f"  autopilot: {kind.replace('_', ' ')} in {home.home} now")


def _welcome(stack: DemoStack, options: DemoOptions) -> None:
    typer.echo(f"\nCarer dashboard:  {stack.api_url}/carer")
    typer.echo(f"Family dashboard: {stack.api_url}/family")
    typer.echo(f"API docs:         {stack.api_url}/docs\n")
    typer.echo("Logins (fresh for this run):")
    for login in stack.logins:
        typer.echo(f"  {login.role:<7} {login.username:<13} {login.password}   ({login.sees})")
    typer.echo(
        f"\n{options.homes} homes replay {options.days} days in about {options.catch_up_s:.0f} s, "
        "then live on in real time; alerts appear as the detectors learn, and an incident\n"
        f"happens every {options.incident_every_s:.0f} s. Make one: carewatch demo --incident "
        f"stress --resident NAME --dir {options.directory}\n"
        f"Data and logs: {stack.directory}.  Ctrl-C stops everything.\n"
    )


def _alert_count(api_url: str, admin: Login) -> int | None:
    try:
        with httpx.Client(base_url=api_url, timeout=5) as client:
            token = client.post(
                "/api/v1/auth/token", data={"username": admin.username, "password": admin.password}
            ).json()["access_token"]
            alerts = client.get(
                "/api/v1/alerts", params={"limit": 500},
                headers={"Authorization": f"Bearer {token}"},
            )  # fmt: skip
            return len(alerts.json()) if alerts.status_code == 200 else None
    except (httpx.HTTPError, KeyError, ValueError):
        return None
