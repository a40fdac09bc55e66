"""The source interface: a source pushes readings into a sink from its own thread.

A source is started once with a :class:`Sink` and stopped once. It validates its
own ``[source.<name>]`` table (with :func:`gateway.config.parse_section`), so a bad
option is named at start-up. Replaying sources resume after ``context.resume``
(the last ``ts`` per sensor already in the outbox), so a restart neither repeats
nor skips a reading.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
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

# Sources are found through this entry-point group (pyproject.toml), so the gateway
# names no module of a downstream package; another package adds a source the same way.
ENTRY_POINTS = "carewatch.gateway_sources"


def known_sources() -> dict[str, EntryPoint]:
    """Every installed source by the name used in ``[source.<name>]``.

    >>> sorted(known_sources())[:3]
    ['ble_heart_rate', 'file', 'gpio']
    """
    return {point.name: point for point in entry_points(group=ENTRY_POINTS)}


def load_source(name: str, options: Mapping[str, Any], context: SourceContext) -> Source:
    """Build the source configured as ``[source.<name>]``.

    ``name`` must be an installed source (:func:`known_sources`).

    >>> load_source("telepathy", {}, SourceContext("h-1", "gw-1", "UTC"))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: gateway.toml: [source.telepathy]: unknown source; known: ...
    """
    where = f"{context.file}: [source.{name}]"
    known = known_sources()
    point = known.get(name)
    if point is None:
        raise ConfigError(f"{where}: unknown source; known: {', '.join(sorted(known))}")
    try:
        factory: SourceFactory = point.load()
    except (ImportError, AttributeError) as error:
        raise ConfigError(f"{where}: cannot load source {name!r}: {error}") from None
    return factory(options, context)
