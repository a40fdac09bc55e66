"""Gateways' last reported status, from the retained ``…/status`` topic."""

import threading
from typing import NamedTuple

from carewatch.protocol import GatewayStatus
from ingest.sequences import GatewayKey


class GatewaySeen(NamedTuple):
    """A gateway's last status and when ingest received it."""

    status: GatewayStatus
    received_at: float


class GatewayBoard:
    """Which gateways are online or offline; safe to read from any thread.

    Examples
    --------
    >>> board = GatewayBoard()
    >>> board.update(("h1", "gw-1"), GatewayStatus(gateway="gw-1", state="online"), 1.0)
    >>> board.update(("h1", "gw-2"), GatewayStatus(gateway="gw-2", state="offline"), 2.0)
    >>> board.by_state()
    {'online': ['h1/gw-1'], 'offline': ['h1/gw-2']}
    """

    def __init__(self) -> None:
        self._seen: dict[GatewayKey, GatewaySeen] = {}
        self._lock = threading.Lock()

    def update(self, key: GatewayKey, status: GatewayStatus, received_at: float) -> None:
        """Record a status message."""
        with self._lock:
            self._seen[key] = GatewaySeen(status, received_at)

    def forget(self, key: GatewayKey) -> None:
        """The retained status was cleared (empty payload): the gateway is gone."""
        with self._lock:
            self._seen.pop(key, None)

    def get(self, key: GatewayKey) -> GatewaySeen | None:
        """The last status of one gateway."""
        with self._lock:
            return self._seen.get(key)

    def by_state(self) -> dict[str, list[str]]:
        """``home/gateway`` names grouped by state, sorted."""
        with self._lock:
            items = sorted(self._seen.items())
        grouped: dict[str, list[str]] = {"online": [], "offline": []}
        for (home, gateway), seen in items:
            grouped[seen.status.state].append(f"{home}/{gateway}")
        return grouped
