"""``carewatch replay`` and ``carewatch evaluate``: the engine and its figures from files."""

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import typer

from carewatch.errors import BadData
from carewatch.kit import limited, unarmed
from carewatch.protocol import Alert, DailySummary, Kind
from carewatch.records import (
    LabelRecord,
    ReadingRecord,
    StatusRecord,
    read_readings,
    read_records,
    write_jsonl,
)
from detectors.config import EngineConfig
from detectors.engine import Engine
from detectors.evaluation import evaluate as score
from detectors.evaluation import judged, markdown, scan
from detectors.evaluation.chance import DRAWS
from detectors.progress import counting, shown, wanted

MANY_HOMES = 10  # more homes than this: what cannot be judged is summarised, not listed

TICK_EVERY = 60.0  # seconds of event time between watermark ticks during a replay
_UNITS = {"s": 1.0, "m": 60.0, "h": 3_600.0, "d": 86_400.0}


def parse_duration(text: str) -> float:
    """Seconds in ``'14d'``, ``'12h'``, ``'30m'``, ``'45s'`` (or a bare number of seconds).

    >>> parse_duration("14d"), parse_duration("10m"), parse_duration("90")
    (1209600.0, 600.0, 90.0)
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if match is None:
        raise BadData(f"duration {text!r} is not like 14d, 12h, 30m or 45s")
    return float(match.group(1)) * _UNITS.get(match.group(2) or "s", 1.0)


def load_homes(path: Path) -> dict[str, str]:
    """``{home: tz}`` from a homes.json list of ``{"home", "tz", ...}`` objects."""
    try:
        entries = json.loads(path.read_text())
        return {str(e["home"]): str(e["tz"]) for e in entries if e.get("tz")}
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise BadData(f"{path}: not a list of {{home, tz}} objects ({error})") from error


def find_time_zones(
    readings: Path, homes: Path | None, tz: str | None = None
) -> tuple[dict[str, str], str]:
    """Each home's time zone, and where it came from, for the operator to see.

    Without ``--homes`` the ``homes.json`` that ``carewatch simulate`` writes beside the
    readings is used: nights and days are local, and a replay in UTC would judge an
    Auckland night at noon. With neither, ``--tz`` must say the zone of every home:
    nothing is assumed.
    """
    if homes is not None and not homes.is_file():
        raise BadData(f"--homes: {homes}: no such file")
    beside = readings.with_name("homes.json")
    found = homes or (beside if beside.is_file() else None)
    if found is None:
        if tz is None:
            raise BadData(
                f"no homes.json beside {readings} and no --homes or --tz: the detectors need "
                "each home's time zone (nights are local). Give --homes homes.json "
                '([{"home": ..., "tz": ...}]) or --tz ZONE for every home (e.g. --tz '
                "Europe/London, or --tz UTC if the homes really live by UTC)"
            )
        return {}, f"every home in {tz} (--tz)"
    return load_homes(found), f"time zones from {found}"


def check_zone(tz: str | None) -> str | None:
    """``tz`` if it is an IANA zone name, else a :class:`BadData` naming ``--tz``."""
    if tz is None:
        return None
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadData(f"--tz: {tz!r} is not an IANA time zone such as Europe/London") from None
    return tz


def load_kits(path: Path) -> dict[str, frozenset[Kind]]:
    """``{home: sensor kinds}`` from the homes.json entries that list ``sensors``.

    ``sensors`` maps each sensor id to its kind (as ``carewatch simulate`` writes it).
    """
    kits: dict[str, frozenset[Kind]] = {}
    try:
        entries = json.loads(path.read_text())
        for entry in entries:
            sensors = entry.get("sensors")
            if sensors is not None:
                kits[str(entry["home"])] = frozenset(Kind(kind) for kind in sensors.values())
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise BadData(
            f"{path}: 'sensors' must map each sensor id to a kind, one of "
            f"{', '.join(k.value for k in Kind)} ({error})"
        ) from error
    return kits


def kit_report(kits: dict[str, frozenset[Kind]]) -> list[str]:
    """What each home's kit cannot judge, and why (summarised over many homes)."""
    found = {
        home: [*unarmed(kinds).values(), *limited(kinds).values()]
        for home, kinds in sorted(kits.items())
    }
    if len(found) <= MANY_HOMES:
        return [
            f"  {home} cannot judge: {'; '.join(reasons)}"
            for home, reasons in found.items()
            if reasons
        ]
    counts: dict[str, int] = {}
    for reasons in found.values():
        for reason in reasons:
            counts[reason] = counts.get(reason, 0) + 1
    return [f"  {reason} ({n} of {len(found)} homes)" for reason, n in sorted(counts.items())]


def run(
    engine: Engine, readings: Iterable[ReadingRecord], statuses: Sequence[StatusRecord] = ()
) -> Iterator[Alert | DailySummary]:
    """Feed readings in file (arrival) order, ticking the watermark as time passes.

    The watermark is the clock the latest tenth of the homes have reached (not the
    latest time stamp, which one home with a fast clock would push ahead; not the
    median, which stands still at night while most homes sleep unheard). A file's end
    is not an outage: no tick follows the last reading.
    """
    yield from engine.replay(readings, TICK_EVERY, statuses)


def load_statuses(path: Path) -> list[StatusRecord]:
    """Gateway statuses in time order from a statuses JSON Lines file (none if absent)."""
    if not path.is_file():
        return []
    return sorted(read_records(path, StatusRecord), key=lambda status: status.ts)


def _ends(readings: Iterable[ReadingRecord], ends: dict[str, float]) -> Iterator[ReadingRecord]:
    """Pass readings through, noting each home's last time stamp."""
    for reading in readings:
        if reading.ts > ends.get(reading.home, 0.0):
            ends[reading.home] = reading.ts
        yield reading


def _zoned(
    readings: Iterable[ReadingRecord], engine: Engine, zones: dict[str, str], tz: str | None
) -> Iterator[ReadingRecord]:
    """Give each home that ``zones`` lacks ``tz``, or refuse it: never a silent UTC."""
    zoned = set(zones)
    for reading in readings:
        if reading.home not in zoned:
            if tz is None:
                raise BadData(
                    f"home {reading.home!r} is not in the homes.json used and no --tz was "
                    "given: add it there, or give --tz ZONE for the homes it does not list"
                )
            engine.set_home_tz(reading.home, tz)
            zoned.add(reading.home)
        yield reading


def replay(
    readings: Annotated[Path, typer.Argument(help="readings JSON Lines file, in arrival order")],
    out: Annotated[Path, typer.Option("--out", help="alerts JSON Lines file to write")],
    summaries: Annotated[
        Path | None, typer.Option("--summaries", help="daily summaries JSON Lines file")
    ] = None,
    homes: Annotated[
        Path | None,
        typer.Option(
            "--homes", help="homes.json: [{home, tz}] (default: the one beside READINGS, else UTC)"
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option("--tz", help="time zone of the homes homes.json does not list, or of all"),
    ] = None,
    learning_period: Annotated[
        str, typer.Option("--learning-period", help="silence before routine alerts, e.g. 14d")
    ] = "14d",
    progress: Annotated[
        bool | None,
        typer.Option(help="show progress on stderr (default: when stderr is a terminal)"),
    ] = None,
) -> None:
    """Run readings through the detectors in event time; write alerts (and summaries)."""
    config = replace(EngineConfig(), learning_period=parse_duration(learning_period))
    engine = Engine(config)
    if not readings.is_file():
        raise BadData(f"{readings}: no such file")
    zones, zones_from = find_time_zones(readings, homes, check_zone(tz))
    listed = homes or readings.with_name("homes.json")
    declared = load_kits(listed) if listed.is_file() else {}
    for home, zone in zones.items():
        engine.set_home_tz(home, zone)
    errors: list[str] = []
    alerts: list[Alert] = []
    days: list[DailySummary] = []
    ends: dict[str, float] = {}
    statuses = load_statuses(readings.with_name("statuses.jsonl"))
    with shown(f"replaying {readings.name}", wanted(progress)) as bar:
        stream = counting(read_readings(readings, errors), bar, "readings")
        stream = _zoned(stream, engine, zones, tz)
        for item in run(engine, _ends(stream, ends), statuses):
            if isinstance(item, Alert):
                alerts.append(item)
            else:
                days.append(item)
    # A home's recording ending while others go on is not an outage.
    alerts = [a for a in alerts if a.detected_at <= ends.get(a.home, a.detected_at)]
    with out.open("wb") as handle:
        write_jsonl(alerts, handle)
    if summaries is not None:
        with summaries.open("wb") as handle:
            write_jsonl(days, handle)
    typer.echo(
        f"replayed {len(engine.homes())} homes: {len(alerts)} alerts, {len(days)} daily "
        f"summaries, {len(errors)} unreadable lines skipped; {zones_from}"
    )
    kits = {home: engine.kinds(home) | declared.get(home, frozenset()) for home in engine.homes()}
    lines = kit_report(kits)
    kit_from = "homes.json and the readings" if declared else "the sensors heard from"
    typer.echo(f"what cannot be judged (kit from {kit_from}):" if lines else "every alert armed")
    for line in lines:
        typer.echo(line)
    for message in errors[:5]:
        typer.echo(f"  skipped {message}", err=True)


def evaluate(
    labels: Annotated[Path, typer.Option("--labels", help="ground-truth labels JSON Lines")],
    alerts: Annotated[Path, typer.Option("--alerts", help="alerts JSON Lines from replay")],
    readings: Annotated[
        Path | None,
        typer.Option(
            "--readings", help="the readings replayed (default: readings.jsonl beside LABELS)"
        ),
    ] = None,
    learning_period: Annotated[
        str, typer.Option("--learning-period", help="as replayed; judged from its end, e.g. 14d")
    ] = "14d",
    draws: Annotated[
        int, typer.Option("--draws", min=0, help="random alerters to score as the baseline")
    ] = DRAWS,
    out: Annotated[Path | None, typer.Option("--out", help="write the report as JSON")] = None,
    progress: Annotated[
        bool | None,
        typer.Option(help="show progress on stderr (default: when stderr is a terminal)"),
    ] = None,
) -> None:
    """Per alert type: recall, precision, repeats, false alerts per resident per 90 days
    judged (each home from the end of learning to its last reading), delays, and a random
    alerter as frequent beside each figure."""
    readings = readings or labels.with_name("readings.jsonl")
    for path in (labels, alerts, readings):
        if not path.is_file():
            raise BadData(f"{path}: no such file" + (" (--readings)" if path == readings else ""))
    with shown(f"scanning {readings.name}", wanted(progress)) as bar:
        windows = judged(scan(readings), parse_duration(learning_period))
        if bar is not None:
            bar.update(bar.task_ids[0], description=f"scoring, with {draws} random alerters")
        report = score(
            read_records(labels, LabelRecord), read_records(alerts, Alert), windows, draws=draws
        )
    typer.echo(markdown(report))
    if out is not None:
        out.write_bytes(msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n")
