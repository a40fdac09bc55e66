"""Bringing older checkpoints up to date: every migration of the engine's state, here.

- version 1 stored ``EngineConfig`` by position (:class:`V1Config`, :data:`V1_FIELDS`)
  and each home's recent readings as an ordered dict (:func:`upgrade_home`);
- until issue 16 a home's recent readings were a deque of tuples, now
  :class:`~detectors.recent.RecentEvents` (:func:`upgrade_home`);
- homes from before presence and the kit was learnt get them (:func:`upgrade_home`);
- homes from before the detector contract are given their detectors;
- classes that moved module are found where they live now (:data:`MOVED`);
- settings are kept by name (:func:`config_from`): a setting since removed is dropped, a
  new one takes its default.

Smaller additions to a detector's state are class-level defaults on its class (an old
pickle lacks the attribute, the class supplies it) or a ``__setstate__`` that starts
from a fresh instance; those stay beside the state they complete.
"""

import dataclasses
from collections import deque
from typing import Any

from detectors.config import HOUR, EngineConfig
from detectors.presence import Presence
from detectors.recent import RecentEvents
from detectors.sensors import SensorState
from detectors.strays import StrayMotion
from detectors.toileting import NightToileting

# (module, name) in an old pickle -> where the class lives now
MOVED: dict[tuple[str, str], type] = {("detectors.health", "SensorState"): SensorState}

# EngineConfig's fields, in order, when checkpoints were version 1
V1_FIELDS = (
    "learning_period",
    "fading",
    "dehydration_window_h",
    "dehydration_ratio",
    "dehydration_recover",
    "dehydration_learn_above",
    "night_min_in_bed",
    "wander_after",
    "wander_toilet_after",
    "wander_wake_margin",
    "stress_fading",
    "stress_learning",
    "stress_rise_bpm",
    "stress_rise_sd",
    "stress_rise_max",
    "stress_sustain",
    "stress_smoothing",
    "rest_quiet",
    "rest_settle",
    "hr_active_rise",
    "hr_prior_mean",
    "hr_prior_sd",
    "hr_high",
    "hr_low",
    "hr_bound_sustain",
    "wake_late_margin",
    "wake_late_max",
    "silence_min",
    "silence_factor",
    "silence_max",
    "gateway_silence",
    "sensor_silence_factor",
    "battery_low",
    "health_learning",
)


def config_from(fields: dict[str, Any]) -> EngineConfig:
    """The settings a checkpoint stored, as today's ``EngineConfig``.

    >>> config_from({"learning_period": 60.0, "retired_setting": 1}).learning_period
    60.0
    """
    known = {field.name for field in dataclasses.fields(EngineConfig)}
    return EngineConfig(**{name: value for name, value in fields.items() if name in known})


class V1Config:
    """Holds a version 1 checkpoint's settings (values by position) while it is read."""

    values: list[Any]

    def __setstate__(self, values: list[Any]) -> None:
        self.values = values

    def config(self) -> EngineConfig:
        """Today's ``EngineConfig`` with the values it had."""
        return config_from(dict(zip(V1_FIELDS, self.values, strict=True)))


def upgrade_home(home: Any, state: dict[str, object], dedup: int) -> None:
    """Complete a restored home's ``__dict__`` (``state``, as pickled) to today's shape."""
    recent = state.get("recent")
    if isinstance(recent, deque):  # before issue 16: a deque of (sensor state, ts, value)
        home.recent = RecentEvents(dedup, recent)
    if isinstance(recent, dict):  # version 1: an ordered dict of (sensor id, ts, value)
        keys = [(home.sensors[sensor], ts, value) for sensor, ts, value in recent]
        home.recent = RecentEvents(dedup, keys)
        home.hour_start = home.hour_end - HOUR
        room = home.chair_room
        home.chair_sensor = max(room, key=room.__getitem__) if room else ""
    if "presence" not in state:  # from before presence and the kit were learnt
        home.presence = Presence()
        home.kinds = frozenset(sensor.kind for sensor in home.sensors.values())
    if "strays" not in state:  # from before a pet's motion was told apart (decision D131)
        home.strays = StrayMotion()
    if "detectors" not in state:  # from before the detector contract (decision D87)
        home.listen(home.night, home.inactivity, home.dehydration)
    if "toileting" not in state:  # from before the night toileting alert (decision D116)
        home.toileting = NightToileting()
        home.listen(home.night, home.inactivity, home.dehydration, home.toileting)
