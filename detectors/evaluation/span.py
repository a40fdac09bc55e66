"""The span judged: each home from the end of its learning period to its last reading.

Every false-alert rate is divided by the days judged (residents x days after learning),
never by the whole recording, so tables of different runs use one unit.
"""

from collections.abc import Iterable, Mapping
from pathlib import Path

import msgspec

from carewatch.errors import BadData
from carewatch.kit import armed
from carewatch.protocol import Kind
from detectors.config import DAY

_KINDS = frozenset(k.value for k in Kind)


class Window(msgspec.Struct, frozen=True):
    """From ``start`` to ``end`` (epoch seconds): when a home's alerts are judged.

    ``armed``: the alert kinds (values) the home's sensor kit supports; an episode of any
    other kind is counted apart, as not armed, never as a miss. ``None``: every kind.
    """

    start: float
    end: float
    armed: frozenset[str] | None = None

    @property
    def days(self) -> float:
        """Its length in days (0 if the recording ended within the learning period)."""
        return max(self.end - self.start, 0.0) / DAY

    def holds(self, at: float) -> bool:
        """``at`` is inside the window."""
        return self.start <= at <= self.end

    def overlaps(self, start: float, end: float) -> bool:
        """Some of ``start``..``end`` is inside the window."""
        return start <= self.end and end >= self.start


class Seen(msgspec.Struct):
    """What a home's readings show: first and last time stamp, and each sensor's kind."""

    first: float
    last: float
    sensors: dict[str, str]

    @property
    def kinds(self) -> list[str]:
        """The kinds of sensor the home has, sorted."""
        return sorted(set(self.sensors.values()))


class _Reading(msgspec.Struct):
    home: str
    sensor: str
    kind: str
    ts: float


def scan(path: Path) -> dict[str, Seen]:
    """Each home's :class:`Seen` in a readings JSON Lines file (epoch-second ``ts``).

    Lines that are not readings are skipped: ``carewatch replay`` reports them.
    """
    if not path.is_file():
        raise BadData(f"{path}: no such file")
    decoder = msgspec.json.Decoder(_Reading)
    homes: dict[str, Seen] = {}
    with path.open("rb") as handle:
        for line in handle:
            try:
                r = decoder.decode(line)
            except msgspec.MsgspecError:
                continue
            seen = homes.get(r.home)
            if seen is None:
                homes[r.home] = Seen(r.ts, r.ts, {r.sensor: r.kind})
                continue
            seen.first, seen.last = min(seen.first, r.ts), max(seen.last, r.ts)
            if r.sensor not in seen.sensors:
                seen.sensors[r.sensor] = r.kind
    return homes


def judged(seen: Mapping[str, Seen], learning: float) -> dict[str, Window]:
    """Each home's window: from its first reading plus ``learning`` to its last.

    What is armed follows the kinds of sensor heard from (:mod:`carewatch.kit`).

    >>> window = judged({"h": Seen(0.0, 5 * DAY, {"bed": "bed"})}, learning=DAY)["h"]
    >>> window.days, sorted(window.armed or ())
    (4.0, ['inactivity', 'night_wandering', 'sensor_health'])
    """
    return {
        home: Window(s.first + learning, s.last, armed_by(s.sensors.values()))
        for home, s in seen.items()
    }


def armed_by(kinds: Iterable[str]) -> frozenset[str]:
    """The alert kinds a kit of these sensor kinds supports (unknown kinds add nothing)."""
    known = {Kind(k) for k in kinds if k in _KINDS}
    return frozenset(alert.value for alert in armed(known))


def resident_days(windows: Iterable[Window]) -> float:
    """Residents x days judged, summed over homes (one resident per home)."""
    return sum(w.days for w in windows)
