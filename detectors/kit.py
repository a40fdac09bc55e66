"""The home's own kit: which alerts its sensor kinds can support (moved to :mod:`carewatch.kit`).

The table lives in the shared core so the API, which may import only ``carewatch``, shows
the same reasons the engine follows (decision D93). Detectors keep importing it from here.
"""

from carewatch.kit import PARTS, REQUIRED, armed, limited, unarmed

__all__ = ["PARTS", "REQUIRED", "armed", "limited", "unarmed"]
