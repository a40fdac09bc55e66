"""The API database's retention: resolved alerts, audit entries and daily summaries.

Run by :class:`carewatch.retention.RetentionJob` on the API's background thread
(decision D108). What is due:

- an alert resolved more than ``alerts_s`` ago, with its deliveries and feedback (an
  alert still open or acknowledged is someone's work and is kept however old);
- an audit entry made more than ``audit_s`` ago;
- a daily summary of a day that ended more than ``summaries_s`` ago (its date is local
  to the home; a day is due once it is over in every time zone, UTC-12 the last);
- consent records are never deleted: they are the evidence of what was agreed.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from api.models import AlertRow, AlertState, AuditEntry, Delivery, Feedback, SummaryRow
from api.settings import ApiSettings
from carewatch.clock import Clock
from carewatch.retention import RetentionJob


class ApiRecordsSweep:
    """Deletes what the API database keeps beyond its retention (``None``: for ever)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        alerts_s: float | None,
        audit_s: float | None,
        summaries_s: float | None,
    ) -> None:
        self._sessions = sessions
        self._alerts_s = alerts_s
        self._audit_s = audit_s
        self._summaries_s = summaries_s

    def sweep(self, now: float) -> dict[str, int]:
        """Delete what is due at ``now``, in one transaction; returns counts by table."""
        deleted: dict[str, int] = {}
        with self._sessions.begin() as session:
            if self._alerts_s is not None:
                deleted["alerts"] = _alerts(session, now - self._alerts_s)
            if self._audit_s is not None:
                gone = session.execute(
                    delete(AuditEntry).where(AuditEntry.at < now - self._audit_s)
                )
                deleted["audit"] = gone.rowcount  # type: ignore[attr-defined]
            if self._summaries_s is not None:
                deleted["summaries"] = _summaries(session, now - self._summaries_s)
        return deleted


def _alerts(session: Session, cutoff: float) -> int:
    due = select(AlertRow.id).where(
        AlertRow.state == AlertState.RESOLVED, AlertRow.resolved_at < cutoff
    )
    ids = list(session.scalars(due))
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        session.execute(delete(Delivery).where(Delivery.alert_id.in_(chunk)))
        session.execute(delete(Feedback).where(Feedback.alert_id.in_(chunk)))
        session.execute(delete(AlertRow).where(AlertRow.id.in_(chunk)))
    return len(ids)


def last_due_date(cutoff: float) -> str:
    """The latest local date all of which, in any time zone, ended before ``cutoff``.

    >>> last_due_date(datetime(2026, 3, 10, 14, tzinfo=UTC).timestamp())  # the 9th is over
    '2026-03-09'
    >>> last_due_date(datetime(2026, 3, 10, 10, tzinfo=UTC).timestamp())
    '2026-03-08'
    """
    # a local date D ends at D+1 00:00 local, which is at the latest D+1 12:00 UTC (UTC-12)
    moment = datetime.fromtimestamp(cutoff, UTC) - timedelta(hours=12)
    return (moment.date() - timedelta(days=1)).isoformat()


def _summaries(session: Session, cutoff: float) -> int:
    gone = session.execute(delete(SummaryRow).where(SummaryRow.date <= last_due_date(cutoff)))
    return int(gone.rowcount)  # type: ignore[attr-defined]


def retention_job(
    settings: ApiSettings, sessions: sessionmaker[Session], clock: Clock
) -> RetentionJob | None:
    """The job the settings ask for, or ``None`` when everything is kept for ever."""
    spans = (settings.retention_alerts, settings.retention_audit, settings.retention_summaries)
    if all(span is None for span in spans):
        return None
    sweep = ApiRecordsSweep(
        sessions,
        alerts_s=settings.retention_alerts,
        audit_s=settings.retention_audit,
        summaries_s=settings.retention_summaries,
    )
    return RetentionJob([sweep], every_s=settings.retention_every, clock=clock)
