"""Mapping files: first match wins, the user's rules before the built-in ones, clear errors."""

import re
from pathlib import Path

import pytest

from carewatch.errors import BadData
from simulators.recordings.mapping import SensorRule, load_mapping, sensor_id


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    return path


def test_builtin_casas_mapping_knows_the_casas_prefixes() -> None:
    mapping = load_mapping("casas", None)
    kinds = {
        name: getattr(mapping.sensor_rule(name), "kind", None)
        for name in ("M012", "MA201", "D001", "T003", "LS004", "Q7")
    }
    assert kinds == {
        "M012": "motion",
        "MA201": "motion",
        "D001": "door",
        "T003": "ignore",
        "LS004": "ignore",
        "Q7": None,
    }
    labels = {
        name: mapping.label(name)
        for name in ("Sleeping", "R1_Sleep", "Bed_to_Toilet", "Leave_Home", "Enter_Home", "Relax")
    }
    assert labels == {
        "Sleeping": "sleep",
        "R1_Sleep": "sleep",
        "Bed_to_Toilet": "toilet",
        "Leave_Home": "leave_home",
        "Enter_Home": "enter_home",
        "Relax": "activity",
    }


def test_builtin_kasteren_mapping_gives_each_ordonez_sensor_a_kind() -> None:
    mapping = load_mapping("kasteren", None)
    found = {}
    for name, place in [
        ("Bed/Pressure", "Bedroom"),
        ("Seat/Pressure", "Living"),
        ("Toilet/Flush", "Bathroom"),
        ("Maindoor/Magnetic", "Entrance"),
        ("Shower/PIR", "Bathroom"),
        ("Cupboard/Magnetic", "Kitchen"),
        ("Toaster/Electric", "Kitchen"),
    ]:
        rule = mapping.sensor_rule(name)
        assert rule is not None, name
        found[name] = (rule.kind, sensor_id(rule, name, place))
    assert found == {
        "Bed/Pressure": ("bed", "bed"),
        "Seat/Pressure": ("chair", "chair"),
        "Toilet/Flush": ("toilet", "toilet"),
        "Maindoor/Magnetic": ("door", "door-front"),
        "Shower/PIR": ("motion", "motion-bathroom"),
        "Cupboard/Magnetic": ("motion", "motion-kitchen"),
        "Toaster/Electric": ("motion", "motion-kitchen"),
    }
    assert mapping.label("Spare_Time/TV") == "activity"
    assert mapping.label("Leaving") == "leave_home"


def test_user_rules_come_first_and_defaults_follow(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        motion_repeat = 30
        [[sensor]]
        match = "D002"
        kind = "motion"
        id = "motion-pantry"
        [[activity]]
        match = "Relax"
        label = "ignore"
        """,
    )
    mapping = load_mapping("casas", path)
    assert mapping.motion_repeat == 30
    assert getattr(mapping.sensor_rule("d002"), "id", None) == "motion-pantry"  # case-blind
    assert getattr(mapping.sensor_rule("D001"), "kind", None) == "door"  # built-in still there
    assert mapping.label("Relax") == "ignore"


def test_defaults_false_leaves_only_the_users_rules(tmp_path: Path) -> None:
    path = _write(tmp_path, 'defaults = false\n[[sensor]]\nmatch = "M0*"\nkind = "motion"\n')
    mapping = load_mapping("casas", path)
    assert mapping.sensor_rule("M001") is not None
    assert mapping.sensor_rule("D001") is None
    assert mapping.label("Sleeping") is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[[sensor]]\nmatch = "M*"\nkind = "sofa"\n', "sensor[0].kind"),
        ('[[sensor]]\nmatch = "M*"\nkind = "motion"\nroom = "x"\n', "room"),
        ('[[activity]]\nmatch = "*"\nlabel = "Sleep Time"\n', "activity[0].label"),
        ("motion_repeat = -1\n", "motion_repeat"),
        ("[[sensor]\n", "not TOML"),
    ],
)
def test_a_bad_mapping_names_the_file_and_setting(tmp_path: Path, text: str, named: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(BadData, match=re.escape(named)) as caught:
        load_mapping("casas", path)
    assert str(path) in str(caught.value)


def test_a_mistyped_mapping_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BadData, match="no such mapping file"):
        load_mapping("kasteren", tmp_path / "mapings.toml")


def test_an_id_template_giving_a_bad_id_is_an_error() -> None:
    with pytest.raises(BadData, match="bad id"):
        sensor_id(SensorRule("*", "motion", "Motion {name}!"), "M1", "")


def test_an_id_template_with_an_unknown_placeholder_is_an_error() -> None:
    with pytest.raises(BadData, match=r"only \{name\} and \{place\}"):
        sensor_id(SensorRule("*", "motion", "motion-{room}"), "M1", "")
