"""A resident's day so far, read live from the readings store (for the family page)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from carewatch.errors import CareWatchError
from carewatch.protocol import Kind
from carewatch.store import Store, Window


@dataclass(frozen=True)
class SoFar:
    """Totals since local midnight; ``None`` where not shared or not measured."""

    tap_litres: float | None
    toilet_visits: int | None
    mean_heart_rate: float | None


def so_far(
    store: Store,
    home: str,
    tz: str,
    now: float,
    *,
    allowed: set[Kind],
    shared_wearables: bool,
) -> SoFar | None:
    """Today's drinking, toilet visits and mean heart rate in ``home``, or ``None`` if the
    store cannot answer. Heart rate is left out where another resident's wearable would
    be mixed in (``shared_wearables``)."""
    midnight = datetime.fromtimestamp(now, ZoneInfo(tz)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = midnight.timestamp()
    if now <= start:
        return None

    def total(kind: Kind) -> tuple[float, int] | None:
        if kind not in allowed:
            return None
        rows = store.aggregate(home, kind, start, now, Window.DAY, tz)
        return sum(r.sum for r in rows), sum(r.count for r in rows)

    try:
        tap = total(Kind.TAP)
        toilet = total(Kind.TOILET)
        heart = None if shared_wearables else total(Kind.HEART_RATE)
    except CareWatchError:  # the store is down: the page still shows the summaries
        return None
    return SoFar(
        tap_litres=tap[0] if tap else None,
        toilet_visits=toilet[1] if toilet else None,
        mean_heart_rate=heart[0] / heart[1] if heart and heart[1] else None,
    )
