"""``scripts/evaluate`` (``python -m detectors.evaluation``) on tiny cohorts and hand-made homes."""

import json
from collections import Counter
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from carewatch.protocol import Alert
from carewatch.records import LabelRecord, ReadingRecord, read_readings, read_records
from detectors.evaluation.__main__ import app
from detectors.evaluation.cohorts import without_wearables

T = 1_767_225_600.0  # 2026-01-01 00:00 UTC
MINUTE, HOUR, DAY = 60.0, 3600.0, 86_400.0


def write(where: Path, readings: list[ReadingRecord], labels: list[LabelRecord]) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    lines = b"".join(msgspec.json.encode(x) + b"\n" for x in sorted(readings, key=lambda r: r.ts))
    (where / "readings.jsonl").write_bytes(lines)
    (where / "labels.jsonl").write_bytes(b"".join(msgspec.json.encode(x) + b"\n" for x in labels))
    sensors = {r.sensor: r.kind for r in readings}
    (where / "homes.json").write_text(
        json.dumps([{"home": "flat-1", "tz": "Europe/London", "sensors": sensors}])
    )
    return where


def a_recorded_home(where: Path, days: int = 6) -> Path:
    """A home of motion, bed and door sensors: up at 07:00, out 10-12, in bed at 22:30."""
    readings: list[ReadingRecord] = []
    labels: list[LabelRecord] = []
    for day in range(days):
        t0 = T + day * DAY
        readings.append(ReadingRecord("flat-1", "bed", "bed", t0 + 7 * HOUR, 0.0))
        for minute in range(0, 15 * 60 + 30, 7):
            at = t0 + 7 * HOUR + minute * MINUTE
            if not 10 * HOUR <= at - t0 <= 12 * HOUR:
                readings.append(ReadingRecord("flat-1", "pir-hall", "motion", at, 1.0))
        readings += [
            ReadingRecord("flat-1", "door", "door", t0 + 10 * HOUR, 1.0),
            ReadingRecord("flat-1", "door", "door", t0 + 12 * HOUR, 0.0),
            ReadingRecord("flat-1", "bed", "bed", t0 + 22.5 * HOUR, 1.0),
        ]
        if day == days - 2:  # up from 02:00 to 03:30, pacing the hall
            readings.append(ReadingRecord("flat-1", "bed", "bed", t0 + 2 * HOUR, 0.0))
            readings += [
                ReadingRecord("flat-1", "pir-hall", "motion", t0 + 2 * HOUR + m * MINUTE, 1.0)
                for m in range(1, 90, 3)
            ]
            readings.append(ReadingRecord("flat-1", "bed", "bed", t0 + 3.5 * HOUR, 1.0))
            labels.append(LabelRecord("flat-1", "night_wandering", t0 + 2 * HOUR, t0 + 3.5 * HOUR))
        labels += [
            LabelRecord("flat-1", "away", t0 + 10 * HOUR, t0 + 12 * HOUR),
            LabelRecord("flat-1", "sleep", t0 - 1.5 * HOUR, t0 + 7 * HOUR),
        ]
    return write(where, readings, labels)


def test_without_wearables_drops_heart_rate_and_what_only_it_shows(tmp_path: Path) -> None:
    where = write(
        tmp_path / "seed-1",
        [
            ReadingRecord("flat-1", "hr-1", "heart_rate", T, 70.0),
            ReadingRecord("flat-1", "bed", "bed", T + 1, 1.0),
        ],
        [
            LabelRecord("flat-1", "stress", T, T + 600),
            LabelRecord("flat-1", "sensor_dead", T, T + DAY, subject="hr-1"),
            LabelRecord("flat-1", "sensor_dead", T, T + DAY, subject="bed"),
            LabelRecord("flat-1", "night_wandering", T, T + HOUR),
        ],
    )
    dest = without_wearables(where)
    assert dest == tmp_path / "seed-1-no-wearable"
    assert [r.sensor for r in read_readings(dest / "readings.jsonl")] == ["bed"]
    kept = [(lab.kind, lab.subject) for lab in read_records(dest / "labels.jsonl", LabelRecord)]
    assert kept == [("sensor_dead", "bed"), ("night_wandering", None)]
    kit = json.loads((dest / "homes.json").read_text())
    assert kit == [{"home": "flat-1", "tz": "Europe/London", "sensors": {"bed": "bed"}}]


def test_a_recorded_home_gets_its_row(tmp_path: Path) -> None:
    home = a_recorded_home(tmp_path / "flat")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["--out", str(out), "--seeds", "", "--unseen", "", "--skip-stress-predict",
         "--real", str(home), "--real-learning", "2d", "--draws", "10", "--partial-kits"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    alerts = [a for a in read_records(out / "real-flat-alerts.jsonl", Alert)]
    judged = [a for a in alerts if a.detected_at >= T + 7 * HOUR + 2 * DAY]
    by_type = ", ".join(f"{k} {n}" for k, n in sorted(Counter(a.kind for a in judged).items()))
    row = next(line for line in result.output.splitlines() if line.startswith("| flat-1 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "3.6"  # days 07:00 + 2 days learning to day 6 at 22:30
    assert cells[2] == "bed, door, motion"
    assert cells[3] == (by_type or "none")
    night = T + (6 - 2) * DAY + 2 * HOUR  # the labelled spell, with the 30 minutes' grace
    finds = [
        a
        for a in judged
        if a.kind == "night_wandering" and night <= a.detected_at <= night + 2 * HOUR
    ]
    assert cells[4] == str(len(judged) - len(finds))  # the rest find nothing labelled
    assert cells[7].startswith(f"night_wandering {min(len(finds), 1)}/1 (")
    assert finds  # measured: found after 7 minutes; a row of nothing would prove little
    assert (out / "how-well-it-works.md").read_text() in result.output
    for kind, kit in (("bed", "door, motion"), ("door", "bed, motion"), ("motion", "bed, door")):
        row = next(line for line in result.output.splitlines() if f"flat without {kind}:" in line)
        assert row.split("|")[3].strip() == kit
    report = json.loads((out / "how-well-it-works.json").read_text())["real homes"]
    assert report["residents"] == 1  # the whole kit only
    assert report["kinds"]["stress"]["episodes"] == 0


def test_a_cohort_is_simulated_replayed_and_scored_with_and_without_wearables(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["--out", str(out), "--homes", "2", "--days", "17", "--seeds", "41", "--unseen", "",
         "--learning", "14d", "--skip-stress-predict", "--draws", "5"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "### Simulated cohorts: seeds 41 (tuned on), with wearables" in result.output
    assert "### Simulated cohorts: seeds 41 (tuned on), without wearables" in result.output
    assert "Judged: 2 residents x 2.9 days after learning" in result.output
    assert result.output.count("Judged: 2 residents x ") == 2
    assert "random: recall" in result.output
    assert result.output.count("simulating seed 41") == 1  # one simulation for both
    report = json.loads((out / "how-well-it-works.json").read_text())
    assert set(report) == {
        "seeds 41 (tuned on), with wearables",
        "seeds 41 (tuned on), without wearables (heart rate removed)",
    }
    assert (out / "seed-41-2x17" / "alerts.jsonl").is_file()
    assert not any(
        r.kind == "heart_rate"
        for r in read_readings(out / "seed-41-2x17-no-wearable" / "readings.jsonl")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--real", "/nowhere/flat"], "--real /nowhere/flat: no such folder"),
        (["--seeds", "41,x"], "seeds '41,x' are not like 41,42"),
        (["--learning", "two weeks"], "two weeks"),
        (["--real", "{tmp}"], "--real {tmp}: no readings.jsonl (a recording folder holds"),
        (["--stress-predict", "{tmp}/sp"], "--stress-predict {tmp}/sp: no such folder"),
    ],
)
def test_bad_options_are_refused_by_name(tmp_path: Path, args: list[str], message: str) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    message = message.replace("{tmp}", str(tmp_path))
    result = CliRunner().invoke(
        app, ["--out", str(tmp_path / "out"), "--seeds", "", "--unseen", "", *args]
    )
    assert result.exit_code != 0
    assert message in str(result.exception)


def test_stress_predict_gets_a_row_per_session_and_the_random_alerter(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["--out", str(tmp_path), "--seeds", "", "--unseen", "", "--draws", "20"]
    )
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("| sp-")]
    total = next(line for line in result.output.splitlines() if line.startswith("| all |"))
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    assert len(rows) == 11
    every = [c.strip() for c in total.strip("|").split("|")]
    for column in (1, 2, 3, 4, 5):  # tasks, found, found inside, repeats, false
        assert int(every[column]) == sum(int(c[column]) for c in cells)
    assert every[1] == "33"
    assert "alerts inside a task:" in result.output and "per session" in result.output
    report = json.loads((tmp_path / "how-well-it-works.json").read_text())["stress-predict"]
    stress = report["kinds"]["stress"]
    assert stress["found"] == int(every[2]) and stress["chance"]["draws"] == 20
