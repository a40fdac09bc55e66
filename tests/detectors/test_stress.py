"""The stress rule's two comparisons: the usual resting rate, and this rest's own level.

Hand-built heart rates through a real engine: a wearable and a chair sensor (seated
throughout, as in the Stress-Predict lab) or a home with a chair and a motion sensor.
A rise of 6 bpm or more over the rest it interrupts alerts once; smaller rises, slow
drifts and the heart slowing after a walk to the chair do not.
"""

import pickle
import random

from carewatch.protocol import Alert, Kind
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.cli import run
from detectors.config import MINUTE
from detectors.stress import StressWatch

T0 = 1_700_000_000.0  # 22:13 UTC: the hour does not matter to these rules
EVERY = 10.0  # seconds between heart-rate readings


def beats(levels: list[tuple[float, float]], start: float = T0, seed: int = 1) -> list[float]:
    """Heart rate every 10 s: ``(minutes, bpm)`` pieces in turn, with 1 bpm of noise."""
    rng = random.Random(seed)
    values = []
    for minutes, bpm in levels:
        values += [bpm + rng.gauss(0.0, 1.0) for _ in range(int(minutes * MINUTE / EVERY))]
    return values


def wearable(values: list[float], start: float = T0) -> list[ReadingRecord]:
    """The heart rate of someone seated throughout (a chair sensor confirms the rest)."""
    seated = ReadingRecord("h-1", "chair", Kind.CHAIR, start - 1.0, 1.0)
    return [seated] + [
        ReadingRecord("h-1", "wrist", Kind.HEART_RATE, start + i * EVERY, round(v, 1), "r-1")
        for i, v in enumerate(values)
    ]


def stress(readings: list[ReadingRecord]) -> list[Alert]:
    engine = Engine(EngineConfig(learning_period=600.0))
    items = run(engine, sorted(readings, key=lambda r: r.ts))
    return [a for a in items if isinstance(a, Alert) and a.kind == "stress"]


def test_a_rise_over_the_rest_before_it_alerts_once() -> None:
    # 20 minutes at 70, then 9 bpm more for 6 minutes: under usual + 12, over the rest
    alerts = stress(wearable(beats([(20, 70.0), (6, 79.0), (15, 70.0)])))
    [alert] = alerts
    rise = T0 + 20 * MINUTE
    assert rise < alert.start <= alert.detected_at <= rise + 4 * MINUTE
    assert 68 <= float(alert.evidence["resting_recent"]) <= 72  # type: ignore[arg-type]
    assert float(alert.evidence["heart_rate"]) >= 76  # type: ignore[arg-type]
    assert "earlier in this rest" in alert.explanation
    assert alert.severity == "medium"


def test_small_rises_and_slow_drifts_do_not_alert() -> None:
    small = beats([(20, 70.0), (6, 74.0), (15, 70.0)])
    drift = [70.0 + 15.0 * i / 360 + random.Random(i).gauss(0.0, 1.0) for i in range(360)]
    assert stress(wearable(small)) == []
    assert stress(wearable(drift)) == []  # 15 bpm over an hour: the rest's level follows it


def test_nothing_before_the_learning_minutes_nor_while_settling() -> None:
    # the rise starts three minutes in: the rest's own level does not count yet
    assert stress(wearable(beats([(3, 70.0), (6, 80.0), (20, 70.0)]))) == []


def test_a_lasting_new_level_is_one_episode_then_the_rest_takes_it_in() -> None:
    values = beats([(20, 70.0), (120, 79.0), (20, 79.0)])
    values += beats([(6, 88.0), (10, 79.0)], seed=2)  # a rise over the new level
    alerts = stress(wearable(values))
    assert len(alerts) == 2
    assert alerts[0].detected_at < T0 + 25 * MINUTE
    assert alerts[1].detected_at > T0 + 160 * MINUTE


def chair_home(values: list[float], sit_at: float) -> list[ReadingRecord]:
    """A lounge chair and motion sensor: walking about until ``sit_at``, then seated."""
    events = [ReadingRecord("h-1", "motion-hall", Kind.MOTION, T0, 1.0)]
    events += [ReadingRecord("h-1", "motion-lounge", Kind.MOTION, T0 + 20.0, 1.0)]
    events += [ReadingRecord("h-1", "chair", Kind.CHAIR, sit_at, 1.0)]
    return events + wearable(values)


def test_the_heart_slowing_after_a_walk_to_the_chair_is_not_a_rise() -> None:
    # 20 minutes of rest learnt in the chair, up for a walk (95 bpm), back in the chair
    # while the heart comes down over three minutes, then seated for half an hour
    first = beats([(20, 70.0)])
    walk = beats([(4, 95.0)], seed=3)
    down = [95.0 - 25.0 * min(1.0, i / 18) for i in range(18)]
    values = first + walk + down + beats([(30, 70.0)], seed=4)
    readings = chair_home(values, T0 + 30.0)
    up = T0 + 20 * MINUTE
    readings += [
        ReadingRecord("h-1", "chair", Kind.CHAIR, up, 0.0),
        ReadingRecord("h-1", "motion-hall", Kind.MOTION, up + 10.0, 1.0),
        ReadingRecord("h-1", "motion-kitchen", Kind.MOTION, up + 40.0, 1.0),
        ReadingRecord("h-1", "motion-lounge", Kind.MOTION, up + 230.0, 1.0),
        ReadingRecord("h-1", "chair", Kind.CHAIR, up + 240.0, 1.0),
    ]
    assert stress(readings) == []


def test_a_rise_while_seated_alerts_in_a_home_with_room_sensors() -> None:
    values = beats([(30, 70.0), (8, 79.0), (10, 70.0)])
    [alert] = stress(chair_home(values, T0 + 30.0))
    assert T0 + 30 * MINUTE < alert.detected_at <= T0 + 34 * MINUTE


def test_a_watch_checkpointed_before_the_recent_rest_rule_starts_a_new_rest() -> None:
    engine = Engine(EngineConfig(learning_period=600.0))
    list(run(engine, wearable(beats([(20, 70.0)]))))
    watch = engine._home("h-1").hearts["r-1"]
    for name in ("quick", "recent", "rest_start", "settled_at"):
        del watch.__dict__[name]  # as pickled by the previous version
    restored: StressWatch = pickle.loads(pickle.dumps(watch))  # noqa: S301 (our own bytes)
    assert restored.rest_start == -1.0 and restored.recent == 0.0
    later = wearable(beats([(10, 70.0), (6, 80.0)], seed=5), start=T0 + 20 * MINUTE)
    out: list[Alert] = []
    home = engine._home("h-1")
    for reading in later:
        restored.on_beat(home, reading.ts, reading.value, out)  # type: ignore[arg-type]
    assert len(out) == 1 and out[0].detected_at > T0 + 30 * MINUTE


def test_a_rest_that_begins_raised_settles_and_still_sees_a_later_rise() -> None:
    # the wearable starts on a racing heart (110, over the prior's limit), then rest at 72
    alerts = stress(wearable(beats([(2, 110.0), (25, 72.0), (6, 81.0), (10, 72.0)])))
    [alert] = alerts
    assert T0 + 27 * MINUTE < alert.detected_at <= T0 + 31 * MINUTE
