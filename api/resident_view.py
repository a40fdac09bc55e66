"""Everything the carer's page about one resident shows: recent days, alerts, the kit.

Figures come from the daily summaries and, for the sleep window, the bed sensor's
readings, both through :mod:`api.scope` (the resident's own sensors only).
"""

from contextlib import suppress
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.bands import usual_band
from api.caseload import alert_view
from api.charts import clock_label, range_chart
from api.consent import withheld_in_home
from api.glance import glances
from api.i18n import ENGLISH, Words
from api.kit_words import limited_words, sensor_name, unarmed_words
from api.models import AlertRow, Feedback, Home, Resident, Sensor, User
from api.scope import ResidentScope, readings, scope_of, summaries
from api.sleep import hours_after_evening, in_bed_spells, sleep_window
from api.tuning import shown, tuning_in_home
from api.when import DAY, date_words, day_label
from carewatch.errors import CareWatchError
from carewatch.protocol import Kind
from carewatch.store import Store


def resident_context(
    session: Session,
    store: Store | None,
    resident: Resident,
    days: int,
    now: float,
    role: str,
    words: Words = ENGLISH,
) -> dict[str, Any]:
    """The page's figures, charts, alert history and unarmed alerts for ``resident``,
    as a reader of ``role`` may see them, dates in ``words``' language."""
    scope = scope_of(session, resident, role, now)
    days_shown = summaries(session, scope, days)
    home = session.get(Home, resident.home_id)
    return {
        "resident": resident,
        "home": home,
        "days": days,
        "first_date": date_words(days_shown[0].date, words) if days_shown else None,
        "last_date": date_words(days_shown[-1].date, words) if days_shown else None,
        "glances": glances(days_shown, scope.withheld, words),
        "sleep": _sleep(store, scope, [s.date for s in days_shown], now, words),
        "kit": kit(session, store, resident.home_id, now, words),
        "tuning": shown(tuning_in_home(session, resident.home_id), words),
    }


def history(
    session: Session,
    resident: Resident,
    visible: set[str] | None,
    days: int,
    now: float,
    words: Words = ENGLISH,
) -> list[dict[str, Any]]:
    """The resident's alerts (and their home's) of the last ``days``, newest first, with
    what was done: state, notes and feedback."""
    query = (
        select(AlertRow)
        .where(
            AlertRow.detected_at >= now - days * DAY,
            or_(
                AlertRow.resident_id == resident.id,
                AlertRow.resident_id.is_(None) & (AlertRow.home_id == resident.home_id),
            ),
        )
        .order_by(AlertRow.detected_at.desc())
    )
    views = []
    for alert in session.scalars(query):
        view = alert_view(session, alert, visible, now, words)
        view["feedback"] = [
            (session.get(User, f.user_id), f)
            for f in session.scalars(select(Feedback).where(Feedback.alert_id == alert.id))
        ]
        views.append(view)
    return views


def kit(
    session: Session, store: Store | None, home: str, now: float, words: Words = ENGLISH
) -> dict[str, Any]:
    """The alerts this home cannot raise, or only in part, from the sensors it has and
    the streams its residents let be collected, in ``words``' language."""
    kinds = {Kind(k) for k in session.scalars(select(Sensor.kind).where(Sensor.home_id == home))}
    if store is not None:
        with suppress(CareWatchError):  # the registered sensors still say most of it
            kinds |= {seen.kind for seen in store.sensors(home)}
    withheld = withheld_in_home(session, home, now)
    return {
        "kinds": sorted(sensor_name(k, words) for k in kinds - withheld),
        "unarmed": unarmed_words(kinds, withheld, words) if kinds else [],
        "limited": limited_words(kinds, withheld, words) if kinds else [],
    }


def _sleep(
    store: Store | None, scope: ResidentScope, dates: list[str], now: float, words: Words
) -> dict[str, Any] | None:
    if store is None or not dates or Kind.BED in scope.withheld:
        return None
    mornings = [date.fromisoformat(d) for d in dates]
    try:
        bed = readings(store, scope, Kind.BED, now - (len(dates) + 2) * DAY, now)
    except CareWatchError:
        return None
    if not bed:
        return None
    spells = in_bed_spells(bed, now)
    nights = []
    for morning in mornings:
        window = sleep_window(spells, morning, scope.tz)
        hours = None
        if window:
            hours = (
                hours_after_evening(window[0], morning, scope.tz),
                hours_after_evening(window[1], morning, scope.tz),
            )
        nights.append((day_label(morning.isoformat(), words), hours))
    last = nights[-1][1]
    return {
        "chart": range_chart(nights, words.gettext("Sleep window")),
        "date": nights[-1][0],
        "last": _last_night(last, words) if last else None,
        "bedtime": _usual_clock([n[1][0] if n[1] else None for n in nights[:-1]], words),
        "rising": _usual_clock([n[1][1] if n[1] else None for n in nights[:-1]], words),
        "nights": sum(1 for _, hours in nights if hours),
    }


def _last_night(hours: tuple[float, float], words: Words) -> str:
    """The latest night's sleep in words: ``'in bed 22:30, up 07:00'``."""
    return words.gettext("in bed %(bedtime)s, up %(rising)s") % {
        "bedtime": clock_label(hours[0]),
        "rising": clock_label(hours[1]),
    }


def _usual_clock(hours: list[float | None], words: Words) -> str:
    band = usual_band(hours)
    if band is None:
        return words.gettext("not enough nights yet to know")
    low, high = clock_label(band.low), clock_label(band.high)
    return low if low == high else words.gettext("%(low)s to %(high)s") % {"low": low, "high": high}
