"""A resident's day so far, read live from the readings store (for the family page)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from api.scope import ResidentScope, aggregates
from carewatch.errors import CareWatchError
from carewatch.protocol import Kind
from carewatch.store import Store, Window


@dataclass(frozen=True)
class SoFar:
    """Totals since local midnight; ``None`` where not shared or not measured."""

    tap_litres: float | None
    toilet_visits: int | None
    mean_heart_rate: float | None


def so_far(store: Store, scope: ResidentScope, now: float, *, allowed: set[Kind]) -> SoFar | None:
    """Today's drinking, toilet visits and mean heart rate from the resident's own sensors
    (:mod:`api.scope`), or ``None`` if the store cannot answer."""
    midnight = datetime.fromtimestamp(now, ZoneInfo(scope.tz)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = midnight.timestamp()
    if now <= start:
        return None

    def total(kind: Kind) -> tuple[float, int] | None:
        if kind not in allowed:
            return None
        rows = aggregates(store, scope, kind, start, now, Window.DAY)
        return sum(r.sum for r in rows), sum(r.count for r in rows)

    try:
        tap = total(Kind.TAP)
        toilet = total(Kind.TOILET)
        heart = total(Kind.HEART_RATE)
    except CareWatchError:  # the store is down: the page still shows the summaries
        return None
    return SoFar(
        tap_litres=tap[0] if tap else None,
        toilet_visits=toilet[1] if toilet else None,
        mean_heart_rate=heart[0] / heart[1] if heart and heart[1] else None,
    )
