"""The detectors' explanations in the reader's language (carewatch/phrases.py, D132).

Alerts from the real detectors on simulated homes: their stored English is their phrases
worded in English, and every phrase they can write has Spanish, sensor names included.
"""

import re

import msgspec
import pytest

from api.alert_words import explanation
from api.i18n import Words
from api.models import AlertRow
from carewatch.phrases import PLACE, word
from carewatch.protocol import Alert, Phrase
from detectors import Engine, EngineConfig
from detectors.cli import run
from detectors.config import DAY
from simulators import make_cohort, simulate_home

SPANISH = Words("es")
SCENARIOS = ["dehydration", "night_wandering", "stress", "inactivity", "sensor_dead"]
SCENARIOS += ["gateway_offline", "sensor_stuck", "night_toileting"]


@pytest.fixture(scope="module")
def alerts() -> list[Alert]:
    raised: list[Alert] = []
    for seed in (3, 4):
        profile = make_cohort(1, seed=seed)[0]
        sim = simulate_home(profile, days=40, seed=seed, scenarios=SCENARIOS)
        engine = Engine(EngineConfig(learning_period=14 * DAY))
        engine.set_home_tz(profile.home, profile.tz)
        raised += [a for a in run(engine, sim.readings) if isinstance(a, Alert)]
    assert len({a.kind for a in raised}) >= 4, "too few kinds of alert to prove anything"
    return raised


def phrases_in(phrases: list[Phrase]) -> list[Phrase]:
    """Every phrase, nested ones included."""
    found = []
    for phrase in phrases:
        found.append(phrase)
        found += phrases_in([v for v in phrase.values.values() if isinstance(v, Phrase)])
    return found


def test_the_stored_english_is_the_phrases_worded(alerts: list[Alert]) -> None:
    for alert in alerts:
        assert alert.phrases and word(alert.phrases) == alert.explanation


def test_every_phrase_a_detector_wrote_has_spanish(alerts: list[Alert]) -> None:
    for phrase in phrases_in([p for a in alerts for p in a.phrases]):
        if not re.search(r"[a-z]", PLACE.sub("", phrase.text)):
            continue  # only places and punctuation: "%(earlier)s; %(later)s"
        if phrase.plural is None:
            assert SPANISH.gettext(phrase.text) != phrase.text, phrase.text
        else:
            assert SPANISH.ngettext(phrase.text, phrase.plural, 2) != phrase.plural


def test_a_spanish_reader_reads_spanish_numbers_and_words(alerts: list[Alert]) -> None:
    for alert in alerts:
        row = AlertRow(explanation=alert.explanation, phrases=msgspec.to_builtins(alert.phrases))
        spanish = explanation(row, SPANISH)
        assert spanish != alert.explanation and "%(" not in spanish
        assert explanation(row) == alert.explanation
        assert not re.search(r"\d\.\d", spanish), spanish  # decimals with a comma


def test_an_alert_from_before_phrases_keeps_its_english() -> None:
    row = AlertRow(explanation="No movement at home since 04:46.", phrases=None)
    assert explanation(row, SPANISH) == "No movement at home since 04:46."
