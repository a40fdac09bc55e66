"""The morning handover: who needs a visit or a call today, what happened overnight, who
is fine, in one line each, for one carer's own caseload.

Made from alerts and daily summaries only, with fixed sentences (no generated prose):
every figure in a line is a figure the pages show too. In the carer's language (D121).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import visible_resident_ids
from api.alert_words import TITLES
from api.bands import usual_band
from api.caseload import SEVERITY_RANK, by_urgency, concerns
from api.i18n import ENGLISH, N_, Words
from api.models import AlertRow, AlertState, Home, Resident, Role, User
from api.scope import scope_of, summaries
from api.when import ago, clock_time, day_label, full, local

EVENING = time(20, 0)  # "overnight" starts at 20:00 local the evening before
STALE_DAYS = 2  # no daily summary for longer than this is itself worth a line
STATES = {"open": N_("open"), "acknowledged": N_("acknowledged"), "resolved": N_("resolved")}


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
    words: Words = ENGLISH
    """The language it is in: the carer's."""


def handover(session: Session, user: User, now: float) -> Handover:
    """The handover for ``user``'s caseload (everyone, for an admin) at ``now``, in their
    language."""
    words = Words(user.language)
    visible = visible_resident_ids(session, user)
    query = select(Resident).where(Resident.id.in_(visible)).order_by(Resident.display_name)
    residents = list(session.scalars(query))
    homes = {r.home_id for r in residents}
    alerts = list(session.scalars(select(AlertRow).where(AlertRow.home_id.in_(homes))))
    tz = _tz(session, residents[0]) if residents else "UTC"
    result = Handover(made=full(now, tz, words), words=words)
    for resident in residents:
        mine = [a for a in alerts if concerns(a, resident)]
        tz = _tz(session, resident)
        active = by_urgency([a for a in mine if a.state != AlertState.RESOLVED])
        if active:
            result.visit.append(_needs(resident, active, now, words))
        evening = _evening(now, tz)
        night = [a for a in mine if a.detected_at >= evening]
        night_words = [
            _overnight_alert(a, tz, words) for a in sorted(night, key=lambda a: a.detected_at)
        ]
        night_words += _last_night(session, resident, now, words)
        if night_words:
            text = "; ".join(night_words)
            result.overnight.append(Line(resident.id, resident.display_name, text))
        if not active:
            fine = words.gettext("no alerts open")
            result.fine.append(Line(resident.id, resident.display_name, fine))
    return result


def _needs(resident: Resident, active: list[AlertRow], now: float, words: Words) -> Line:
    worst = active[0]
    action = words.gettext("Visit") if SEVERITY_RANK[worst.severity] == 3 else words.gettext("Call")
    picked = worst.state != AlertState.OPEN
    state = (
        words.gettext("a carer has it in hand")
        if picked
        else words.gettext("nobody has picked it up")
    )
    more = ""
    if len(active) > 1:
        more = " " + words.gettext("(+%(count)s more)") % {"count": len(active) - 1}
    return Line(
        resident.id,
        resident.display_name,
        f"{action}: {_what(worst, words)}, {ago(worst.detected_at, now, words)}, {state}{more}.",
    )


def _what(alert: AlertRow, words: Words) -> str:
    return (
        words.gettext(TITLES[alert.kind]) if alert.kind in TITLES else alert.kind.replace("_", " ")
    )


def _overnight_alert(alert: AlertRow, tz: str, words: Words) -> str:
    state = words.gettext(STATES.get(alert.state, alert.state))
    now_in = words.gettext("(alert, now %(state)s)") % {"state": state}
    return f"{clock_time(alert.detected_at, tz)} {_what(alert, words)} {now_in}"


def _last_night(session: Session, resident: Resident, now: float, words: Words) -> list[str]:
    days = summaries(session, scope_of(session, resident, Role.CARER, now), 29)
    if not days:
        return [words.gettext("no daily summary yet")]
    latest = days[-1]
    age = local(now, _tz(session, resident)).date() - date.fromisoformat(latest.date)
    day = day_label(latest.date, words)
    if age.days > STALE_DAYS:
        return [words.gettext("no daily summary since %(day)s") % {"day": day}]
    said = []
    for label, values in (
        (N_("trips out of bed at night"), [s.night_episodes for s in days]),
        (N_("toilet visits at night"), [s.toilet_night for s in days]),
    ):
        if values[-1] is None:
            continue  # a stream carers may not see (consent)
        band = usual_band([float(v) for v in values[:-1] if v is not None])
        if band is not None and band.place(values[-1]) == "within":
            continue  # an ordinary night is said once, by "fine"
        line = words.gettext("%(count)s %(label)s on %(day)s") % {
            "count": values[-1],
            "label": words.gettext(label),
            "day": day,
        }
        if band is not None:
            usual = _span(band.low, band.high, words)
            line += " " + words.gettext("(usually %(usual)s)") % {"usual": usual}
        said.append(line)
    return said


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


def _span(low: float, high: float, words: Words) -> str:
    if low == high:
        return words.figures(low, 6)
    span = {"low": words.figures(low, 6), "high": words.figures(high, 6)}
    return words.gettext("%(low)s to %(high)s") % span
