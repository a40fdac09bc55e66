"""``carewatch import``: fixtures to files that ``carewatch replay`` runs on; clear errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from carewatch.protocol import Alert
from carewatch.records import LabelRecord, read_readings, read_records

FIXTURES = Path(__file__).parent / "fixtures"


def carewatch(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "carewatch", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_a_casas_import_replays_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "casas"
    done = carewatch(
        "import", "casas", FIXTURES / "casas-home.txt", "--tz", "America/Los_Angeles", "--out", out
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"imported casas-home into {out}: 32 readings")
    assert "unmapped sensors (events): X9 (1)" in done.stdout
    assert "ignored by the mapping (events): T001 (1), LS004 (1)" in done.stdout
    readings = list(read_readings(out / "readings.jsonl"))
    assert [r.ts for r in readings] == sorted(r.ts for r in readings)
    assert {r.home for r in readings} == {"casas-home"}
    labels = list(read_records(out / "labels.jsonl", LabelRecord))
    assert {label.kind for label in labels} == {
        "sleep",
        "toilet",
        "away",
        "activity",
        "night_up",
        "night_wandering",
    }
    (home,) = json.loads((out / "homes.json").read_text())
    assert home["tz"] == "America/Los_Angeles" and home["source"] == "casas"
    assert home["sensors"]["door-d001"] == "door" and home["sensors"]["motion-m002"] == "motion"
    replay = carewatch(
        "replay", out / "readings.jsonl", "--out", out / "alerts.jsonl", "--learning-period", "1d"
    )
    assert replay.returncode == 0, replay.stderr
    assert (
        "replayed 1 homes" in replay.stdout
        and f"time zones from {out / 'homes.json'}" in replay.stdout
    )
    assert "0 unreadable lines" in replay.stdout
    list(read_records(out / "alerts.jsonl", Alert))  # a readable alerts file


def test_a_kasteren_import_replays_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "k"
    done = carewatch(
        "import",
        "kasteren",
        FIXTURES / "kasteren-home",
        "--tz",
        "Europe/London",
        "--home",
        "k-1",
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    assert "bed 6, chair 4, door 4, motion 6, toilet 1" in done.stdout
    assert "unmapped sensors (events): Window/Vibration (2)" in done.stdout
    (home,) = json.loads((out / "homes.json").read_text())
    assert home["home"] == "k-1" and set(home["sensors"].values()) == {
        "bed",
        "chair",
        "door",
        "motion",
        "toilet",
    }
    ups = [
        label
        for label in read_records(out / "labels.jsonl", LabelRecord)
        if label.kind == "night_up"
    ]
    assert [(u.end - u.start, u.detail) for u in ups] == [(75 * 60, "Spare_Time/TV")]
    replay = carewatch("replay", out / "readings.jsonl", "--out", out / "alerts.jsonl")
    assert replay.returncode == 0, replay.stderr
    assert "replayed 1 homes" in replay.stdout


def test_the_same_recording_gives_byte_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            carewatch(
                "import",
                "kasteren",
                FIXTURES / "kasteren-home",
                "--tz",
                "Europe/London",
                "--out",
                tmp_path / name,
            ).returncode
            == 0
        )
    for file in ("readings.jsonl", "labels.jsonl", "homes.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("casas", "nowhere.txt", "--tz", "UTC"), "nowhere.txt: no such file"),
        (("kasteren", "nowhere", "--tz", "UTC"), "nowhere: no such folder"),
        (("casas", FIXTURES / "casas-home.txt", "--tz", "Europe/Madird"), "--tz"),
        (("casas", FIXTURES / "casas-home.txt", "--tz", "UTC", "--home", "Mrs Smith"), "--home"),
        (("casas", FIXTURES / "casas-home.txt", "--tz", "UTC", "--home", "h" * 65), "--home"),
        (
            ("casas", FIXTURES / "casas-home.txt", "--tz", "UTC", "--mapping", "nope.toml"),
            "nope.toml: no such mapping file",
        ),
    ],
)
def test_bad_arguments_exit_2_and_say_which(
    tmp_path: Path, args: tuple[str | Path, ...], said: str
) -> None:
    done = carewatch("import", *args, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert said in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_tz_is_an_error(tmp_path: Path) -> None:
    done = carewatch("import", "casas", FIXTURES / "casas-home.txt", "--out", tmp_path)
    assert done.returncode == 2 and "--tz" in done.stderr


def test_a_bad_line_stops_the_import_unless_skipped(tmp_path: Path) -> None:
    data = tmp_path / "home.txt"
    lines = (FIXTURES / "casas-home.txt").read_text().splitlines()
    lines.insert(5, "2021-03-01 23:00:00 M002 ONc")
    data.write_text("\n".join(lines) + "\n")
    done = carewatch("import", "casas", data, "--tz", "UTC", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert f"{data}:6: sensor M002 is mapped to motion but sent 'ONc'" in done.stderr
    assert "--skip-bad" in done.stderr
    assert not (tmp_path / "out").exists()
    skipped = carewatch(
        "import", "casas", data, "--tz", "UTC", "--out", tmp_path / "out", "--skip-bad"
    )
    assert skipped.returncode == 0
    assert f"skipped 1 bad lines, e.g. {data}:6:" in skipped.stdout


def test_without_leaves_a_kind_out_for_a_partial_kit(tmp_path: Path) -> None:
    out = tmp_path / "no-bed"
    home = FIXTURES / "kasteren-home"
    args = ("--tz", "Europe/London", "--without", "bed", "--without", "door", "--out", out)
    done = carewatch("import", "kasteren", home, *args)
    assert done.returncode == 0, done.stderr
    (entry,) = json.loads((out / "homes.json").read_text())
    assert set(entry["sensors"].values()) == {"chair", "motion", "toilet"}
    assert {r.kind for r in read_readings(out / "readings.jsonl")} == {"chair", "motion", "toilet"}
    assert "Bed/Pressure (6)" in done.stdout and "Maindoor/Magnetic (4)" in done.stdout
    wrong = carewatch("import", "kasteren", home, "--tz", "UTC", "--without", "sofa", "--out", out)
    assert wrong.returncode == 2 and "--without 'sofa'" in wrong.stderr
