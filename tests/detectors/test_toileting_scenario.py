"""The simulator's night toileting episode raises the alert in its labelled window, once,
and its bad nights (one night of extra trips) raise nothing.

Seeded homes that hold both a bad night and an episode; not every simulated episode is
big enough to be found (docs/detectors.md gives the recall over whole cohorts).
"""

import pytest

from carewatch.protocol import Alert
from detectors import Engine, EngineConfig
from detectors.cli import run
from detectors.config import DAY, HOUR
from detectors.evaluation import GRACE
from simulators import make_cohort, simulate_home

KIND = "night_toileting"


@pytest.mark.parametrize("seed", [2, 12])
def test_the_alert_arrives_in_the_episode_and_not_on_a_bad_night(seed: int) -> None:
    profile = make_cohort(1, seed=seed)[0]
    sim = simulate_home(profile, days=45, seed=seed, scenarios=[KIND, "bad_night"])
    engine = Engine(EngineConfig(learning_period=14 * DAY))
    engine.set_home_tz(profile.home, profile.tz)
    alerts = [a for a in run(engine, sim.readings) if isinstance(a, Alert) and a.kind == KIND]
    [episode] = [label for label in sim.labels if label.kind == KIND]
    bad_nights = [label for label in sim.labels if label.kind == "bad_night"]
    assert bad_nights, "the seed should hold a bad night"
    [alert] = alerts
    grace = GRACE[alert.kind]
    assert episode.start <= alert.detected_at <= episode.end + grace
    # from the first raised night of the nights it cites: at most one before the episode's
    # (a high ordinary night can open the span), its night began in bed, the label asleep
    assert episode.start - DAY - HOUR <= alert.start <= alert.detected_at
    for night in bad_nights:
        assert not night.start <= alert.detected_at <= night.end + grace
