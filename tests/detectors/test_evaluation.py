"""The strict scorer on tiny inputs whose answers can be worked out by hand."""

from pathlib import Path

import pytest

from carewatch.protocol import Alert
from carewatch.records import LabelRecord
from detectors.evaluation import GRACE, Seen, Window, evaluate, judged, markdown, scan

T = 1_767_600_000.0
HOUR = 3600.0
DAY = 24 * HOUR
WINDOW = {"h-1": Window(T - DAY, T + 14 * DAY), "h-2": Window(T - DAY, T + 14 * DAY)}


def alert(kind: str, at: float, home: str = "h-1", subject: str | None = None) -> Alert:
    evidence = {"subject": subject} if subject else {}
    return Alert(home, kind, T + at, T + at, "medium", "x", evidence)  # type: ignore[arg-type]


def figures(labels: list[LabelRecord], alerts: list[Alert], kind: str, windows=WINDOW):  # type: ignore[no-untyped-def]
    return evaluate(labels, alerts, windows, draws=0).kinds[kind]


def test_recall_precision_repeats_false_rate_and_delays() -> None:
    labels = [
        LabelRecord("h-1", "night_wandering", T, T + HOUR),
        LabelRecord("h-1", "night_wandering", T + 10 * HOUR, T + 11 * HOUR),
        LabelRecord("h-2", "night_wandering", T, T + HOUR),
        LabelRecord("h-2", "visitor", T + 20 * HOUR, T + 22 * HOUR),
    ]
    alerts = [
        alert("night_wandering", 300),  # finds the first episode after 5 minutes
        alert("night_wandering", 900),  # again about the same episode: a repeat
        alert("night_wandering", 10 * HOUR + 600),  # 10 minutes into the second
        alert("night_wandering", 21 * HOUR, "h-2"),  # during a visit: false, counted there
        alert("night_wandering", 30 * HOUR),  # false, during nothing
    ]
    k = figures(labels, alerts, "night_wandering")
    assert (k.episodes, k.found, k.recall) == (3, 2, round(2 / 3, 4))
    assert (k.alerts, k.repeats, k.false_alerts, k.precision) == (5, 1, 2, 0.5)
    assert k.false_per_resident_90d == 6.0  # 2 false / (2 homes x 15 days) x 90
    assert k.delay_median_min == 7.5 and k.delay_p90_min == 9.5
    assert k.false_during == {"none": 1, "visitor": 1}
    report = evaluate(labels, alerts, WINDOW, draws=0)
    assert report.kinds["stress"].episodes == 0 and report.kinds["stress"].recall is None
    table = markdown(report)
    assert "| night_wandering | 3 | 2 | 0.67 |" in table
    assert "2 residents x 15.0 days after learning = 30 resident-days" in table


def test_one_alert_finds_one_episode_even_when_the_grace_spans_two() -> None:
    # two tasks four minutes apart: the stress grace (10 min) after the first covers the second
    labels = [
        LabelRecord("h-1", "stress", T, T + 300),
        LabelRecord("h-1", "stress", T + 540, T + 900),
    ]
    one = figures(labels, [alert("stress", 600)], "stress")  # inside the second task
    assert (one.found, one.found_inside, one.recall) == (1, 1, 0.5)
    assert one.delay_median_min == 1.0  # it found the task it was raised in, not the first
    two = figures(labels, [alert("stress", 200), alert("stress", 600)], "stress")
    assert (two.found, two.repeats, two.false_alerts) == (2, 0, 0)


def test_an_alert_within_grace_after_the_end_still_counts() -> None:
    label = LabelRecord("h-1", "dehydration", T, T + 3 * DAY)
    grace = GRACE["dehydration"]  # type: ignore[index]
    assert figures([label], [alert("dehydration", 3 * DAY + grace - 1)], "dehydration").found == 1
    missed = figures([label], [alert("dehydration", 3 * DAY + grace + 1)], "dehydration")
    assert (missed.found, missed.found_inside, missed.false_alerts) == (0, 0, 1)


def test_sensor_health_must_name_the_sensor_or_gateway_of_the_label() -> None:
    labels = [
        LabelRecord("h-1", "sensor_dead", T, T + 30 * HOUR, subject="hr-1"),
        LabelRecord("h-1", "gateway_offline", T + 40 * HOUR, T + 44 * HOUR, subject="gateway"),
        LabelRecord("h-1", "sensor_stuck", T + 50 * HOUR, T + 80 * HOUR, subject="bed"),
        LabelRecord("h-1", "clock_drift", T + 90 * HOUR, T + 99 * HOUR, subject="chair"),
    ]
    alerts = [
        alert("sensor_health", 20 * HOUR, subject="gateway"),  # the wearable is dead: wrong one
        alert("sensor_health", 40.5 * HOUR, subject="gateway"),
        alert("sensor_health", 60 * HOUR, subject="bed"),
        alert("sensor_health", 61 * HOUR, subject="bed"),  # a repeat
        alert("sensor_health", 95 * HOUR, subject="chair"),  # drift is no target: false
    ]
    k = figures(labels, alerts, "sensor_health")
    assert (k.episodes, k.found, k.repeats, k.false_alerts) == (3, 2, 1, 2)
    assert k.false_during == {"clock_drift": 1, "sensor_dead": 1}
    assert (k.right_subject, k.right_subject_of) == (0.75, 4)  # 3 of the 4 raised in a fault


def test_only_the_judged_window_counts() -> None:
    windows = {"h-1": Window(T, T + 10 * DAY)}
    labels = [
        LabelRecord("h-1", "inactivity", T - 2 * DAY, T - 2 * DAY + HOUR),  # while learning
        LabelRecord("h-1", "inactivity", T + DAY, T + DAY + HOUR),
        LabelRecord("h-1", "inactivity", T - HOUR, T + HOUR),  # reaches into the window
    ]
    alerts = [
        alert("inactivity", -2 * DAY + 600),  # about the episode while learning
        alert("inactivity", -HOUR),  # raised while learning (about the third: not judged)
        alert("inactivity", DAY + 600),
        alert("inactivity", 5 * DAY),
        alert("inactivity", DAY, "h-9"),  # a home not judged
    ]
    k = figures(labels, alerts, "inactivity", windows)
    assert (k.episodes, k.found, k.false_alerts, k.outside) == (2, 1, 1, 3)
    assert k.false_per_resident_90d == 9.0  # 1 false / 10 days x 90
    table = markdown(evaluate(labels, alerts, windows, draws=0))
    assert "Not judged (raised while learning, or about an episode over before the window): " \
        "inactivity 3" in table  # fmt: skip


def test_the_random_alerter_is_reproducible_and_a_perfect_alerter_beats_it() -> None:
    windows = {f"h-{i}": Window(T, T + 30 * DAY) for i in range(5)}
    labels = [
        LabelRecord(home, "night_wandering", T + d * DAY, T + d * DAY + HOUR)
        for home in windows
        for d in (3, 11, 19, 27)
    ]
    perfect = [alert("night_wandering", lab.start - T + 600, lab.home) for lab in labels]
    report = evaluate(labels, perfect, windows, draws=50, seed=7)
    k = report.kinds["night_wandering"]
    luck = k.chance
    assert luck is not None and luck.recall is not None and luck.precision is not None
    assert (k.recall, k.precision) == (1.0, 1.0)
    assert luck.recall.high < 0.3 and luck.precision.high < 0.3  # an hour in 8 days: rare luck
    assert evaluate(labels, perfect, windows, draws=50, seed=7) == report
    assert evaluate(labels, perfect, windows, draws=50, seed=8) != report


def test_a_random_alerter_scores_within_the_baselines_spread() -> None:
    import numpy as np

    windows = {f"h-{i}": Window(T, T + 30 * DAY) for i in range(10)}
    labels = [
        LabelRecord(home, "inactivity", T + d * DAY, T + d * DAY + 6 * HOUR)
        for home in windows
        for d in range(2, 30, 3)
    ]
    rng = np.random.default_rng(3)
    said = [
        alert("inactivity", float(t), home)
        for home in windows
        for t in rng.uniform(0, 30 * DAY, 10)
    ]
    k = evaluate(labels, said, windows, draws=100).kinds["inactivity"]
    assert k.chance is not None and k.chance.recall is not None and k.chance.precision is not None
    assert k.recall is not None and k.precision is not None
    assert k.chance.recall.low <= k.recall <= k.chance.recall.high
    assert k.chance.precision.low <= k.precision <= k.chance.precision.high


def test_windows_come_from_the_readings_after_learning(tmp_path: Path) -> None:
    readings = tmp_path / "readings.jsonl"
    readings.write_text(
        f'{{"home": "h-1", "sensor": "bed", "kind": "bed", "ts": {T + 5 * DAY}, "value": 1}}\n'
        f'{{"home": "h-1", "sensor": "hr", "kind": "heart_rate", "ts": {T}, "value": 70}}\n'
        "not json\n"
        f'{{"home": "h-2", "sensor": "pir", "kind": "motion", "ts": {T}, "value": 1}}\n'
    )
    seen = scan(readings)
    assert seen["h-1"].kinds == ["bed", "heart_rate"] and seen["h-2"].kinds == ["motion"]
    windows = judged(seen, learning=2 * DAY)
    assert (windows["h-1"].start, windows["h-1"].end) == (T + 2 * DAY, T + 5 * DAY)
    assert windows["h-2"].days == 0.0
    # a bed and a wearable, no chair or motion to confirm rest: no stress at rest, no tap
    assert windows["h-1"].armed == {"night_wandering", "inactivity", "sensor_health"}


@pytest.mark.parametrize("subject", [None, "bed"])
def test_labels_without_a_subject_accept_any_alert_of_their_kind(subject: str | None) -> None:
    label = LabelRecord("h-1", "stress", T, T + 600)
    assert figures([label], [alert("stress", 60, subject=subject)], "stress").found == 1


def test_the_summary_puts_unseen_and_no_wearable_figures_beside_the_main_ones() -> None:
    from detectors.evaluation.summary import summary

    labels = [LabelRecord("h-1", "sensor_dead", T, T + DAY, subject="bed")]
    right = evaluate(labels, [alert("sensor_health", HOUR, subject="bed")], WINDOW, draws=5)
    wrong = evaluate(labels, [alert("sensor_health", HOUR, subject="gateway")], WINDOW, draws=5)
    lines = summary(right, wrong, None, wrong)
    row = next(line for line in lines if line.startswith("| sensor_health |"))
    assert row.startswith("| sensor_health | 1 | 1.00 (random ")
    assert row.endswith("| 0.00, 0.00, 3.00 | n/a; 0.00, 3.00 |")  # 1 false / 30 days x 90
    assert lines[-1] == (
        "Sensor health names the right sensor or gateway: tuned 1.00 (of 1), unseen 0.00 "
        "(of 1), unseen 0.00 (of 1)"
    )
    assert summary(None, right, None, None) == []


def test_episodes_a_home_cannot_see_are_counted_apart_not_as_misses() -> None:
    # h-1 has no bed sensor: night wandering is not armed there; h-2 has one
    seen = {
        "h-1": Seen(T - 2 * DAY, T + 14 * DAY, {"pir": "motion", "tap": "tap"}),
        "h-2": Seen(T - 2 * DAY, T + 14 * DAY, {"bed": "bed"}),
    }
    windows = judged(seen, learning=DAY)
    labels = [
        LabelRecord("h-1", "night_wandering", T, T + HOUR),
        LabelRecord("h-2", "night_wandering", T, T + HOUR),
        LabelRecord("h-2", "night_wandering", T + DAY, T + DAY + HOUR),
    ]
    alerts = [alert("night_wandering", 600, "h-2"), alert("night_wandering", 600, "h-1")]
    k = figures(labels, alerts, "night_wandering", windows)
    assert (k.episodes, k.unarmed_episodes, k.found, k.recall) == (2, 1, 1, 0.5)
    assert k.false_alerts == 1  # an alert of a kind its home cannot support is still false
    text = markdown(evaluate(labels, alerts, windows, draws=0))
    assert "not armed, so not judged): night_wandering 1" in text
