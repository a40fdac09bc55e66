"""The audit log: who read or changed what about which resident."""

from sqlalchemy.orm import Session

from api.models import AuditEntry, User
from api.tenancy import confined_to, organisation_of
from carewatch.clock import Clock


class Audit:
    """Appends audit entries inside the caller's transaction (so they commit together)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def record(
        self,
        session: Session,
        user: User | None,
        action: str,
        what: str,
        resident_id: str | None = None,
        detail: str | None = None,
        *,
        organisation: str | None = None,
    ) -> None:
        """Note that ``user`` did ``action`` (read/create/update/delete) to ``what``, in
        their organisation (the command line's: the one its session is confined to)."""
        if user is not None:
            organisation = organisation_of(user)
        elif organisation is None:
            organisation = confined_to(session)
        session.add(
            AuditEntry(
                at=self._clock(),
                user_id=user.id if user else None,
                action=action,
                what=what,
                resident_id=resident_id,
                detail=detail,
                organisation_id=organisation or None,
            )
        )
