"""The home's own kit: each missing sensor kind disarms exactly the alerts that need it."""

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carewatch.errors import BadData
from carewatch.kit import armed, limited, unarmed
from carewatch.protocol import AlertKind, Kind
from carewatch.records import write_jsonl
from detectors.cli import kit_report, load_kits, replay
from tests.detectors.helpers import replay as run_days
from tests.detectors.life import Day, Life

FULL = frozenset(Kind)
# What dropping one kind takes away: unarmed alert kinds, and armed ones left with a gap.
EXPECTED: dict[Kind, tuple[set[AlertKind], set[AlertKind]]] = {
    Kind.TAP: ({AlertKind.DEHYDRATION}, set()),
    Kind.BED: ({AlertKind.NIGHT_WANDERING, AlertKind.NIGHT_TOILETING}, {AlertKind.INACTIVITY}),
    Kind.HEART_RATE: ({AlertKind.STRESS}, set()),
    Kind.CHAIR: (set(), set()),  # motion confirms rest instead
    Kind.MOTION: (set(), {AlertKind.INACTIVITY}),  # a chair confirms rest instead
    Kind.TOILET: ({AlertKind.NIGHT_TOILETING}, {AlertKind.NIGHT_WANDERING, AlertKind.DEHYDRATION}),
    Kind.DOOR: (set(), {AlertKind.NIGHT_WANDERING, AlertKind.INACTIVITY}),
}
SENSOR_WORD = {Kind.HEART_RATE: "wearable"}


def test_a_full_kit_arms_everything() -> None:
    assert unarmed(FULL) == {} and limited(FULL) == {}
    assert armed(FULL) == frozenset(AlertKind)


@pytest.mark.parametrize("missing", sorted(Kind))
def test_each_missing_kind_disarms_exactly_what_needs_it_and_says_why(missing: Kind) -> None:
    kinds = FULL - {missing}
    off, partial = unarmed(kinds), limited(kinds)
    assert (set(off), set(partial)) == EXPECTED[missing]
    word = SENSOR_WORD.get(missing, f"no {missing.value} sensor")
    for alert, reason in {**off, **partial}.items():
        assert reason.startswith(alert.value.replace("_", " ")) and word in reason
    assert armed(kinds) == frozenset(AlertKind) - set(off)


def test_stress_needs_a_room_sensor_to_confirm_rest_and_inactivity_motion_or_bed() -> None:
    off = unarmed({Kind.HEART_RATE, Kind.TAP})
    assert "confirm they are at rest" in off[AlertKind.STRESS]
    assert set(off) == {
        AlertKind.STRESS,
        AlertKind.NIGHT_WANDERING,
        AlertKind.INACTIVITY,
        AlertKind.NIGHT_TOILETING,
    }
    assert AlertKind.SENSOR_HEALTH in armed(set())  # the gateway is always watched


@pytest.mark.parametrize("missing", sorted(Kind))
def test_the_engine_raises_nothing_the_kit_cannot_support(missing: Kind) -> None:
    """Every pattern at once, each sensor kind dropped in turn: no unarmed alert comes out."""
    days = [Day() for _ in range(9)] + [
        Day(wander=(2.0, 15.0, False), stress=(15.0, 20.0, 25.0)),
        Day(silence=(11.0, 4.0)),
        Day(drinks=2, drink_litres=0.1),
        Day(drinks=1, drink_litres=0.1),
        Day(),
    ]
    readings = [r for r in Life().live(days) if r.kind is not missing]
    outcome = run_days(readings)
    off = unarmed(FULL - {missing})
    assert not set(outcome.kinds()) & {alert.value for alert in off}
    if missing is Kind.MOTION:  # the daytime silence needs motion; the rest still works
        assert not [a for a in outcome.of("inactivity") if "No movement" in a.explanation]
    assert set(outcome.kinds()) >= {"night_wandering", "stress"} - {a.value for a in off}


def test_replay_says_what_each_home_cannot_judge(tmp_path: Path) -> None:
    readings = [r for r in Life().live([Day(), Day()]) if r.kind is not Kind.HEART_RATE]
    path = tmp_path / "readings.jsonl"
    with path.open("wb") as handle:
        write_jsonl(readings, handle)
    homes = [{"home": "h-1", "tz": "Europe/London", "sensors": {"tap-kitchen": "tap"}}]
    (tmp_path / "homes.json").write_text(json.dumps(homes))
    app = typer.Typer()
    app.command()(replay)
    result = CliRunner().invoke(app, [str(path), "--out", str(tmp_path / "alerts.jsonl")])
    assert result.exit_code == 0, result.output
    assert "h-1 cannot judge: stress: no wearable in this home" in result.output


def test_a_sensor_of_an_unknown_kind_in_homes_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "homes.json"
    path.write_text(json.dumps([{"home": "h-1", "tz": "UTC", "sensors": {"x": "lamp"}}]))
    with pytest.raises(BadData, match="'sensors' must map each sensor id to a kind"):
        load_kits(path)


def test_many_homes_are_summarised_by_reason() -> None:
    kits = {f"h-{n:02d}": FULL - {Kind.HEART_RATE} if n % 2 else FULL for n in range(12)}
    assert kit_report(kits) == ["  stress: no wearable in this home (6 of 12 homes)"]
    few = {home: kinds for home, kinds in list(kits.items())[:3]}
    assert kit_report(few) == ["  h-01 cannot judge: stress: no wearable in this home"]
