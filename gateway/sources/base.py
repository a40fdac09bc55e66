"""The source interface: a source pushes readings into a sink from its own thread.

A source is started once with a :class:`Sink` and stopped once. It validates its
own ``[source.<name>]`` table (with :func:`gateway.config.parse_section`), so a bad
option is named at start-up. Replaying sources resume after ``context.resume``
(the last ``ts`` per sensor already in the outbox), so a restart neither repeats
nor skips a reading.
"""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from carewatch.clock import Clock, system_clock
from carewatch.errors import ConfigError
from carewatch.protocol import Reading


class Sink(Protocol):
    """What a source hands its output to; every method is thread-safe and quick."""

    def reading(self, reading: Reading) -> None:
        """Accept one measured reading."""

    def battery(self, sensor: str, percent: float) -> None:
        """Record a sensor's battery level (goes into the status, not the readings)."""

    def problem(self, source: str, reason: str) -> None:
        """Count and log input that was refused (malformed payload, unknown device)."""


class Source(Protocol):
    """A running producer of readings."""

    name: str

    def start(self, sink: Sink) -> None:
        """Begin producing into ``sink`` without blocking (use a thread or a callback)."""

    def stop(self) -> None:
        """Stop producing and release the hardware or connection; idempotent."""


@dataclass(frozen=True)
class SourceContext:
    """What a source factory may know about the gateway it runs in."""

    home: str
    gateway: str
    tz: str
    file: str = "gateway.toml"
    resume: Mapping[str, float] = field(default_factory=dict)
    clock: Clock = system_clock


SourceFactory = Callable[[Mapping[str, Any], SourceContext], Source]

# name in [source.<name>] -> "module:factory"; strings, so nothing is imported until used
BUILTIN: dict[str, str] = {
    "file": "gateway.sources.replay:build",
    "zigbee2mqtt": "gateway.sources.zigbee:build",
    "ble_heart_rate": "gateway.sources.ble:build",
    "gpio": "gateway.sources.gpio:build",
    "simulator": "simulators.gateway_source:build",
}


def load_source(name: str, options: Mapping[str, Any], context: SourceContext) -> Source:
    """Build the source configured as ``[source.<name>]``.

    ``options["factory"]`` (``"module:function"``) selects a source from another
    package; otherwise ``name`` must be one of :data:`BUILTIN`.

    >>> load_source("telepathy", {}, SourceContext("h-1", "gw-1", "UTC"))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: gateway.toml: [source.telepathy]: unknown source; known: ...
    """
    options = dict(options)
    path = options.pop("factory", None) or BUILTIN.get(name)
    where = f"{context.file}: [source.{name}]"
    if not isinstance(path, str) or ":" not in path:
        known = ", ".join(sorted(BUILTIN))
        raise ConfigError(
            f'{where}: unknown source; known: {known} (or set factory = "module:function")'
        )
    module_name, _, attribute = path.partition(":")
    try:
        factory: SourceFactory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ConfigError(f"{where}: cannot load {path!r}: {error}") from None
    return factory(options, context)
