"""Carers' feedback that tunes (decision D122): steps stricter per home and alert kind."""

import subprocess
import sys
from pathlib import Path

from carewatch.protocol import Alert, AlertKind, DailySummary, Kind
from carewatch.tuning import MAX_STEPS, after_feedback
from detectors import Engine
from detectors.config import DAY, HOUR
from detectors.evaluation.feedback import compare
from detectors.inactivity import Inactivity
from tests.detectors.standalone import T0, FakeHome, as_view
from tests.detectors.test_checkpoint_compat import restored
from tests.detectors.test_standalone import learnt_wake


def late_in_bed(tuning: dict[AlertKind, int]) -> list[float]:
    """When a resident still in bed is reported late, each half hour checked to 14:00."""
    home = FakeHome(in_bed=True, tuning=tuning).with_sensors(bed=Kind.BED, hall=Kind.MOTION)
    home.night.in_night = True
    learnt_wake(home, 7 * 60.0)
    home.last_activity = T0 - 2 * HOUR
    detector = Inactivity()
    out: list[Alert | DailySummary] = []
    said: list[float] = []
    for half_hours in range(14, 28):
        detector.check(as_view(home), T0 + half_hours * HOUR / 2, out)
        said += [a.detected_at for a in out if isinstance(a, Alert)]
        out.clear()
    return said


def test_each_step_asks_for_more_before_the_detector_raises() -> None:
    as_shipped = late_in_bed({})
    stricter = late_in_bed({AlertKind.INACTIVITY: MAX_STEPS})
    other_kind = late_in_bed({AlertKind.STRESS: MAX_STEPS})
    assert len(as_shipped) == len(stricter) == 1  # stricter is later, not silenced
    assert stricter[0] > as_shipped[0]
    assert other_kind == as_shipped  # a kind's steps move that kind alone


def test_feedback_moves_one_step_at_a_time_within_the_bounds() -> None:
    steps = 0
    for _ in range(MAX_STEPS + 2):
        steps = after_feedback(steps, useful=False)
    assert steps == MAX_STEPS
    assert after_feedback(steps, useful=True) == MAX_STEPS - 1
    assert after_feedback(0, useful=True) == 0


def test_tuning_is_kept_by_a_checkpoint_and_an_old_checkpoint_has_none() -> None:
    old = restored()
    home = old.homes()[0]
    assert old.tuning(home) == {}
    old.tune(home, {AlertKind.STRESS: 2, AlertKind.INACTIVITY: 0})
    again = Engine.from_bytes(old.to_bytes())
    assert again.tuning(home) == {AlertKind.STRESS: 2}
    again.tune(home, {})  # reset: the documented rules again
    assert Engine.from_bytes(again.to_bytes()).tuning(home) == {}


def test_a_carer_who_marks_false_alerts_cuts_them_with_recall_unchanged(
    tmp_path: Path,
) -> None:
    # docs/detectors.md "Feedback that tunes": the one measured cohort where false alerts
    # repeat in a home, so feedback can cut them (elsewhere it cut 0-17 %; seed 7 is not
    # an unseen seed)
    carewatch = Path(sys.executable).with_name("carewatch")
    cohort = ["--homes", "10", "--days", "45", "--seed", "7", "--scenario", "all"]
    command = [str(carewatch), "simulate", *cohort, "--out", str(tmp_path)]
    subprocess.run(command, check=True, capture_output=True)
    c = compare(tmp_path, 14 * DAY)
    before, after = c.false_alerts(c.before), c.false_alerts(c.after)
    assert before >= 4, "too few false alerts to show anything"
    assert after <= before / 2
    for name, was in c.before.kinds.items():
        assert c.after.kinds[name].found == was.found, name
    assert c.not_useful > 0 and c.useful > 0
