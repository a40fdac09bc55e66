"""The stress detector on real wrist heart rate (Stress-Predict dev subset, tests/data copy).

Eleven lab sessions, each about ten minutes of rest and then three stress tasks. The
heart rate of these young adults rises little in most tasks (see docs/detectors.md). A
wearable alone cannot tell sitting from walking, so stress at rest is not armed on it
(decision D77): the sessions as recorded raise no stress alert. The participants sat
throughout, so with a chair sensor saying so (one reading before each session) this
checks what we claim: with a ten-minute learning period the detector finds rises over
the rest before a task (9 of 33 tasks, 5 while the task lasts), also at one reading a
minute, and raises at most one alert outside the tasks and their ten minutes of grace.
"""

from pathlib import Path

from carewatch.protocol import Alert, Kind
from carewatch.records import LabelRecord, ReadingRecord, read_readings, read_records
from detectors import Engine, EngineConfig
from detectors.cli import run
from detectors.evaluation import Window, evaluate, judged, scan
from detectors.evaluation.span import armed_by

DATA = Path(__file__).resolve().parents[1] / "data" / "stress-predict-dev"
RECORDED = judged(scan(DATA / "readings.jsonl"), learning=600.0)
# seated: a chair sensor beside the wearable arms stress at rest
WINDOWS = {
    h: Window(w.start, w.end, armed_by(["heart_rate", "chair"])) for h, w in RECORDED.items()
}


def alerts_on(readings: list[ReadingRecord], seated: bool = True) -> list[Alert]:
    """Alerts on the sessions; ``seated``: a chair sensor says they sit from the start."""
    engine = Engine(EngineConfig(learning_period=600.0))
    chairs: list[ReadingRecord] = []
    if seated:
        first: dict[str, float] = {}
        for reading in readings:
            first.setdefault(reading.home, reading.ts)
        chairs = [ReadingRecord(h, "chair", Kind.CHAIR, ts - 1.0, 1.0) for h, ts in first.items()]
    readings = sorted(chairs + readings, key=lambda r: (r.home, r.ts))
    return [item for item in run(engine, readings) if isinstance(item, Alert)]


def test_a_wearable_alone_raises_no_stress_at_rest() -> None:
    alerts = alerts_on(list(read_readings(DATA / "readings.jsonl")), seated=False)
    assert [a for a in alerts if a.kind == "stress" and "resting" in a.explanation] == []


def test_stress_predict_sessions() -> None:
    labels = list(read_records(DATA / "labels.jsonl", LabelRecord))
    alerts = alerts_on(list(read_readings(DATA / "readings.jsonl")))
    sessions = {label.home for label in labels}
    assert len(sessions) == 11 and len(labels) == 33
    mine = [a for a in alerts if a.kind == "stress"]
    stress = evaluate(labels, mine, WINDOWS, draws=0)
    k = stress.kinds["stress"]
    assert k.found >= 8  # measured 8 (one alert finds one task; a random alerter as frequent 6.6)
    inside = [
        any(a.home == t.home and t.start <= a.detected_at <= t.end for a in mine) for t in labels
    ]
    assert sum(inside) >= 5  # measured 5; a random alerter as often finds 3.0
    assert any(a.home == "sp-02" for a in alerts if a.kind == "stress")  # 120-135 bpm
    assert k.false_alerts <= 1  # at most one in eleven sessions
    assert k.delay_median_min is not None and k.delay_median_min <= 15
    # never before the ten-minute learning period is over
    first = {home: min(r.ts for r in read_readings(DATA / "readings.jsonl") if r.home == home)
             for home in sessions}  # fmt: skip
    assert all(a.detected_at - first[a.home] >= 600 for a in alerts if a.kind == "stress")


def test_stress_predict_at_one_reading_a_minute() -> None:
    """The wearable's default rate at home: the same rule, fewer readings to judge by."""
    labels = list(read_records(DATA / "labels.jsonl", LabelRecord))
    last: dict[str, float] = {}
    thinned = []
    for reading in read_readings(DATA / "readings.jsonl"):
        if reading.ts - last.get(reading.home, 0.0) >= 60:
            last[reading.home] = reading.ts
            thinned.append(reading)
    stress = [a for a in alerts_on(thinned) if a.kind == "stress"]
    k = evaluate(labels, stress, WINDOWS, draws=0).kinds["stress"]
    assert k.found >= 5  # measured 5, each alert finding one task
    assert k.false_alerts <= 1
