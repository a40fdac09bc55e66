"""Where readings come from: the source interface and its implementations.

Built-in sources are named in :data:`BUILTIN`; a source is loaded by its
``module:function`` path only when configured, so optional radios (``bleak``,
``gpiozero``) and the ``simulators`` package are never imported otherwise.
"""

from gateway.sources.base import BUILTIN, Sink, Source, SourceContext, SourceFactory, load_source

__all__ = ["BUILTIN", "Sink", "Source", "SourceContext", "SourceFactory", "load_source"]
