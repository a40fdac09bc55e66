"""Where readings come from: the source interface and its implementations.

Sources are installed as ``carewatch.gateway_sources`` entry points and loaded only
when configured, so optional radios (``bleak``, ``gpiozero``) and the ``simulators``
package are never imported otherwise.
"""

from gateway.sources.base import (
    ENTRY_POINTS,
    Sink,
    Source,
    SourceContext,
    SourceFactory,
    known_sources,
    load_source,
)

__all__ = [
    "ENTRY_POINTS",
    "Sink",
    "Source",
    "SourceContext",
    "SourceFactory",
    "known_sources",
    "load_source",
]
