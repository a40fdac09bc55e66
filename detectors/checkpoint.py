"""Pickling the engine's state for checkpoints, with its settings kept by name.

``EngineConfig`` is a slotted dataclass, and those pickle their values by position: a
checkpoint written before a field was added or moved would come back with its values in
the wrong fields (or fail). So checkpoints store the settings as a ``{field: value}``
dict (fields since removed are dropped, new ones take their default). Reading older
checkpoints is detectors/migrations.py's business.
"""

import copyreg
import dataclasses
import io
import pickle  # checkpoints are our own files, written by dumps
from collections.abc import Callable
from typing import Any

from detectors.config import EngineConfig
from detectors.migrations import MOVED, V1Config, config_from


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
