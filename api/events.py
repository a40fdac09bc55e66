"""Live updates for dashboards: an in-process hub feeding server-sent-event streams."""

import asyncio
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """Something about an alert changed; subscribers filter by who may see it."""

    alert_id: int
    home_id: str
    resident_id: str | None
    state: str


class EventHub:
    """Fan-out of :class:`Change` events from any thread to asyncio subscribers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Change]]] = set()

    def subscribe(self) -> asyncio.Queue[Change]:
        """A queue receiving every change from now on (call from the event loop)."""
        queue: asyncio.Queue[Change] = asyncio.Queue(maxsize=1000)
        with self._lock:
            self._queues.add((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Change]) -> None:
        """Stop delivering to ``queue``."""
        with self._lock:
            self._queues = {entry for entry in self._queues if entry[1] is not queue}

    def publish(self, change: Change) -> None:
        """Deliver ``change`` to every subscriber; safe from the MQTT or a worker thread."""
        with self._lock:
            targets = list(self._queues)
        for loop, queue in targets:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_offer, queue, change)


def _offer(queue: asyncio.Queue[Change], change: Change) -> None:
    if not queue.full():  # a stalled browser loses live updates, never the server's memory
        queue.put_nowait(change)
