"""Every figure an alert's words state agrees with the figures it states them from.

The texts are parsed back: a percentage must be what its own numbers make (a text that
said 76 % where its litres made 67 % was a bug), and counts must match the evidence.
"""

import re

import pytest

from tests.detectors.helpers import replay
from tests.detectors.life import Day, Life

NORMAL = 9
YESTERDAY = re.compile(
    r"used (\d+) times? \(([\d.]+) L\); on a usual day (\d+) times \(([\d.]+) L\) "
    r"in those hours: (\d+)% of their usual"
)
TOILETS = re.compile(r"Toilet (\d+) times? since yesterday, usually (\d+)\.")
DECLINES = [
    [(5, 0.18), (3, 0.12), (2, 0.1)],
    [(5, 0.2), (2, 0.12), (1, 0.1), (1, 0.1)],
    [(4, 0.3), (2, 0.25), (1, 0.2)],
    [(6, 0.1), (2, 0.05), (1, 0.02)],
]


@pytest.mark.parametrize("steps", DECLINES)
def test_a_dehydration_text_says_what_its_own_numbers_make(
    steps: list[tuple[int, float]],
) -> None:
    days = [Day() for _ in range(NORMAL)]
    days += [Day(drinks=n, drink_litres=litres) for n, litres in steps] + [Day(), Day()]
    [alert, *_] = replay(Life().live(days)).of("dehydration")
    text = alert.explanation
    assert "drinking" not in text.split(".")[0].lower()  # water drawn from the tap, in words
    found = YESTERDAY.search(text)
    assert found, text
    uses, litres, _usual_uses, usual_litres, percent = found.groups()
    assert int(percent) == round(100 * float(litres) / max(float(usual_litres), 0.1)), text
    assert int(uses) == int(alert.evidence["tap_uses_yesterday"])  # type: ignore[call-overload]
    toilets = TOILETS.search(text)
    assert toilets, text
    assert int(toilets.group(1)) == int(alert.evidence["toilet_visits"])  # type: ignore[call-overload]
    usual = float(alert.evidence["toilet_visits_usual"])  # type: ignore[arg-type]
    assert int(toilets.group(2)) == round(usual)
