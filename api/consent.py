"""The consent in force: what may be collected about a resident, and who may see what.

A resident's consent records (:class:`api.models.ConsentRecord`) are never changed; the
one in force at a moment is the latest recorded whose validity covers it. Then:

- no record at all: the resident's flags (:attr:`Resident.consent`, from before consent
  was recorded) decide what is shown, and everything is collected;
- records, none in force (expired, or not yet begun), or monitoring refused: nothing is
  collected and nothing shown;
- else the record's ``withheld`` streams are not collected (ingest drops them, D107) and
  a stream is shown to a role only if it is ``shared`` and, where the record names roles
  for it, the role is named.

Examples
--------
>>> from api.models import ConsentRecord, Home, Resident
>>> rose = Resident(id="r-1", home_id="h-1", display_name="Rose", consent={})
>>> agreed = ConsentRecord(id=1, monitoring=True, withheld=["tap"], shared={"bed": False},
...     roles={"heart_rate": ["carer"]}, agreed_at=0.0, valid_from=10.0, valid_until=20.0)
>>> sorted(k.value for k in in_force(rose, [agreed], 15.0).hidden_from("family"))
['bed', 'heart_rate', 'tap']
>>> sorted(k.value for k in in_force(rose, [agreed], 15.0).hidden_from("carer"))
['bed', 'tap']
>>> in_force(rose, [agreed], 25.0).withheld == frozenset(Kind)  # expired
True
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import ConsentRecord, Home, Resident
from carewatch.protocol import Kind

EVERY_KIND = frozenset(Kind)


@dataclass(frozen=True)
class InForce:
    """One resident's consent at one moment; ``record`` is the one in force, if any."""

    withheld: frozenset[Kind]
    """Not collected at all."""
    unshared: frozenset[Kind]
    """Collected, shown to nobody."""
    roles: dict[Kind, frozenset[str]] = field(default_factory=dict)
    """Streams only these roles may see."""
    record: ConsentRecord | None = None

    def hidden_from(self, role: str) -> frozenset[Kind]:
        """The streams a user of ``role`` may not see."""
        limited = {kind for kind, roles in self.roles.items() if role not in roles}
        return self.withheld | self.unshared | limited


def in_force(resident: Resident, records: Sequence[ConsentRecord], now: float) -> InForce:
    """The consent of ``resident`` in force at ``now``, from their ``records`` (any order)."""
    if not records:
        flags = resident.consent or {}
        return InForce(frozenset(), frozenset(Kind(k) for k, on in flags.items() if on is False))
    record = current(records, now)
    if record is None or not record.monitoring:
        return InForce(EVERY_KIND, EVERY_KIND, record=record)
    return InForce(
        withheld=frozenset(Kind(k) for k in record.withheld or ()),
        unshared=frozenset(Kind(k) for k, on in (record.shared or {}).items() if on is False),
        roles={Kind(k): frozenset(roles) for k, roles in (record.roles or {}).items()},
        record=record,
    )


def current(records: Iterable[ConsentRecord], now: float) -> ConsentRecord | None:
    """The latest recorded of ``records`` valid at ``now``."""
    for record in sorted(records, key=lambda r: r.id, reverse=True):
        start = record.agreed_at if record.valid_from is None else record.valid_from
        if start <= now and (record.valid_until is None or now < record.valid_until):
            return record
    return None


def consent_of(session: Session, resident: Resident, now: float) -> InForce:
    """:func:`in_force` with the resident's records read from the database."""
    query = select(ConsentRecord).where(ConsentRecord.resident_id == resident.id)
    return in_force(resident, list(session.scalars(query)), now)


def withheld_by_home(session: Session, now: float) -> dict[str, frozenset[Kind]]:
    """Every home with the streams not to collect there: those any resident withheld.

    A room's sensor cannot tell whose presence it records, so one refusal covers the
    home. The policy is per home and kind, so a housemate's wearable is dropped too when
    one resident refuses heart rate (the safe side; per-sensor policies would lift it).
    """
    homes = {home: frozenset[Kind]() for home in session.scalars(select(Home.id))}
    records: dict[str, list[ConsentRecord]] = {}
    for record in session.scalars(select(ConsentRecord)):
        records.setdefault(record.resident_id, []).append(record)
    for resident in session.scalars(select(Resident)):
        withheld = in_force(resident, records.get(resident.id, []), now).withheld
        homes[resident.home_id] = homes.get(resident.home_id, frozenset()) | withheld
    return homes


def withheld_in_home(session: Session, home: str, now: float) -> frozenset[Kind]:
    """The streams not collected in ``home`` (:func:`withheld_by_home` for one home)."""
    residents = list(session.scalars(select(Resident).where(Resident.home_id == home)))
    withheld: frozenset[Kind] = frozenset()
    for resident in residents:
        withheld |= consent_of(session, resident, now).withheld
    return withheld
