"""The sleep window, learnt from bed spells at whatever hours the resident keeps."""

from detectors.calendar import LocalCalendar
from detectors.config import DAY, HOUR
from detectors.sleep import SleepWindow

CAL = LocalCalendar("UTC")


def learn(sleeps: list[tuple[float, float]], days: int = 8) -> SleepWindow:
    """Each day's bed spells (local hours, the second may pass midnight), reviewed hourly."""
    window = SleepWindow()
    for day in range(days):
        for start, end in sleeps:
            base = day * DAY + 10 * DAY
            window.bed(base + start * HOUR, True)
            window.bed(base + end * HOUR, False)
            for hour in range(int(start), int(end) + 1):
                window.review(CAL, base + hour * HOUR)
    for hour in range(48):
        window.review(CAL, (days + 10) * DAY + hour * HOUR)
    return window


def test_an_afternoon_sleeper_has_their_night_in_the_afternoon() -> None:
    window = learn([(14.0, 22.0)])
    assert window.ready
    assert round(window.start.get()) == 14 * 60 and round(window.end.get()) == 22 * 60
    assert window.part(16 * 60, 60) == "core"
    assert window.part(3 * 60, 60) == "day"  # 03:00 is their day
    assert window.part(12.5 * 60, 60) == "early"


def test_a_night_across_midnight_is_averaged_round_the_clock() -> None:
    window = SleepWindow()
    for day, start in enumerate([23.5, 24.3, 23.2, 24.1, 23.6, 23.9]):
        base = (day + 10) * DAY
        window.bed(base + start * HOUR, True)
        window.bed(base + (start + 8) * HOUR, False)
        for hour in range(48):
            window.review(CAL, base + hour * HOUR)
    assert abs(window.start.get() - 23.77 * 60) < 20  # not noon, as a plain mean would say
    assert window.part(2 * 60, 60) == "core" and window.part(12 * 60, 60) == "day"


def test_naps_are_not_the_main_sleep_and_a_stuck_bed_is_no_sleep() -> None:
    window = learn([(13.0, 14.5), (22.5, 30.5)])  # an afternoon nap and the night
    assert round(window.start.get()) == 22 * 60 + 30
    assert window.part(13.5 * 60, 60) == "day"
    stuck = SleepWindow()
    for day in range(0, 12, 2):  # "in bed" for 38 hours at a time
        stuck.bed(day * DAY + 22 * HOUR, True)
        stuck.bed(day * DAY + 60 * HOUR, False)
        for hour in range(48):
            stuck.review(CAL, day * DAY + hour * HOUR + 12 * HOUR)
    assert stuck.start.count == 0
