"""Local wall times to UTC: ordinary times, the spring gap and the repeated autumn hour."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from simulators.recordings.walltime import to_utc


def _utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("Europe/Madrid", datetime(2011, 11, 28, 2, 27, 59), _utc(2011, 11, 28, 1, 27, 59)),
        ("Europe/Madrid", datetime(2011, 7, 1, 12, 0), _utc(2011, 7, 1, 10, 0)),
        ("America/Los_Angeles", datetime(2021, 3, 1, 22, 0), _utc(2021, 3, 2, 6, 0)),
        ("Asia/Kolkata", datetime(2021, 3, 1, 0, 0), _utc(2021, 2, 28, 18, 30)),
    ],
)
def test_ordinary_times_use_the_zones_offset(zone: str, local: datetime, utc: float) -> None:
    assert to_utc(local, ZoneInfo(zone)) == utc


@pytest.mark.parametrize(
    ("zone", "skipped", "transition"),
    [
        ("Europe/Madrid", datetime(2012, 3, 25, 2, 30), _utc(2012, 3, 25, 1, 0)),
        ("America/New_York", datetime(2021, 3, 14, 2, 59, 59), _utc(2021, 3, 14, 7, 0)),
        ("Australia/Sydney", datetime(2021, 10, 3, 2, 0, 1), _utc(2021, 10, 2, 16, 0)),
    ],
)
def test_a_skipped_wall_time_is_the_transition_instant(
    zone: str, skipped: datetime, transition: float
) -> None:
    tz = ZoneInfo(zone)
    assert to_utc(skipped, tz) == transition
    before = to_utc(skipped.replace(hour=1, minute=59, second=59), tz)
    assert before < transition  # order is kept across the gap


def test_a_recording_running_through_the_repeated_hour_stays_in_order() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    walls = [(1, 50), (2, 10), (2, 50), (2, 5), (2, 40), (3, 10)]  # clocks go back at 03:00
    previous = None
    stamps = []
    for hour, minute in walls:
        previous = to_utc(datetime(2012, 10, 28, hour, minute), madrid, previous)
        stamps.append(previous)
    assert stamps == sorted(stamps)
    assert stamps[1] == _utc(2012, 10, 28, 0, 10)  # first time round, CEST
    assert stamps[3] == _utc(2012, 10, 28, 1, 5)  # second time round, CET
    assert stamps[5] == _utc(2012, 10, 28, 2, 10)


def test_an_isolated_repeated_time_is_its_first_occurrence() -> None:
    assert to_utc(datetime(2012, 10, 28, 2, 30), ZoneInfo("Europe/Madrid")) == _utc(
        2012, 10, 28, 0, 30
    )
