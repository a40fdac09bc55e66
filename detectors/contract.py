"""The detector contract: what the home calls, and when (river-style: learn as you go).

A detector is handed the home's read-only view (detectors/view.py) and a list ``out``
to add its alerts to; it keeps its own state and never writes the home's. The home
calls, in event time and in this order:

- :meth:`Detector.on_event` for each live event reading of a kind in ``wants``,
  after the home has taken it in (its times, bed, chair and counts are up to date);
- :meth:`Detector.on_hour` as each hour closes (absolute UTC hour), its counts final;
- :meth:`Detector.check` at least every five minutes of event time (each minute while
  someone is up at night), unless the gateway is silent: silence, lateness, overdue.

Subclass it to inherit do-nothing hooks for those a detector does not need. Heart-rate
readings go to the stress watch per wearer (detectors/stress.py), not through here.

Examples
--------
>>> from carewatch.protocol import Kind
>>> class DoorCount(Detector):
...     wants = frozenset({Kind.DOOR})
...     def __init__(self) -> None:
...         self.opened = 0
...     def on_event(self, home, kind, ts, value, out):
...         self.opened += value == 1.0
>>> door = DoorCount()
>>> door.on_event(None, Kind.DOOR, 0.0, 1.0, [])
>>> door.opened, door.wants == {Kind.DOOR}
(1, True)
"""

from typing import Protocol

from carewatch.protocol import Kind
from detectors.view import HomeView, Output


class Detector(Protocol):
    """One home's detector: hooks for events, hours and time passing."""

    wants: frozenset[Kind] = frozenset()  # the event kinds on_event is called for

    def on_event(self, home: HomeView, kind: Kind, ts: float, value: float, out: Output) -> None:
        """A live event reading of a kind in ``wants`` (after the home took it in)."""
        return None  # (not abstract: a detector needs only the hooks it uses)

    def on_hour(self, home: HomeView, hour: int, out: Output) -> None:
        """The hour ``hour`` (``int(ts // 3600)``, UTC) has closed."""
        return None

    def check(self, home: HomeView, now: float, out: Output) -> None:
        """Time has passed to ``now``: judge what is overdue."""
        return None


def overrides(detector: Detector, hook: str) -> bool:
    """Whether ``detector`` has its own ``hook`` (the home skips the do-nothing ones).

    >>> class Hourly(Detector):
    ...     def on_hour(self, home, hour, out):
    ...         pass
    >>> overrides(Hourly(), "on_hour"), overrides(Hourly(), "check")
    (True, False)
    """
    return getattr(type(detector), hook) is not getattr(Detector, hook)
