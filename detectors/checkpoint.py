"""Checkpoints of the engine's state: a versioned msgspec envelope around each home's state.

Version 3 (decision D88) is ``MAGIC`` then a msgpack :class:`Checkpoint`: its version,
the settings by name, the homes' zones, and each home as a :class:`HomeState` with its
own version and its state pickled. Settings are explicit (readable without unpickling,
kept by name: fields since removed are dropped, new ones take their default); any
``EngineConfig`` inside a home is pickled by name too, as slotted dataclasses pickle by
position. Versions 1 and 2 were one pickle of the whole engine; :func:`read` still reads
them, and detectors/migrations.py brings what they hold up to date.
"""

import copyreg
import dataclasses
import io
import pickle  # checkpoints are our own files, written by dumps
from collections.abc import Callable
from typing import Any

import msgspec

from detectors.config import EngineConfig
from detectors.migrations import MOVED, V1Config, config_from

MAGIC = b"carewatch checkpoint\n"  # starts a version 3 checkpoint (1 and 2 are pickles)
VERSION = 3
PICKLED = (1, 2)  # older versions: one pickle of (version, config, tz, homes)
HOME_VERSION = 1  # a home's shape: bump it with a migration in detectors/migrations.py


class HomeState(msgspec.Struct, forbid_unknown_fields=True):
    """One home's state: the version of its shape, and the home pickled (:func:`dumps`)."""

    version: int
    state: bytes


class Checkpoint(msgspec.Struct, forbid_unknown_fields=True):
    """The engine's state: settings by name, each home's zone, each home's state."""

    version: int
    config: dict[str, Any]
    tz: dict[str, str]
    homes: dict[str, HomeState]


def _by_name(config: EngineConfig) -> tuple[Callable[..., EngineConfig], tuple[object, ...]]:
    return config_from, ({f.name: getattr(config, f.name) for f in dataclasses.fields(config)},)


def dumps(state: object) -> bytes:
    """Pickle ``state``; any ``EngineConfig`` in it is kept as a dict of its fields."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, EngineConfig: _by_name}
    pickler.dump(state)
    return buffer.getvalue()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("detectors.config", "EngineConfig"):
            return V1Config  # only version 1 stored the class itself
        moved = MOVED.get((module, name))
        if moved is not None:
            return moved
        return super().find_class(module, name)


def loads(data: bytes) -> Any:
    """Unpickle a checkpoint (a trusted, local file written by :func:`dumps`)."""
    return _Unpickler(io.BytesIO(data)).load()


def write(config: EngineConfig, tz: dict[str, str], homes: dict[str, Any]) -> bytes:
    """A version 3 checkpoint (uncompressed) of the settings, zones and homes."""
    fields = {field.name: getattr(config, field.name) for field in dataclasses.fields(config)}
    states = {name: HomeState(HOME_VERSION, dumps(home)) for name, home in homes.items()}
    return MAGIC + msgspec.msgpack.encode(Checkpoint(VERSION, fields, tz, states))


def read(data: bytes) -> tuple[EngineConfig, dict[str, str], dict[str, Any]]:
    """The settings, zones and homes of a checkpoint of any readable version.

    >>> config, tz, homes = read(write(EngineConfig(learning_period=60.0), {"h-1": "UTC"}, {}))
    >>> config.learning_period, tz, homes
    (60.0, {'h-1': 'UTC'}, {})
    """
    if not data.startswith(MAGIC):
        version, config, tz, homes = loads(data)
        if version not in PICKLED:
            raise ValueError(f"checkpoint version {version} is not one of {PICKLED} or {VERSION}")
        return (config.config() if isinstance(config, V1Config) else config), tz, homes
    checkpoint = msgspec.msgpack.decode(data[len(MAGIC) :], type=Checkpoint)
    if checkpoint.version != VERSION:
        raise ValueError(f"checkpoint version {checkpoint.version} is newer than {VERSION}")
    for name, home in checkpoint.homes.items():
        if home.version != HOME_VERSION:
            raise ValueError(f"home {name!r}: state version {home.version} is not {HOME_VERSION}")
    homes = {name: loads(home.state) for name, home in checkpoint.homes.items()}
    return config_from(checkpoint.config), checkpoint.tz, homes
