"""A resident's own data: the one place the API reads readings, aggregates and summaries.

Two residents may share a home. Every figure shown about one of them is limited to
their sensors here, so no route can forget it (decision D55):

- a personal sensor (a wearable registered to a resident) counts for its owner only;
- a heart-rate sensor nobody registered counts only where the resident lives alone
  (in a shared home it is someone's, and we cannot say whose);
- the home's other sensors (tap, toilet, chair, doors) are shared and count for all;
- a reading tagged with another resident is never theirs;
- a daily summary made for the whole home loses its heart rate in a shared home, and
  every summary loses each figure whose stream the reader's role may not see (the
  consent in force, :mod:`api.consent`); readings and aggregates of it are refused.
"""

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.consent import consent_of
from api.models import Home, Resident, Sensor, SummaryRow
from api.schemas import SummaryOut
from carewatch.protocol import Kind
from carewatch.records import ReadingRecord
from carewatch.store import Store, Window, WindowAggregate

PERSONAL_KINDS = frozenset({Kind.HEART_RATE})  # measured on a body, not in a room
SUMMARY_KINDS = {  # which stream each figure of a daily summary is made from
    "tap_litres": Kind.TAP,
    "tap_uses": Kind.TAP,
    "toilet_day": Kind.TOILET,
    "toilet_night": Kind.TOILET,
    "chair_minutes": Kind.CHAIR,
    "night_episodes": Kind.BED,
    "resting_hr": Kind.HEART_RATE,
}


@dataclass(frozen=True)
class ResidentScope:
    """Whose data a request may see: ``resident`` in ``home``, and which sensors are whose."""

    resident: str
    home: str
    tz: str
    alone: bool
    own: frozenset[tuple[str, Kind]]
    others: frozenset[tuple[str, Kind]]
    withheld: frozenset[Kind] = frozenset()
    """The streams the reader may not see (not collected, or not shared with their role)."""

    def sensors(self, store: Store, kind: Kind) -> Collection[str] | None:
        """The sensors of ``kind`` whose readings are the resident's (``None``: all of them).

        >>> scope = ResidentScope("r-1", "h-1", "UTC", alone=False,
        ...     own=frozenset({("hr-1", Kind.HEART_RATE)}),
        ...     others=frozenset({("hr-2", Kind.HEART_RATE)}))
        >>> scope.sensors(None, Kind.HEART_RATE), scope.sensors(None, Kind.TAP)
        ({'hr-1'}, None)
        """
        if kind in PERSONAL_KINDS and not self.alone:
            return {sensor for sensor, of in self.own if of == kind}
        excluded = {sensor for sensor, of in self.others if of == kind}
        if not excluded:
            return None
        return {s.sensor for s in store.sensors(self.home) if s.kind == kind} - excluded


def scope_of(session: Session, resident: Resident, role: str, now: float) -> ResidentScope:
    """The resident's scope for a reader of ``role`` at ``now``, read from the registered
    sensors, who lives in the home, and the consent in force."""
    home = session.get(Home, resident.home_id)
    housemates = select(Resident.id).where(
        Resident.home_id == resident.home_id, Resident.id != resident.id
    )
    registered = select(Sensor.id, Sensor.kind, Sensor.resident_id).where(
        Sensor.home_id == resident.home_id, Sensor.resident_id.is_not(None)
    )
    own: set[tuple[str, Kind]] = set()
    others: set[tuple[str, Kind]] = set()
    for sensor, kind, owner in session.execute(registered):
        (own if owner == resident.id else others).add((sensor, Kind(kind)))
    return ResidentScope(
        resident=resident.id,
        home=resident.home_id,
        tz=home.tz if home else "UTC",
        alone=session.scalars(housemates).first() is None,
        own=frozenset(own),
        others=frozenset(others),
        withheld=consent_of(session, resident, now).hidden_from(role),
    )


def readings(
    store: Store, scope: ResidentScope, kind: Kind, start: float, end: float
) -> list[ReadingRecord]:
    """The resident's readings of ``kind`` in ``[start, end)``, oldest first."""
    sensors = scope.sensors(store, kind)
    found = store.query(scope.home, kind, start, end, sensors=sensors)
    return [r for r in found if r.resident in (None, scope.resident)]


def aggregates(
    store: Store, scope: ResidentScope, kind: Kind, start: float, end: float, window: Window
) -> list[WindowAggregate]:
    """Per-window statistics of the resident's readings of ``kind``, in the home's time zone."""
    sensors = scope.sensors(store, kind)
    return store.aggregate(scope.home, kind, start, end, window, scope.tz, sensors=sensors)


def summaries(session: Session, scope: ResidentScope, days: int) -> list[SummaryOut]:
    """The latest ``days`` daily summaries: the resident's own where the detectors made
    one, else the home's (without heart rate in a shared home), oldest first."""
    rows = session.scalars(
        select(SummaryRow)
        .where(
            SummaryRow.home_id == scope.home,
            SummaryRow.resident_key.in_([scope.resident, ""]),
        )
        .order_by(SummaryRow.date.desc())
    )
    by_date: dict[str, SummaryRow] = {}
    for row in rows:
        if row.date not in by_date or row.resident_key == scope.resident:
            by_date[row.date] = row
    chosen = [by_date[date] for date in sorted(by_date)[-days:]]
    return [_summary_out(row, scope) for row in chosen]


def _summary_out(row: SummaryRow, scope: ResidentScope) -> SummaryOut:
    episodes = row.data.get("night_episodes")
    summary = SummaryOut.model_validate(
        {**row.data, "night_episodes": len(episodes) if isinstance(episodes, list) else 0}
    )
    housemates = row.resident_key != scope.resident and not scope.alone
    hidden = {name: None for name, kind in SUMMARY_KINDS.items() if kind in scope.withheld}
    if housemates:  # a home's heart rate may be a housemate's
        hidden["resting_hr"] = None
    return summary.model_copy(update=hidden) if hidden else summary
