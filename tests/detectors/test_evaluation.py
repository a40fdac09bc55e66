"""Evaluation metrics on tiny inputs whose answers can be worked out by hand."""

from carewatch.protocol import Alert
from carewatch.records import LabelRecord
from detectors.evaluation import GRACE, evaluate, markdown

T = 1_767_600_000.0
HOUR = 3600.0


def alert(kind: str, at: float, home: str = "h-1") -> Alert:
    return Alert(home, kind, T + at, T + at, "medium", "x")  # type: ignore[arg-type]


def test_recall_precision_false_rate_and_delays() -> None:
    labels = [
        LabelRecord("h-1", "night_wandering", T, T + HOUR),
        LabelRecord("h-1", "night_wandering", T + 10 * HOUR, T + 11 * HOUR),
        LabelRecord("h-2", "night_wandering", T, T + HOUR),
        LabelRecord("h-2", "visitor", T + 20 * HOUR, T + 22 * HOUR),
    ]
    alerts = [
        alert("night_wandering", 300),  # finds the first episode after 5 minutes
        alert("night_wandering", 900),  # a second alert in the same episode: not false
        alert("night_wandering", 10 * HOUR + 600, "h-1"),  # 10 minutes into the second
        alert("night_wandering", 21 * HOUR, "h-2"),  # during a visit: false, counted there
        alert("night_wandering", 30 * HOUR, "h-1"),  # false, during nothing
    ]
    report = evaluate(labels, alerts, residents=2, days=15.0)
    k = report.kinds["night_wandering"]
    assert (k.episodes, k.detected, k.recall) == (3, 2, round(2 / 3, 4))
    assert (k.alerts, k.true_alerts, k.false_alerts, k.precision) == (5, 3, 2, 0.6)
    assert k.false_per_resident_30d == 2.0  # 2 false / 2 residents / 15 days * 30
    assert k.delay_median_min == 7.5 and k.delay_p90_min == 9.5
    assert k.false_during == {"none": 1, "visitor": 1}
    assert report.kinds["stress"].episodes == 0 and report.kinds["stress"].recall is None
    assert "| night_wandering | 3 | 2 | 0.67 |" in markdown(report)


def test_an_alert_within_grace_after_the_end_still_counts() -> None:
    label = LabelRecord("h-1", "dehydration", T, T + 3 * 24 * HOUR)
    late = alert("dehydration", 3 * 24 * HOUR + GRACE["dehydration"] - 1)  # type: ignore[index]
    too_late = alert("dehydration", 3 * 24 * HOUR + GRACE["dehydration"] + 1)  # type: ignore[index]
    assert evaluate([label], [late], 1, 30).kinds["dehydration"].detected == 1
    missed = evaluate([label], [too_late], 1, 30).kinds["dehydration"]
    assert (missed.detected, missed.false_alerts) == (0, 1)


def test_sensor_health_finds_dead_sensors_and_offline_gateways() -> None:
    labels = [
        LabelRecord("h-1", "sensor_dead", T, T + 30 * HOUR),
        LabelRecord("h-1", "gateway_offline", T + 40 * HOUR, T + 44 * HOUR),
        LabelRecord("h-1", "clock_drift", T + 50 * HOUR, T + 60 * HOUR),
    ]
    alerts = [alert("sensor_health", 20 * HOUR), alert("sensor_health", 40.5 * HOUR)]
    k = evaluate(labels, alerts, 1, 30).kinds["sensor_health"]
    assert (k.episodes, k.detected, k.false_alerts) == (2, 2, 0)
