"""Pure streaming detectors: per-resident river baselines, alerts and daily summaries."""

from detectors.config import EngineConfig
from detectors.engine import Engine

__all__ = ["Engine", "EngineConfig"]
