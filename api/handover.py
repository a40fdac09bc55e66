"""The morning handover: who needs a visit or a call today, what happened overnight, who
is fine, in one line each, for one carer's own caseload.

Made from alerts and daily summaries only, with fixed sentences (no generated prose):
every figure in a line is a figure the pages show too.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import visible_resident_ids
from api.alert_words import TITLES
from api.bands import usual_band
from api.caseload import SEVERITY_RANK, by_urgency, concerns
from api.models import AlertRow, AlertState, Home, Resident, Role, User
from api.scope import scope_of, summaries
from api.when import ago, clock_time, day_label, full, local

EVENING = time(20, 0)  # "overnight" starts at 20:00 local the evening before
STALE_DAYS = 2  # no daily summary for longer than this is itself worth a line


@dataclass(frozen=True)
class Line:
    """One line of the handover about one resident."""

    resident_id: str
    name: str
    text: str


@dataclass
class Handover:
    """The three lists, in the order a carer plans the day."""

    made: str
    visit: list[Line] = field(default_factory=list)
    overnight: list[Line] = field(default_factory=list)
    fine: list[Line] = field(default_factory=list)


def handover(session: Session, user: User, now: float) -> Handover:
    """The handover for ``user``'s caseload (everyone, for an admin) at ``now``."""
    visible = visible_resident_ids(session, user)
    query = select(Resident).where(Resident.id.in_(visible)).order_by(Resident.display_name)
    residents = list(session.scalars(query))
    homes = {r.home_id for r in residents}
    alerts = list(session.scalars(select(AlertRow).where(AlertRow.home_id.in_(homes))))
    result = Handover(made=full(now, _tz(session, residents[0]) if residents else "UTC"))
    for resident in residents:
        mine = [a for a in alerts if concerns(a, resident)]
        tz = _tz(session, resident)
        active = by_urgency([a for a in mine if a.state != AlertState.RESOLVED])
        if active:
            result.visit.append(_needs(resident, active, now))
        evening = _evening(now, tz)
        night = [a for a in mine if a.detected_at >= evening]
        night_words = [_overnight_alert(a, tz) for a in sorted(night, key=lambda a: a.detected_at)]
        night_words += _last_night(session, resident, now)
        if night_words:
            text = "; ".join(night_words)
            result.overnight.append(Line(resident.id, resident.display_name, text))
        if not active:
            result.fine.append(Line(resident.id, resident.display_name, "no alerts open"))
    return result


def _needs(resident: Resident, active: list[AlertRow], now: float) -> Line:
    worst = active[0]
    action = "Visit" if SEVERITY_RANK[worst.severity] == 3 else "Call"
    what = TITLES.get(worst.kind, worst.kind.replace("_", " "))
    picked = worst.state != AlertState.OPEN
    state = "a carer has it in hand" if picked else "nobody has picked it up"
    more = f" (+{len(active) - 1} more)" if len(active) > 1 else ""
    return Line(
        resident.id,
        resident.display_name,
        f"{action}: {what}, {ago(worst.detected_at, now)}, {state}{more}.",
    )


def _overnight_alert(alert: AlertRow, tz: str) -> str:
    what = TITLES.get(alert.kind, alert.kind.replace("_", " "))
    return f"{clock_time(alert.detected_at, tz)} {what} (alert, now {alert.state})"


def _last_night(session: Session, resident: Resident, now: float) -> list[str]:
    days = summaries(session, scope_of(session, resident, Role.CARER, now), 29)
    if not days:
        return ["no daily summary yet"]
    latest = days[-1]
    age = local(now, _tz(session, resident)).date() - date.fromisoformat(latest.date)
    if age.days > STALE_DAYS:
        return [f"no daily summary since {day_label(latest.date)}"]
    words = []
    for label, values in (
        ("trips out of bed at night", [s.night_episodes for s in days]),
        ("toilet visits at night", [s.toilet_night for s in days]),
    ):
        if values[-1] is None:
            continue  # a stream carers may not see (consent)
        band = usual_band([float(v) for v in values[:-1] if v is not None])
        usual = "" if band is None else f" (usually {_span(band.low, band.high)})"
        if band is not None and band.place(values[-1]) == "within":
            continue  # an ordinary night is said once, by "fine"
        words.append(f"{values[-1]} {label} on {day_label(latest.date)}{usual}")
    return words


def _evening(now: float, tz: str) -> float:
    """The last 20:00 local before ``now``: where "overnight" begins."""
    today = local(now, tz)
    start = datetime.combine(today.date(), EVENING, today.tzinfo)
    if start.timestamp() > now:
        start -= timedelta(days=1)
    return start.timestamp()


def _tz(session: Session, resident: Resident) -> str:
    home = session.get(Home, resident.home_id)
    return home.tz if home else "UTC"


def _span(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g} to {high:g}"
