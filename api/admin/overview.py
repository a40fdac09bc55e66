"""What the onboarding page shows: each step, done or not, and everything set up so far."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from api.admin.desk import Desk
from api.admin.homes import home_views
from api.consent import withheld_by_home
from api.i18n import ENGLISH, Words
from api.kit_words import limited_words, unarmed_words
from api.models import ConsentBasis, ConsentRecord, Grant, Resident, Role, User
from carewatch.protocol import Kind

BASIS_WORDS = {
    ConsentBasis.SELF: "the resident themselves",
    ConsentBasis.ATTORNEY: "their attorney (lasting power of attorney, health and welfare)",
    ConsentBasis.DEPUTY: "their court-appointed deputy",
    ConsentBasis.BEST_INTERESTS: "a best-interests decision (they cannot consent)",
}


ROLE_WORDS = {
    Role.CARER: "carer: sees and acts on the alerts of the residents granted",
    Role.FAMILY: "family: reads how their own relative is doing",
    Role.ADMIN: "admin: sets everything up",
}


@dataclass(frozen=True)
class Step:
    """One step of onboarding and whether it has been done at least once."""

    anchor: str
    title: str
    done: bool


def overview(desk: Desk) -> dict[str, Any]:
    """The page's context: steps, homes, residents with consent, people with grants."""
    session = desk.session
    homes = home_views(desk)
    residents = list(session.scalars(select(Resident).order_by(Resident.display_name)))
    users = list(session.scalars(select(User).where(User.role != Role.ADMIN).order_by(User.id)))
    names = {r.id: r.display_name for r in residents}  # the organisation's, and no other's
    grants = list(session.scalars(select(Grant).where(Grant.resident_id.in_(names))))
    latest: dict[str, ConsentRecord] = {}
    ours = select(ConsentRecord).where(ConsentRecord.resident_id.in_(names))
    for record in session.scalars(ours.order_by(ConsentRecord.id)):
        latest[record.resident_id] = record
    withheld = withheld_by_home(session, desk.clock())
    granted = {u.id: [names[g.resident_id] for g in grants if g.user_id == u.id] for u in users}
    steps = [
        Step("homes", "Add a home and its sensors", bool(homes)),
        Step("gateways", "Register its gateway", any(h.gateways for h in homes)),
        Step("residents", "Add the people who live there", bool(residents)),
        Step("consents", "Record their consent", bool(latest)),
        Step("people", "Invite carers and family", bool(users)),
        Step("grants", "Grant them access", bool(grants)),
    ]
    return {
        "steps": steps,
        "homes": homes,
        "cannot_judge": {
            h.id: cannot_judge(h.sensors.values(), withheld.get(h.id, ())) for h in homes
        },
        "residents": residents,
        "users": users,
        "granted": granted,
        "consent": latest,
        "kinds": list(Kind),
        "bases": BASIS_WORDS,
        "home_options": [(h.id, f"{h.label} ({h.id})") for h in homes],
        "kind_options": [(k.value, k.value.replace("_", " ")) for k in Kind],
        "resident_options": [(r.id, f"{r.display_name} ({r.id})") for r in residents],
        "user_options": [(u.id, f"{u.display_name} ({u.role})") for u in users],
        "role_options": [(role.value, ROLE_WORDS[role]) for role in ROLE_WORDS],
    }


def cannot_judge(
    kinds: Iterable[str], withheld: Iterable[Kind] = (), words: Words = ENGLISH
) -> list[str]:
    """What a home with sensors of these kinds cannot judge, and why (carewatch.kit), in
    ``words``' language; a ``withheld`` stream (no consent to collect it) counts as absent.

    >>> cannot_judge(["bed", "motion", "tap", "toilet", "door", "chair", "heart_rate"])
    []
    >>> cannot_judge(["bed"])[0]
    'dehydration: no tap sensor in this home'
    """
    have = {Kind(kind) for kind in kinds}
    return [*unarmed_words(have, withheld, words), *limited_words(have, withheld, words)]
