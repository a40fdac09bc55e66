"""``carewatch store``: look at and prune the readings store from the command line.

Output is JSON Lines (one reading, window or sensor per line), the same format as
CareWatch's reading files, so it pipes into ``jq``, replay and evaluation.
Times are RFC 3339 (``2024-03-31T00:00:00Z``), epoch seconds, or a duration
back from now (``90s``, ``15m``, ``12h``, ``30d``, ``2w``).
"""

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import msgspec
import typer

from carewatch.clock import Clock, system_clock
from carewatch.errors import ConfigError, RetryLater
from carewatch.protocol.kinds import Kind
from carewatch.records import write_jsonl
from carewatch.retention import parse_duration
from carewatch.store import Store, Window, open_store

app = typer.Typer(name="store", help="Query and prune the readings store.", no_args_is_help=True)

StoreUrl = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar=["CAREWATCH_STORE_URL", "CAREWATCH_INGEST_STORE_URL"],
        help="sqlite:///file.db or influxdb://[user:pass@]host:port/db (default: the SQLite file "
        "carewatch-data/readings.db); see docs/storage.md",
        show_default=False,
    ),
]


def parse_time(text: str, now: float) -> float:
    """Epoch seconds from RFC 3339, epoch seconds, or a duration back from ``now``.

    Examples
    --------
    >>> parse_time("2024-03-31T00:00:00Z", now=0)
    1711843200.0
    >>> parse_time("1711843200", now=0)
    1711843200.0
    >>> parse_time("1h", now=1711843200.0)
    1711839600.0
    >>> parse_time("2024-03-31 00:00", now=0)
    Traceback (most recent call last):
    ...
    ValueError: '2024-03-31 00:00' has no time zone; add Z or an offset such as +01:00
    """
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: use RFC 3339 (2024-03-31T00:00:00Z), "
            "epoch seconds, or a duration back from now (30d)"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone; add Z or an offset such as +01:00")
    return moment.timestamp()


@app.command()
def query(
    home: Annotated[str, typer.Option(help="The home's id.")],
    kind: Annotated[Kind, typer.Option(help="Kind of reading.")],
    since: Annotated[str, typer.Option(help="Start (inclusive): RFC 3339, epoch s or 30d.")],
    until: Annotated[str | None, typer.Option(help="End (exclusive); default now.")] = None,
    window: Annotated[
        Window | None, typer.Option(help="Aggregate per window instead of listing readings.")
    ] = None,
    tz: Annotated[str, typer.Option(help="IANA time zone where days start.")] = "UTC",
    store: StoreUrl = None,
) -> None:
    """Print one home's readings of a kind (or per-window statistics) as JSON Lines."""
    now = system_clock()
    start = _time_option(since, "--since", now)
    end = _time_option(until, "--until", now) if until else now
    if end <= start:
        raise typer.BadParameter(f"--until must be after --since ({end} <= {start})")
    with _opened(store) as opened:
        if window is None:
            _emit(opened.query(home, kind, start, end))
        else:
            _emit(opened.aggregate(home, kind, start, end, window, tz))


@app.command()
def sensors(
    home: Annotated[str | None, typer.Option(help="Only this home.")] = None,
    store: StoreUrl = None,
) -> None:
    """Print every sensor the store has readings from, with when it last reported."""
    with _opened(store) as opened:
        _emit(opened.sensors(home))


@app.command()
def prune(
    older_than: Annotated[str, typer.Option(help="Retention, e.g. 30d: older readings go.")],
    store: StoreUrl = None,
) -> None:
    """Delete readings older than the retention period."""
    prune_older_than(older_than, store, system_clock)


def prune_older_than(older_than: str, store: str | None, clock: Clock) -> float:
    """Delete readings older than ``older_than`` back from ``clock()``; returns the cutoff."""
    try:
        cutoff = clock() - parse_duration(older_than)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--older-than") from None
    with _opened(store) as opened:
        deleted = opened.delete_before(cutoff)
    when = datetime.fromtimestamp(cutoff, UTC).isoformat()
    typer.echo(f"deleted {deleted} readings from before {when}")
    return cutoff


def _time_option(text: str, name: str, now: float) -> float:
    try:
        return parse_time(text, now)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=name) from None


@contextmanager
def _opened(url: str | None) -> Iterator[Store]:
    """The existing store at ``url``, closed afterwards; problems become a message and exit."""
    try:
        store = open_store(url, create=False)
        try:
            yield store
        finally:
            store.close()
    except RetryLater as error:
        typer.echo(f"carewatch store: {error}; try again when the store is reachable", err=True)
        raise typer.Exit(1) from None
    except ConfigError as error:
        typer.echo(f"carewatch store: {error}", err=True)
        raise typer.Exit(2) from None


def _emit(records: Iterable[msgspec.Struct]) -> None:
    write_jsonl(records, sys.stdout.buffer)
    sys.stdout.flush()
