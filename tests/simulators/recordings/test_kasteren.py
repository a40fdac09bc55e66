"""Reading van Kasteren / UCI ADL tables: both layouts, tab quirks, overlaps, bad rows."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from carewatch.errors import BadData
from simulators.recordings.events import Problems
from simulators.recordings.kasteren import read_activities, read_sensors

FOLDER = Path(__file__).parent / "fixtures" / "kasteren-home"
LONDON = ZoneInfo("Europe/London")
HEADER = ("Start time\tEnd time\tLocation\tType\tPlace", "----------\t--------\t----\t----\t----")


def _table(tmp_path: Path, *rows: str, header: tuple[str, ...] = HEADER) -> Path:
    path = tmp_path / "X_Sensors.txt"
    path.write_text("\r\n".join((*header, *rows)) + "\r\n")
    return path


def test_the_fixture_gives_on_and_off_events_with_rooms() -> None:
    recording = read_sensors(FOLDER / "HomeZ_Sensors.txt", LONDON, Problems(skip=False))
    bed = [(e.ts, e.active) for e in recording.events if e.name == "Bed/Pressure"]
    assert bed[0] == (datetime(2021, 3, 1, 22, 31, 40, tzinfo=UTC).timestamp(), True)
    assert [active for _, active in bed] == [True, False] * 3
    assert {e.place for e in recording.events if e.name == "Fridge/Magnetic"} == {"Kitchen"}
    window = [e for e in recording.events if e.name == "Window/Vibration"]
    assert len(window) == 2  # a row separated by spaces, not tabs, is read too
    seat = [(e.ts, e.active) for e in recording.events if e.name == "Seat/Pressure"]
    assert len(seat) == 4  # 11:00-13:00 and 12:59-13:30 overlap: one sitting
    assert seat[-1][0] - seat[-2][0] == 2.5 * 3600
    stamps = [e.ts for e in recording.events]
    assert stamps == sorted(stamps)


def test_the_fixture_activities_are_read_in_order() -> None:
    activities = read_activities(FOLDER / "HomeZ_ADLs.txt", LONDON, Problems(skip=False))
    assert [a.name for a in activities][:5] == [
        "Sleeping",
        "Toileting",
        "Breakfast",
        "Spare_Time/TV",
        "Leaving",
    ]
    assert activities[4].end - activities[4].start == 3600 + 42 * 60 + 40


def test_van_kasterens_numbered_layout_and_dates(tmp_path: Path) -> None:
    path = _table(
        tmp_path,
        "25-Feb-2008 00:20:14\t25-Feb-2008 00:22:57\t24\t1",
        "25-Feb-2008 09:33:41\t25-Feb-2008 09:33:42\t12\t0",
        header=("sensor ids: 24 = hall-bedroom door", "-------------------------------"),
    )
    events = read_sensors(path, ZoneInfo("Europe/Amsterdam"), Problems(skip=False)).events
    assert [(e.name, e.active) for e in events] == [("24", True), ("24", False)]
    assert events[0].ts == datetime(2008, 2, 24, 23, 20, 14, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2021-03-02 10:00:00\t2021-03-02 09:00:00\tBed\tPressure\tBedroom", "ends .* before"),
        ("2021-03-02 10:00:00\t2021-03-02 11:00:00\tBed\tPressure", "expected 'start end location"),
        ("2021-03-02\t10:00\tBed\tPressure\tBedroom", "expected a start and an end time"),
    ],
)
def test_a_bad_row_is_an_error_naming_file_and_line(tmp_path: Path, row: str, reason: str) -> None:
    good = "2021-03-02 08:00:00\t2021-03-02 08:00:05\tFridge\tMagnetic\tKitchen"
    path = _table(tmp_path, good, row)
    with pytest.raises(BadData, match=reason) as caught:
        read_sensors(path, LONDON, Problems(skip=False))
    assert f"{path}:4:" in str(caught.value)
    problems = Problems(skip=True)
    assert len(read_sensors(path, LONDON, problems).events) == 2
    assert problems.count == 1


def test_a_file_without_the_rule_of_dashes_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("2021-03-02 08:00:00\t2021-03-02 08:00:05\tFridge\tMagnetic\tKitchen\n")
    with pytest.raises(BadData, match="no rule of dashes"):
        read_sensors(path, LONDON, Problems(skip=False))
