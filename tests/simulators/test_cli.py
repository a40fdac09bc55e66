"""``carewatch simulate``: files, byte-identical reruns, clear errors for bad arguments."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carewatch.records import LabelRecord, read_readings, read_records
from simulators.cli import simulate
from simulators.faults import MalformedRecord
from simulators.profiles import HomeProfile
from simulators.scenarios import SCENARIO_KINDS

app = typer.Typer()
app.command()(simulate)
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
    }


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    common = ["--homes", "3", "--days", "3", "--scenario", "all"]
    assert _run(*common, "--seed", "7", "--out", str(tmp_path / "a"))[0] == 0
    assert _run(*common, "--seed", "7", "--out", str(tmp_path / "b"))[0] == 0
    assert _run(*common, "--seed", "8", "--out", str(tmp_path / "c"))[0] == 0
    first, second, other = (_digests(tmp_path / name) for name in "abc")
    assert set(first) == {
        "readings.jsonl",
        "labels.jsonl",
        "homes.json",
        "statuses.jsonl",
        "malformed.jsonl",
    }
    assert first == second
    assert first["readings.jsonl"] != other["readings.jsonl"]


def test_files_decode_as_the_architecture_formats(tmp_path: Path) -> None:
    code, output = _run(
        "--homes", "2", "--days", "2", "--seed", "1", "--scenario", "stress",
        "--scenario", "malformed,hot_day", "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0, output
    readings = list(read_readings(tmp_path / "readings.jsonl"))
    assert {r.home for r in readings} == {"home-001", "home-002"}
    labels = list(read_records(tmp_path / "labels.jsonl", LabelRecord))
    assert {"stress", "malformed", "hot_day"} <= {label.kind for label in labels}
    bad = list(read_records(tmp_path / "malformed.jsonl", MalformedRecord))
    assert bad and all(record.reason for record in bad)
    import msgspec

    homes = msgspec.json.decode((tmp_path / "homes.json").read_bytes(), type=list[HomeProfile])
    assert [home.home for home in homes] == ["home-001", "home-002"]
    assert "wrote" in output


def test_no_malformed_file_unless_asked(tmp_path: Path) -> None:
    assert _run("--homes", "1", "--days", "1", "--out", str(tmp_path))[0] == 0
    assert not (tmp_path / "malformed.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--homes", "0"], "--homes"),
        (["--days", "-1"], "--days"),
        (["--scenario", "flood"], "flood"),
        (["--hr-interval", "0.1"], "--hr-interval"),
        (["--start", "03/03/2025"], "--start"),
        (["--population", "mixed"], "--population"),
    ],
)
def test_bad_arguments_exit_2_and_say_why(tmp_path: Path, args: list[str], complaint: str) -> None:
    code, output = _run(*args, "--out", str(tmp_path))
    assert code == 2
    assert complaint in output
    assert not (tmp_path / "readings.jsonl").exists()


def test_out_must_be_a_directory(tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("keep me")
    code, output = _run("--homes", "1", "--days", "1", "--out", str(taken))
    assert code == 2
    assert "not a directory" in output
    assert taken.read_text() == "keep me"


def test_the_installed_command_is_wired(tmp_path: Path) -> None:
    cli = Path(sys.executable).with_name("carewatch")
    done = subprocess.run(
        [str(cli), "simulate", "--homes", "1", "--days", "1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "readings.jsonl").stat().st_size > 0
    bad = subprocess.run(
        [str(cli), "simulate", "--scenario", "nope", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "nope" in bad.stderr
    assert all(kind in bad.stderr for kind in ("dehydration", "night_wandering"))


def test_every_kind_is_listed_in_the_help() -> None:
    code, output = _run("--help")
    assert code == 0
    assert all(kind in output.replace("\n", "") for kind in SCENARIO_KINDS[:3])


def test_the_default_population_is_realistic_and_classic_can_be_chosen(tmp_path: Path) -> None:
    import msgspec

    common = ["--homes", "12", "--days", "1", "--seed", "4"]
    assert _run(*common, "--out", str(tmp_path / "d"))[0] == 0
    assert _run(*common, "--population", "classic", "--out", str(tmp_path / "c"))[0] == 0
    default, classic = (
        msgspec.json.decode((tmp_path / name / "homes.json").read_bytes(), type=list[HomeProfile])
        for name in "dc"
    )
    assert {home.population for home in default} == {"realistic"}
    assert any(len(home.sensors) < 12 for home in default)
    assert all(home.population == "classic" and len(home.sensors) == 12 for home in classic)
