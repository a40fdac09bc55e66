"""Pickling the engine's state for checkpoints, with its settings kept by name.

``EngineConfig`` is a slotted dataclass, and those pickle their values by position: a
checkpoint written before a field was added or moved would come back with its values in
the wrong fields (or fail). So checkpoints store the settings as a ``{field: value}``
dict (fields since removed are dropped, new ones take their default); a version 1
checkpoint, stored by position, is read with the field order of its day.
"""

import copyreg
import dataclasses
import io
import pickle  # checkpoints are our own files, written by dumps
from collections.abc import Callable
from typing import Any

from detectors.config import EngineConfig

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


def _by_name(config: EngineConfig) -> tuple[Callable[..., EngineConfig], tuple[object, ...]]:
    return config_from, ({f.name: getattr(config, f.name) for f in dataclasses.fields(config)},)


def dumps(state: object) -> bytes:
    """Pickle ``state``; any ``EngineConfig`` in it is kept as a dict of its fields."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, EngineConfig: _by_name}
    pickler.dump(state)
    return buffer.getvalue()


class V1Config:
    """Holds a version 1 checkpoint's settings (values by position) while it is read."""

    values: list[Any]

    def __setstate__(self, values: list[Any]) -> None:
        self.values = values

    def config(self) -> EngineConfig:
        """Today's ``EngineConfig`` with the values it had."""
        return config_from(dict(zip(V1_FIELDS, self.values, strict=True)))


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("detectors.config", "EngineConfig"):
            return V1Config  # only version 1 stored the class itself
        return super().find_class(module, name)


def loads(data: bytes) -> Any:
    """Unpickle a checkpoint (a trusted, local file written by :func:`dumps`)."""
    return _Unpickler(io.BytesIO(data)).load()
