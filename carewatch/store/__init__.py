"""Time-series storage of readings: the contract, its backends, and ``open_store``."""

from carewatch.store.base import SensorSeen, Store, Window, WindowAggregate
from carewatch.store.factory import DEFAULT_SQLITE_PATH, open_store

__all__ = ["DEFAULT_SQLITE_PATH", "SensorSeen", "Store", "Window", "WindowAggregate", "open_store"]
