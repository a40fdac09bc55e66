"""CareWatch gateway: sensors -> durable on-disk outbox -> MQTT (see docs/gateway.md).

Public API:

- ``gateway.config``: :func:`~gateway.config.load_config` (``gateway.toml``),
  :func:`~gateway.config.config_from_mapping`, :class:`~gateway.config.GatewayConfig`;
- ``gateway.runtime``: :class:`~gateway.runtime.Gateway` (``build_sources()``, then
  ``run(sources, stop)`` with a ``threading.Event``; it is also the sources' sink);
- ``gateway.sources``: the :class:`~gateway.sources.Source` / :class:`~gateway.sources.Sink`
  protocols and :func:`~gateway.sources.load_source`;
- ``gateway.outbox``: :class:`~gateway.outbox.Outbox`;
- ``python -m gateway run|check-config --config gateway.toml`` (and ``carewatch gateway``).
"""
