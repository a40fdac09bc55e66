"""What a recording's sensor and activity names mean to CareWatch: a TOML mapping file.

Rules are tried in order and the first whose shell-style ``match`` pattern fits the
name (case-insensitively) wins. A user's file is tried before the format's built-in
rules (``casas.toml``, ``kasteren.toml`` beside this module) unless it says
``defaults = false``. A sensor rule gives a CareWatch ``kind`` (or ``ignore``) and an
``id`` template (``{name}``, ``{place}``: the recorded names made id-safe)::

    motion_repeat = 60            # s between motion readings while a sensor stays on
    [[sensor]]
    match = "Bed/Pressure"
    kind = "bed"
    id = "bed"
    [[activity]]
    match = "*sleep*"
    label = "sleep"               # a label kind, or "ignore"
"""

import re
import tomllib
from fnmatch import fnmatchcase
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from carewatch.errors import BadData
from carewatch.protocol.messages import ID_PATTERN

SensorKind = Literal["bed", "chair", "tap", "toilet", "motion", "door", "ignore"]
USED_KINDS = ("bed", "chair", "tap", "toilet", "motion", "door")
Label = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z_]{0,63}$")]


class SensorRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Sensors whose name fits ``match`` are ``kind`` readings from sensor ``id``."""

    match: str
    kind: SensorKind
    id: str = "{name}"
    repeat: bool = True  # motion: repeat while active (a PIR held on); False: once per start


class ActivityRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Activities whose name fits ``match`` become labels of kind ``label``."""

    match: str
    label: Label


class Mapping(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A whole mapping file."""

    sensor: list[SensorRule] = []
    activity: list[ActivityRule] = []
    motion_repeat: Annotated[float, msgspec.Meta(ge=0)] = 60.0
    tap_litres_per_minute: Annotated[float, msgspec.Meta(gt=0)] = 6.0
    defaults: bool = True

    def sensor_rule(self, name: str) -> SensorRule | None:
        """The first rule for sensor ``name``, or ``None`` when it is unmapped."""
        return next((r for r in self.sensor if _fits(name, r.match)), None)

    def label(self, activity: str) -> str | None:
        """The label kind for ``activity`` (``"ignore"`` to drop it), ``None`` if unmapped."""
        return next((r.label for r in self.activity if _fits(activity, r.match)), None)


def without(mapping: Mapping, kinds: list[str]) -> Mapping:
    """``mapping`` with every sensor rule of ``kinds`` made ``ignore`` (a partial kit).

    >>> rules = Mapping(sensor=[SensorRule("Bed*", "bed"), SensorRule("M*", "motion")])
    >>> [r.kind for r in without(rules, ["bed"]).sensor]
    ['ignore', 'motion']
    """
    unknown = sorted(set(kinds) - set(USED_KINDS))
    if unknown:
        raise BadData(f"--without {unknown[0]!r}: not one of {', '.join(USED_KINDS)}")
    rules = [
        msgspec.structs.replace(rule, kind="ignore") if rule.kind in kinds else rule
        for rule in mapping.sensor
    ]
    return msgspec.structs.replace(mapping, sensor=rules)


def sensor_id(rule: SensorRule, name: str, place: str) -> str:
    """The CareWatch id of sensor ``name`` under ``rule``.

    >>> sensor_id(SensorRule("M*", "motion", "motion-{name}"), "M003", "")
    'motion-m003'
    >>> sensor_id(SensorRule("*/PIR", "motion", "motion-{place}"), "Shower/PIR", "Bathroom")
    'motion-bathroom'
    """
    try:
        made = rule.id.format(name=slug(name), place=slug(place) or "home")
    except (KeyError, IndexError, ValueError) as error:
        raise BadData(
            f"mapping rule {rule.match!r}: id {rule.id!r} may use only {{name}} and {{place}}"
        ) from error
    if re.fullmatch(ID_PATTERN, made) is None:
        raise BadData(f"mapping rule {rule.match!r} gives sensor {name!r} the bad id {made!r}")
    return made


def slug(text: str) -> str:
    """``text`` lower-cased with every run of other characters made one dash.

    >>> slug("Spare_Time/TV"), slug("  Bed ")
    ('spare-time-tv', 'bed')
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_mapping(fmt: str, path: Path | None) -> Mapping:
    """The mapping for format ``fmt``: the file at ``path`` (if any), then the built-in one."""
    builtin = _decode(files(__package__).joinpath(f"{fmt}.toml").read_text(), f"built-in {fmt}")
    if path is None:
        return builtin
    if not path.is_file():
        raise BadData(f"{path}: no such mapping file")
    mine = _decode(path.read_text(), str(path))
    if not mine.defaults:
        return mine
    return msgspec.structs.replace(
        mine, sensor=mine.sensor + builtin.sensor, activity=mine.activity + builtin.activity
    )


def _decode(text: str, source: str) -> Mapping:
    try:
        return msgspec.convert(tomllib.loads(text), Mapping)
    except tomllib.TOMLDecodeError as error:
        raise BadData(f"{source} mapping: not TOML ({error})") from error
    except msgspec.ValidationError as error:
        raise BadData(f"{source} mapping: {error}") from error


def _fits(name: str, pattern: str) -> bool:
    return fnmatchcase(name.lower(), pattern.lower())
