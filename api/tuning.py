"""Feedback that tunes (decision D122): carers' words on alerts make a home's detectors
stricter, per alert kind, within documented bounds.

Each "not useful" on an alert takes its home's alert kind one step stricter, each
"useful" one step back (carewatch/tuning.py: 0 to 3 steps, each asking a quarter more
of how far from usual something must be). Every change is audited with the alert that
moved it; the resident page shows the steps and a carer or admin can reset them. The
steps reach the detectors in the home's retained policy (api/policy.py), as consent does.
The engine keeps one state per home, so the steps are the home's: in a shared home one
resident's feedback tunes the alerts about their housemate too.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.alert_words import kind_name
from api.audit import Audit
from api.i18n import ENGLISH, Words
from api.models import AlertRow, AlertTuning, User
from carewatch.protocol import AlertKind
from carewatch.tuning import after_feedback, factor

Steps = dict[AlertKind, int]


def tuning_in_home(session: Session, home: str) -> Steps:
    """The steps stricter per alert kind in ``home`` (kinds at the rules left out)."""
    rows = session.scalars(select(AlertTuning).where(AlertTuning.home_id == home))
    return {AlertKind(row.kind): row.steps for row in rows if row.steps}


def tuning_by_home(session: Session) -> dict[str, Steps]:
    """:func:`tuning_in_home` of every home with any step."""
    out: dict[str, Steps] = {}
    for row in session.scalars(select(AlertTuning).where(AlertTuning.steps > 0)):
        out.setdefault(row.home_id, {})[AlertKind(row.kind)] = row.steps
    return out


def take_feedback(
    session: Session, audit: Audit, now: float, user: User, alert: AlertRow, useful: bool
) -> bool:
    """Move ``alert``'s kind one step for its home after a carer's word; whether it moved."""
    row = _row(session, alert.home_id, AlertKind(alert.kind), now)
    before = row.steps
    row.steps, row.changed_at = after_feedback(before, useful), now
    if row.steps == before:
        return False
    word = "useful" if useful else "not useful"
    audit.record(
        session, user, "update", "alert tuning", alert.resident_id,
        f"{alert.kind} in home {alert.home_id}: {before} -> {row.steps} steps stricter "
        f"('{word}' on alert {alert.id})",
    )  # fmt: skip
    return True


def reset(session: Session, audit: Audit, now: float, user: User, home: str, resident: str) -> int:
    """Put every alert kind of ``home`` back to the documented rules; how many moved."""
    rows = session.scalars(
        select(AlertTuning).where(AlertTuning.home_id == home, AlertTuning.steps > 0)
    ).all()
    moved = [f"{row.kind} {row.steps}" for row in rows]
    for row in rows:
        row.steps, row.changed_at = 0, now
    if moved:
        audit.record(
            session, user, "update", "alert tuning", resident,
            f"home {home} reset to the documented rules (was {', '.join(moved)} steps)",
        )  # fmt: skip
    return len(moved)


def shown(steps: Steps, words: Words = ENGLISH) -> list[str]:
    """The steps as the resident page says them, in ``words``' language.

    >>> shown({AlertKind.STRESS: 2})
    ['stress: 2 steps stricter (1.5 × the usual rule)']
    >>> shown({AlertKind.NIGHT_WANDERING: 1}, Words("es"))
    ['deambulación nocturna: 1 paso más exigente (1,25 × la regla habitual)']
    """
    return [_step_words(kind, n, words) for kind, n in sorted(steps.items())]


def _step_words(kind: AlertKind, steps: int, words: Words) -> str:
    stricter = words.ngettext(
        "%(kind)s: %(num)s step stricter (%(factor)s × the usual rule)",
        "%(kind)s: %(num)s steps stricter (%(factor)s × the usual rule)",
        steps,
    )
    factor_words = words.figures(factor(steps), 3)
    return stricter % {"kind": kind_name(kind, words), "num": steps, "factor": factor_words}


def _row(session: Session, home: str, kind: AlertKind, now: float) -> AlertTuning:
    query = select(AlertTuning).where(AlertTuning.home_id == home, AlertTuning.kind == kind)
    row = session.scalars(query).one_or_none()
    if row is None:
        row = AlertTuning(home_id=home, kind=kind.value, steps=0, changed_at=now)
        session.add(row)
    return row
