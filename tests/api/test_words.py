"""Words people trust: every "below / above / about usual" on the pages agrees with the
figures printed beside it, parsed back from the words themselves."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from api.family import TOLERANCE, compare
from api.glance import glances
from api.schemas import SummaryOut

amount = st.floats(min_value=0.0, max_value=12.0, allow_nan=False).map(lambda v: round(v, 3))
days = st.lists(st.tuples(amount, st.integers(0, 30), amount), min_size=1, max_size=30)


def summaries(rows: list[tuple[float, int, float]]) -> list[SummaryOut]:
    return [
        SummaryOut(
            date=f"2025-10-{index + 1:02d}",
            tap_litres=litres,
            tap_uses=uses,
            toilet_day=uses // 3,
            toilet_night=uses % 3,
            chair_minutes=minutes * 60,
            night_episodes=uses % 4,
            resting_hr=55 + minutes * 3,
        )
        for index, (litres, uses, minutes) in enumerate(rows)
    ]


@settings(max_examples=150, deadline=None)
@given(days)
def test_a_glance_places_the_latest_day_by_the_figures_it_shows(
    rows: list[tuple[float, int, float]],
) -> None:
    for glance in glances(summaries(rows), withheld=()):
        latest = float(glance.latest.split()[0])
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", glance.usual)]
        if glance.place == "unknown":
            assert glance.usual == "not enough days yet to know" or "not" in glance.latest
            continue
        low, high = (numbers[0], numbers[-1])
        expected = "below" if latest < low else "above" if latest > high else "within"
        assert glance.place == expected, (glance.label, glance.latest, glance.usual)


WORDS = re.compile(
    r"^(Less than|More than|About) usual \(([\d.e+]+) [a-z ]+, usually ([\d.e+]+)\)$"
)


@settings(max_examples=150, deadline=None)
@given(days)
def test_the_family_comparison_says_what_its_own_numbers_make(
    rows: list[tuple[float, int, float]],
) -> None:
    for comparison in compare(summaries(rows)):
        found = WORDS.match(comparison.words)
        if not found:
            continue  # "Not measured" or "not enough days yet"
        word, value, usual = found.group(1), float(found.group(2)), float(found.group(3))
        # Printed to 3 significant figures: allow that rounding, no more.
        slack = 0.006 * max(value, usual) + 1e-9
        if word == "Less than":
            assert value < usual * (1 - TOLERANCE) + slack, comparison.words
        elif word == "More than":
            assert value > usual * (1 + TOLERANCE) - slack or usual == 0, comparison.words
        else:
            assert abs(value - usual) <= usual * TOLERANCE + slack, comparison.words
