"""The carer's caseload: residents and alerts in order of urgency, each alert in words.

Urgency is the worst open severity; within a severity the newest comes first, since a
fresh alert is the one nobody has looked at yet. Acknowledged alerts follow open ones.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.alert_words import (
    SEVERITY_WORDS,
    evidence_lines,
    explanation,
    state_words,
    title,
    who,
)
from api.i18n import ENGLISH, Words
from api.models import AlertRow, AlertState, Home, Resident
from api.when import ago, full

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class CaseloadRow:
    """A resident on the carer's list, with counts of their active alerts."""

    resident: Resident
    open: int
    acknowledged: int
    worst: int
    newest: float


def concerns(alert: AlertRow, resident: Resident) -> bool:
    """Whether ``alert`` is about ``resident`` (a home-level alert is about all who live there)."""
    if alert.resident_id is None:
        return alert.home_id == resident.home_id
    return alert.resident_id == resident.id


def caseload(residents: list[Resident], active: list[AlertRow]) -> list[CaseloadRow]:
    """Residents with their active alerts: worst open severity first, then the newest."""
    rows = []
    for resident in residents:
        mine = [a for a in active if concerns(a, resident)]
        open_ = [a for a in mine if a.state == AlertState.OPEN]
        worst = max((SEVERITY_RANK[a.severity] for a in open_), default=0)
        rows.append(
            CaseloadRow(
                resident=resident,
                open=len(open_),
                acknowledged=len(mine) - len(open_),
                worst=worst,
                newest=max(
                    (a.detected_at for a in open_ if SEVERITY_RANK[a.severity] == worst),
                    default=0.0,
                ),
            )
        )
    rows.sort(key=lambda r: (-r.worst, -r.newest, -r.acknowledged, r.resident.display_name))
    return rows


def by_urgency(alerts: list[AlertRow]) -> list[AlertRow]:
    """Open before acknowledged, then the worst severity, then the newest first."""
    return sorted(
        alerts,
        key=lambda a: (a.state != AlertState.OPEN, -SEVERITY_RANK[a.severity], -a.detected_at),
    )


def alert_view(
    session: Session,
    alert: AlertRow,
    visible: set[str] | None,
    now: float,
    words: Words = ENGLISH,
) -> dict[str, Any]:
    """What a page shows of one alert: a proper title, times, evidence in words, who to see.

    ``visible`` limits the housemates a home-level alert names to those the viewer is
    granted (``None``: all), so an alert never names someone the viewer may not see.
    The words are in ``words``' language.
    """
    home = session.get(Home, alert.home_id)
    tz = home.tz if home else "UTC"
    people = list(
        session.scalars(
            select(Resident)
            .where(Resident.home_id == alert.home_id)
            .order_by(Resident.display_name)
        )
    )
    mine = [p for p in people if visible is None or p.id in visible]
    named = next((p for p in mine if p.id == alert.resident_id), None)
    subject = who(
        named.display_name if named else None,
        [p.display_name for p in mine],
        home.label if home else alert.home_id,
    )
    links = [named] if named else mine
    return {
        "alert": alert,
        "title": title(alert.kind, subject, words),
        "ago": ago(alert.detected_at, now, words),
        "when": full(alert.detected_at, tz, words),
        "state_words": state_words(alert, now, words),
        "explanation": explanation(alert, words),
        "urgency": words.gettext(SEVERITY_WORDS.get(alert.severity, alert.severity)),
        "evidence": evidence_lines(alert.evidence, tz, words),
        "links": [(p.id, p.display_name) for p in links],
    }
