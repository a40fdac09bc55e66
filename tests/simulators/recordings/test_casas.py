"""Reading CASAS files: fields, states, annotations, and bad lines named by file and line."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from carewatch.errors import BadData
from simulators.recordings.casas import read_casas
from simulators.recordings.events import Problems

FIXTURE = Path(__file__).parent / "fixtures" / "casas-home.txt"
LA = ZoneInfo("America/Los_Angeles")


def _file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "data"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_fixture_reads_into_events_and_paired_activities() -> None:
    recording = read_casas(FIXTURE, LA, Problems(skip=False))
    assert len(recording.events) == 43
    first = recording.events[0]
    assert (first.name, first.active, first.line) == ("M004", True, 1)
    assert recording.source == str(FIXTURE)
    assert first.ts == datetime(2021, 3, 2, 5, 58, 2, 120034, tzinfo=UTC).timestamp()
    assert [e.active for e in recording.events if e.name == "D001"] == [True, False, True, False]
    temperature = next(e for e in recording.events if e.name == "T001")
    assert temperature.active is None and temperature.message == "19.5"
    names = [a.name for a in recording.activities]
    assert names == [
        "Sleeping",
        "Bed_to_Toilet",
        "Meal_Preparation",
        "Leave_Home",
        "Enter_Home",
        "Relax",
        "Sleeping",
        "Wandering",
        "Sleeping",
    ]
    toilet = recording.activities[1]
    assert toilet.end - toilet.start == pytest.approx(4 * 60 + 55.3)
    assert recording.notes == []


def test_times_without_microseconds_and_tabs_are_read(tmp_path: Path) -> None:
    path = _file(tmp_path, "2010-11-04 05:40:43\tM003\tON", "2010-11-04 05:40:44.5 M003 OFF")
    events = read_casas(path, ZoneInfo("UTC"), Problems(skip=False)).events
    assert [e.ts % 60 for e in events] == [43.0, 44.5]


def test_odd_annotations_are_noted_not_fatal(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "2010-11-04 05:00:00 M001 ON Relax end",
        "2010-11-04 05:01:00 M001 OFF Relax begin",
        "2010-11-04 05:02:00 M001 ON Relax begin",
        "2010-11-04 05:03:00 M001 OFF Cooking",
        "2010-11-04 05:04:00 M001 ON Work begin",
        "2010-11-04 05:05:00 M001 OFF Relax end",
    )
    recording = read_casas(path, ZoneInfo("UTC"), Problems(skip=False))
    assert [(a.name, a.end - a.start) for a in recording.activities] == [("Relax", 240.0)]
    assert sorted(recording.notes) == sorted(
        [
            "1 annotations end without begin",
            "1 annotations begin twice",
            "1 annotations never ended",
            "1 annotations not begin/end",
        ]
    )


def test_lines_out_of_time_order_are_sorted_and_noted(tmp_path: Path) -> None:
    path = _file(tmp_path, "2010-11-04 05:00:09 M001 ON", "2010-11-04 05:00:01 M002 ON")
    recording = read_casas(path, ZoneInfo("UTC"), Problems(skip=False))
    assert [e.name for e in recording.events] == ["M002", "M001"]
    assert recording.notes == ["sensor lines were not in time order: sorted"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("2010-11-04 05:00:09 M001", "expected 'date time sensor message'"),
        ("2010-13-04 05:00:09 M001 ON", "is not a date and time"),
        ("yesterday noon M001 ON", "is not a date and time"),
    ],
)
def test_a_bad_line_is_an_error_naming_file_and_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = _file(tmp_path, "2010-11-04 05:00:00 M001 ON", "", line)
    with pytest.raises(BadData, match=reason) as caught:
        read_casas(path, ZoneInfo("UTC"), Problems(skip=False))
    assert f"{path}:3:" in str(caught.value)
    problems = Problems(skip=True)
    assert len(read_casas(path, ZoneInfo("UTC"), problems).events) == 1
    assert problems.count == 1 and problems.examples[0].startswith(f"{path}:3:")


def test_a_file_running_through_the_repeated_autumn_hour_stays_in_order(tmp_path: Path) -> None:
    walls = ("00:59:00", "01:30:00", "01:50:00", "01:10:00", "01:40:00", "02:10:00")
    path = _file(tmp_path, *(f"2021-11-07 {wall} M001 ON" for wall in walls))
    recording = read_casas(path, LA, Problems(skip=False))
    assert recording.notes == []
    minutes = [(e.ts - recording.events[0].ts) / 60 for e in recording.events]
    assert minutes == [0, 31, 51, 71, 101, 131]  # PDT, PDT, PDT, PST, PST, PST
