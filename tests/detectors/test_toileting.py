"""Night toileting: more visits night after night alert once; one bad night does not."""

import re

import pytest

from api.alert_words import TITLES, evidence_lines
from carewatch.kit import armed, unarmed
from carewatch.protocol import Alert, AlertKind, DailySummary, Kind
from detectors.config import DAY, HOUR, MINUTE
from detectors.night_counts import STEADY_AFTER, STEADY_FLOOR, NightCounts
from detectors.toileting import NightToileting
from tests.detectors.helpers import replay
from tests.detectors.life import Day, Life
from tests.detectors.standalone import T0, FakeHome, as_view

Out = list[Alert | DailySummary]
USUAL = [[3.0], [], [2.0], [3.5], [], [1.5, 4.0], [2.5]]  # 0-2 trips a night, about 1


def night(detector: NightToileting, home: FakeHome, day: int, visits: int, out: Out) -> None:
    """One night in bed 22:30-07:00 with ``visits`` trips to the toilet, then the day."""
    start = T0 + day * DAY + 22.5 * HOUR
    home.night.in_night, home.in_bed = True, True
    detector.check(as_view(home), start, out)
    for i in range(visits):
        home.in_bed = False
        detector.on_event(as_view(home), Kind.TOILET, start + (i + 1) * HOUR, 1.0, out)
        home.in_bed = True
    detector.check(as_view(home), start + 8 * HOUR, out)
    home.night.in_night, home.in_bed = False, False
    for minutes in range(0, 125, 5):
        detector.check(as_view(home), start + 8.5 * HOUR + minutes * MINUTE, out)


def counted(visits: list[int]) -> tuple[NightToileting, Out]:
    home = FakeHome().with_sensors(bed=Kind.BED, toilet=Kind.TOILET)
    detector = NightToileting()
    out: Out = []
    for day, n in enumerate(visits):
        night(detector, home, day, n, out)
    return detector, out


def test_visits_rising_for_three_nights_alert_once_with_the_counts() -> None:
    _, out = counted([1, 0, 1, 2, 1, 0, 1, 1, 2, 1, 0, 1, 1, 0, 3, 3, 4, 4, 4])
    [alert] = out
    assert isinstance(alert, Alert) and alert.kind is AlertKind.NIGHT_TOILETING
    assert alert.evidence["nights_judged"] == 3
    assert alert.evidence["night_toilet_visits_nights"] == 10
    assert "3, 3 and 4 times on the last 3 nights (10 in all)" in alert.explanation
    assert alert.start == T0 + 14 * DAY + 22.5 * HOUR  # the first night of the rise


def test_one_bad_night_or_a_guest_is_no_alert() -> None:
    usual = [1, 0, 1, 2, 1, 0, 1, 1, 2, 1, 0, 1, 1, 0]
    _, out = counted([*usual, 6, 1, 0, 1, 5, 0, 1, 1, 1, 2, 1])
    assert out == []


def test_nothing_while_learning_and_flushes_while_they_are_in_bed_do_not_count() -> None:
    home = FakeHome(learning=True).with_sensors(bed=Kind.BED, toilet=Kind.TOILET)
    detector = NightToileting()
    out: Out = []
    for day in range(20):
        night(detector, home, day, 1 if day < 14 else 5, out)
    assert out == []  # still learning
    home.night.in_night = home.in_bed = True
    detector.on_event(as_view(home), Kind.TOILET, T0 + 30 * DAY, 1.0, out)
    assert detector.visits == 0  # someone else's flush: the resident is in bed


def test_a_home_without_a_flush_sensor_teaches_nothing() -> None:
    home = FakeHome().with_sensors(bed=Kind.BED)
    detector = NightToileting()
    out: Out = []
    for day in range(10):
        night(detector, home, day, 0, out)
    assert detector.counts.learnt == 0 and out == []


def test_the_kit_arms_it_with_a_flush_and_a_bed_sensor_only() -> None:
    assert AlertKind.NIGHT_TOILETING in armed({Kind.BED, Kind.TOILET})
    no_flush = unarmed({Kind.BED, Kind.MOTION})[AlertKind.NIGHT_TOILETING]
    assert "no toilet sensor (a flush sensor)" in no_flush
    assert "no bed sensor" in unarmed({Kind.TOILET, Kind.MOTION})[AlertKind.NIGHT_TOILETING]


@pytest.mark.parametrize("usual", [0, 1, 2, 3])
def test_a_steady_resident_never_looks_unusual(usual: int) -> None:
    counts = NightCounts()
    for _ in range(30):
        counts.add(usual)
    assert counts.rise()[1] > 0.01
    counts.add(usual + 1)
    assert counts.rise()[1] > 0.002  # one more visit on one night is nothing


def test_a_variable_resident_needs_a_bigger_rise_than_a_steady_one() -> None:
    steady, variable = NightCounts(), NightCounts()
    for i in range(28):
        steady.add(1)
        variable.add([0, 3, 0, 1][i % 4])
    assert variable.dispersion() > 1.0 > steady.dispersion() == STEADY_FLOOR
    assert variable.tail(8, 3) > steady.tail(8, 3)


def test_steadier_than_poisson_is_believed_only_once_enough_nights_are_learnt() -> None:
    counts = NightCounts()
    for _ in range(STEADY_AFTER - 1):
        counts.add(1)
    assert counts.learnt < STEADY_AFTER and counts.dispersion() == 1.0


ALERT_WORDS = re.compile(
    r"([\d, and]+) times on the last (\d) nights \((\d+) in all\), where they usually go "
    r"about ([\d.]+) times? a night \((\d+) in \d nights\)"
)


def test_through_the_engine_the_words_say_what_the_evidence_does() -> None:
    days = [Day(night_trips=USUAL[i % len(USUAL)]) for i in range(21)]
    days += [Day(night_trips=trips) for trips in ([1.0, 3.0, 5.0], [0.5, 2.0, 3.5, 5.0])] * 2
    outcome = replay(Life().live([*days, Day()]))
    [alert] = outcome.of("night_toileting")
    found = ALERT_WORDS.search(alert.explanation)
    assert found, alert.explanation
    nights = [int(n) for n in re.findall(r"\d+", found.group(1))]
    assert len(nights) == int(found.group(2)) == alert.evidence["nights_judged"]
    assert sum(nights) == int(found.group(3)) == alert.evidence["night_toilet_visits_nights"]
    assert nights[-1] == alert.evidence["night_toilet_visits"]
    usual = float(alert.evidence["night_toilet_visits_usual"])  # type: ignore[arg-type]
    assert float(found.group(4)) == round(usual, 1)
    lines = dict(evidence_lines(alert.evidence, "Europe/London"))
    assert lines["Toilet visits last night"].startswith(f"{nights[-1]:.1f} a night")
    assert TITLES["night_toileting"] == "more toilet visits at night than usual"
    night_counts = [s.toilet_night for s in outcome.summaries]
    assert max(night_counts) >= 3  # the day's summary counts the same flushes
