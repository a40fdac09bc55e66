"""Time-series storage of readings: the contract and its backends."""

from carewatch.store.base import SensorSeen, Store, Window, WindowAggregate

__all__ = ["SensorSeen", "Store", "Window", "WindowAggregate"]
