"""Finding the tables in a recording's folder, and errors when it cannot be told which."""

from pathlib import Path

import pytest

from carewatch.errors import BadData
from simulators.recordings.folder import find_tables


def _touch(folder: Path, *names: str) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text("")


def test_tables_are_found_by_name(tmp_path: Path) -> None:
    _touch(tmp_path, "OrdonezA_Sensors.txt", "OrdonezA_ADLs.txt", "OrdonezA_Description.md")
    assert find_tables(tmp_path, None, None) == (
        tmp_path / "OrdonezA_Sensors.txt",
        tmp_path / "OrdonezA_ADLs.txt",
    )


def test_the_activities_table_is_optional(tmp_path: Path) -> None:
    _touch(tmp_path, "kasterenSenseData.txt")
    assert find_tables(tmp_path, None, None) == (tmp_path / "kasterenSenseData.txt", None)


def test_a_given_sensors_table_picks_its_own_activities(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "OrdonezA_Sensors.txt",
        "OrdonezA_ADLs.txt",
        "OrdonezB_Sensors.txt",
        "OrdonezB_ADLs.txt",
    )
    chosen = find_tables(tmp_path, tmp_path / "OrdonezB_Sensors.txt", None)
    assert chosen == (tmp_path / "OrdonezB_Sensors.txt", tmp_path / "OrdonezB_ADLs.txt")
    with pytest.raises(BadData, match=r"several sensors tables .* --sensors"):
        find_tables(tmp_path, None, None)


@pytest.mark.parametrize(
    ("folder", "sensors", "message"),
    [
        ("missing", None, "no such folder"),
        ("empty", None, "no sensors table"),
        ("empty", "empty/Sensor.txt", "no such file"),
    ],
)
def test_missing_things_are_errors(
    tmp_path: Path, folder: str, sensors: str | None, message: str
) -> None:
    (tmp_path / "empty").mkdir()
    given = tmp_path / sensors if sensors else None
    with pytest.raises(BadData, match=message):
        find_tables(tmp_path / folder, given, None)
