"""``carewatch demo``: the whole system on one machine, with simulated homes."""

import signal
import threading
from pathlib import Path
from typing import Annotated

import httpx
import typer

from simulators.demo import DemoOptions, DemoStack
from simulators.demo.people import Login


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
) -> None:
    """Run simulated homes through gateways, broker, ingest, detectors and the API."""
    options = DemoOptions(
        homes=homes, days=days, seed=seed, catch_up_s=catch_up, directory=directory,
        api_port=port, broker_url=broker_url, store_url=store_url,
    )  # fmt: skip
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo("Starting CareWatch demo (broker, ingest with detectors, API, gateways)…")
    with DemoStack(options) as stack:
        _welcome(stack, options)
        admin = stack.logins[0]
        seen = -1
        while not stop.wait(10):
            count = _alert_count(stack.api_url, admin)
            if count is not None and count != seen:
                typer.echo(f"  {count} alerts so far")
                seen = count
        typer.echo("Stopping…")
    typer.echo("Stopped.")


def _welcome(stack: DemoStack, options: DemoOptions) -> None:
    typer.echo(f"\nCarer dashboard:  {stack.api_url}/carer")
    typer.echo(f"Family dashboard: {stack.api_url}/family")
    typer.echo(f"API docs:         {stack.api_url}/docs\n")
    typer.echo("Logins (fresh for this run):")
    for login in stack.logins:
        typer.echo(f"  {login.role:<7} {login.username:<13} {login.password}   ({login.sees})")
    typer.echo(
        f"\n{options.homes} homes replay {options.days} days in about {options.catch_up_s:.0f} s, "
        "then run in real time; alerts appear as the detectors learn.\n"
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
