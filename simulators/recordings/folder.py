"""Find a van Kasteren / UCI ADL recording's sensors and activities tables in a folder."""

from fnmatch import fnmatchcase
from pathlib import Path

from carewatch.errors import BadData

SENSOR_PATTERNS = ("*sensor*.txt", "*sensedata*.txt")
ACTIVITY_PATTERNS = ("*adl*.txt", "*actdata*.txt", "*activit*.txt")


def find_tables(
    folder: Path, sensors: Path | None, activities: Path | None
) -> tuple[Path, Path | None]:
    """The sensors table and the activities table (``None`` if there is none).

    Given paths are used as they are; otherwise the folder's ``.txt`` files are matched
    by name (``OrdonezA_Sensors.txt``, ``kasterenSenseData.txt``; ``OrdonezA_ADLs.txt``,
    ``kasterenActData.txt``). When several match, the activities table sharing the
    sensors table's prefix (``OrdonezA_``) is taken; anything else ambiguous is an error.
    """
    if not folder.is_dir():
        raise BadData(f"{folder}: no such folder")
    for given in (sensors, activities):
        if given is not None and not given.is_file():
            raise BadData(f"{given}: no such file")
    names = sorted(p for p in folder.iterdir() if p.is_file())
    sensors = sensors or _one(_matching(names, SENSOR_PATTERNS), "sensors", "--sensors", folder)
    if activities is None:
        found = _matching(names, ACTIVITY_PATTERNS)
        prefix = sensors.name.lower().split("_")[0]
        same = [p for p in found if p.name.lower().startswith(prefix)]
        if len(found) > 1 and same:
            found = same
        activities = _one(found, "activities", "--activities", folder) if found else None
    return sensors, activities


def _matching(names: list[Path], patterns: tuple[str, ...]) -> list[Path]:
    return [p for p in names if any(fnmatchcase(p.name.lower(), pat) for pat in patterns)]


def _one(found: list[Path], what: str, option: str, folder: Path) -> Path:
    if not found:
        raise BadData(f"{folder}: no {what} table (like OrdonezA_Sensors.txt); name it: {option}")
    if len(found) > 1:
        listed = ", ".join(p.name for p in found)
        raise BadData(f"{folder}: several {what} tables ({listed}); choose one with {option}")
    return found[0]
