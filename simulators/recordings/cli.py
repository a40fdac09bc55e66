"""``carewatch import casas FILE`` and ``carewatch import kasteren DIR``: recordings to files."""

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from carewatch.errors import BadData
from carewatch.protocol.messages import ID_PATTERN, is_time_zone
from simulators.recordings.casas import read_casas
from simulators.recordings.events import Problems, Recording
from simulators.recordings.folder import find_tables
from simulators.recordings.importer import import_recording
from simulators.recordings.kasteren import read_activities, read_sensors
from simulators.recordings.mapping import Mapping, load_mapping, slug, without
from simulators.recordings.output import RecordedHome

app = typer.Typer(
    help="Import a recorded smart home: readings.jsonl, labels.jsonl, homes.json (--out).",
    no_args_is_help=True,
)

Out = Annotated[Path, typer.Option("--out", help="Directory to write the files into.")]
Tz = Annotated[
    str, typer.Option("--tz", help="IANA time zone of the recording's clock, e.g. Europe/Madrid.")
]
Home = Annotated[
    str | None, typer.Option("--home", help="Home id [a-z0-9-] (default: from the file name).")
]
MappingFile = Annotated[
    Path | None, typer.Option("--mapping", help="TOML mapping of sensor and activity names.")
]
Without = Annotated[
    list[str] | None,
    typer.Option(
        "--without",
        help="Leave out every sensor of this kind (repeatable): a partial-kit variant.",
    ),
]
SkipBad = Annotated[
    bool, typer.Option("--skip-bad", help="Skip unreadable lines (counted) instead of stopping.")
]


@app.command()
def casas(
    file: Annotated[Path, typer.Argument(help="CASAS sensor-event file (date time sensor msg).")],
    out: Out,
    tz: Tz,
    home: Home = None,
    mapping: MappingFile = None,
    leave_out: Without = None,
    skip_bad: SkipBad = False,
) -> None:
    """Import a CASAS text recording (aruba, milan, tulum, ...)."""
    zone, chosen = _checked(tz, home, file.stem if file.stem != "data" else file.parent.name, out)
    if not file.is_file():
        raise BadData(f"{file}: no such file")
    rules = without(load_mapping("casas", mapping), leave_out or [])
    problems = Problems(skip=skip_bad)
    recording = read_casas(file, zone, problems)
    _write(recording_home(chosen, tz, "casas"), recording, rules, out, problems)


@app.command()
def kasteren(
    folder: Annotated[Path, typer.Argument(help="Folder holding the sensors/activities tables.")],
    out: Out,
    tz: Tz,
    sensors: Annotated[Path | None, typer.Option("--sensors", help="The sensors table.")] = None,
    activities: Annotated[
        Path | None, typer.Option("--activities", help="The activities table (optional).")
    ] = None,
    home: Home = None,
    mapping: MappingFile = None,
    leave_out: Without = None,
    skip_bad: SkipBad = False,
) -> None:
    """Import a van Kasteren / UCI ADL binary-sensor recording (e.g. Ordóñez A)."""
    zone, chosen = _checked(tz, home, folder.resolve().name, out)
    sensors_file, activities_file = find_tables(folder, sensors, activities)
    rules = without(load_mapping("kasteren", mapping), leave_out or [])
    problems = Problems(skip=skip_bad)
    recording = read_sensors(sensors_file, zone, problems)
    if activities_file is not None:
        recording.activities = read_activities(activities_file, zone, problems)
    else:
        recording.notes.append("no activities table: no labels")
    _write(recording_home(chosen, tz, "kasteren"), recording, rules, out, problems)


def recording_home(home: str, tz: str, source: str) -> RecordedHome:
    """The homes.json entry of an imported home, before its sensors are known."""
    return RecordedHome(home, tz, ["r-001"], {}, f"gw-{home}"[:64].rstrip("-"), source)


def _checked(tz: str, home: str | None, name: str, out: Path) -> tuple[ZoneInfo, str]:
    if not is_time_zone(tz):
        raise typer.BadParameter(
            f"{tz!r} is not an IANA time zone such as Europe/Madrid", param_hint="--tz"
        )
    chosen = home if home is not None else slug(name)[:64].strip("-")
    if re.fullmatch(ID_PATTERN, chosen) is None:
        raise typer.BadParameter(
            f"{chosen!r} is not a home id (lower-case letters, digits, dashes)", param_hint="--home"
        )
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} exists and is not a directory", param_hint="--out")
    return ZoneInfo(tz), chosen


def _write(
    home: RecordedHome, recording: Recording, rules: Mapping, out: Path, problems: Problems
) -> None:
    for line in import_recording(recording, rules, home, out, problems):
        typer.echo(line)
