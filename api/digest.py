"""The handover as a notification: sent each morning at a set local time, and on demand.

The service's background loop calls :meth:`HandoverSender.tick` (as it does for
escalation), with time from the injected clock. Each sending is written to the audit
log, which is also how a restart knows today's digest has gone already.
"""

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.access import visible_resident_ids
from api.audit import Audit
from api.handover import Handover, handover
from api.models import AuditEntry, Role, User
from api.notify import Notifier
from api.when import local
from carewatch.clock import Clock

WHAT = "handover"


def digest(made: Handover) -> tuple[str, str]:
    """Title and plain-text body of a handover.

    >>> from api.handover import Line
    >>> title, body = digest(Handover("Sat 15 Nov 2025, 07:30", [Line("r", "Rose", "Call.")]))
    >>> title
    'CareWatch handover, Sat 15 Nov 2025, 07:30'
    >>> body.splitlines()[:2]
    ['Needs a visit or a call today:', '- Rose: Call.']
    """
    words = made.words
    parts = []
    for heading, lines in (
        (words.gettext("Needs a visit or a call today"), made.visit),
        (words.gettext("Overnight"), made.overnight),
        (words.gettext("Fine"), made.fine),
    ):
        if lines:
            parts.append(f"{heading}:\n" + "\n".join(f"- {ln.name}: {ln.text}" for ln in lines))
    body = "\n\n".join(parts) or words.gettext("No residents on your caseload.")
    return words.gettext("CareWatch handover, %(made)s") % {"made": made.made}, body


class HandoverSender:
    """Sends each carer their handover once a day at ``at`` (local time in ``tz``)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        notifier: Notifier,
        clock: Clock,
        audit: Audit,
        at: time | None,
        tz: str,
    ) -> None:
        self._sessions, self._notifier, self._clock, self._audit = sessions, notifier, clock, audit
        self._at, self._tz = at, tz

    def tick(self) -> int:
        """Send today's digests once the time has come; returns how many were sent."""
        if self._at is None:
            return 0
        now = self._clock()
        today = local(now, self._tz)
        due = datetime.combine(today.date(), self._at, today.tzinfo).timestamp()
        if now < due:
            return 0
        sent = 0
        with self._sessions.begin() as session:
            carers = select(User).where(User.role == Role.CARER, User.active.is_(True))
            for user in session.scalars(carers):
                if not user.notify_url or not visible_resident_ids(session, user):
                    continue  # nowhere to send it, or nobody to hand over
                if not self._sent_since(session, user, due):
                    sent += self.send(session, user)
        return sent

    def send(self, session: Session, user: User) -> bool:
        """Send ``user`` their handover now (on demand, or when due); True if delivered."""
        if not user.notify_url:
            return False
        title, body = digest(handover(session, user, self._clock()))
        attempts = self._notifier.send(user.notify_url, title, body)
        ok = attempts[-1].ok
        self._audit.record(session, user, "send", WHAT, detail="delivered" if ok else "failed")
        return ok

    @staticmethod
    def _sent_since(session: Session, user: User, since: float) -> bool:
        query = select(AuditEntry.id).where(
            AuditEntry.user_id == user.id, AuditEntry.what == WHAT, AuditEntry.at >= since
        )
        return session.scalars(query).first() is not None
