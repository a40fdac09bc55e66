"""What the onboarding page shows: each step, done or not, and everything set up so far."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from api.admin.desk import Desk
from api.admin.homes import home_views
from api.consent import withheld_by_home
from api.i18n import ENGLISH, N_, Words
from api.kit_words import limited_words, sensor_name, unarmed_words
from api.models import ConsentBasis, ConsentRecord, Grant, Resident, Role, User
from carewatch.protocol import Kind

BASIS_WORDS = {
    ConsentBasis.SELF: N_("the resident themselves"),
    ConsentBasis.ATTORNEY: N_("their attorney (lasting power of attorney, health and welfare)"),
    ConsentBasis.DEPUTY: N_("their court-appointed deputy"),
    ConsentBasis.BEST_INTERESTS: N_("a best-interests decision (they cannot consent)"),
}


ROLE_WORDS = {
    Role.CARER: N_("carer: sees and acts on the alerts of the residents granted"),
    Role.FAMILY: N_("family: reads how their own relative is doing"),
    Role.ADMIN: N_("admin: sets everything up"),
}
ROLE_NAMES = {
    Role.PLATFORM: N_("platform admin"),
    Role.ADMIN: N_("admin"),
    Role.CARER: N_("carer"),
    Role.FAMILY: N_("family"),
}
STEPS = (  # anchor, title
    ("homes", N_("Add a home and its sensors")),
    ("gateways", N_("Register its gateway")),
    ("residents", N_("Add the people who live there")),
    ("consents", N_("Record their consent")),
    ("people", N_("Invite carers and family")),
    ("grants", N_("Grant them access")),
)


@dataclass(frozen=True)
class Step:
    """One step of onboarding and whether it has been done at least once."""

    anchor: str
    title: str
    done: bool


def overview(desk: Desk, words: Words = ENGLISH) -> dict[str, Any]:
    """The page's context: steps, homes, residents with consent, people with grants, in
    ``words``' language."""
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
    done = {
        "homes": bool(homes),
        "gateways": any(h.gateways for h in homes),
        "residents": bool(residents),
        "consents": bool(latest),
        "people": bool(users),
        "grants": bool(grants),
    }
    return {
        "steps": [Step(anchor, words.gettext(title), done[anchor]) for anchor, title in STEPS],
        "homes": homes,
        "cannot_judge": {
            h.id: cannot_judge(h.sensors.values(), withheld.get(h.id, ()), words) for h in homes
        },
        "residents": residents,
        "users": users,
        "granted": granted,
        "consent": {r: consent_words(c, words) for r, c in latest.items()},
        "kinds": list(Kind),
        "kind_names": {k.value: sensor_name(k, words) for k in Kind},
        "role_names": {r.value: words.gettext(ROLE_NAMES[r]) for r in Role},
        "bases": {basis: words.gettext(said) for basis, said in BASIS_WORDS.items()},
        "home_options": [(h.id, f"{h.label} ({h.id})") for h in homes],
        "kind_options": [(k.value, sensor_name(k, words)) for k in Kind],
        "resident_options": [(r.id, f"{r.display_name} ({r.id})") for r in residents],
        "user_options": [(u.id, f"{u.display_name} ({_role(u.role, words)})") for u in users],
        "role_options": [(role.value, words.gettext(ROLE_WORDS[role])) for role in ROLE_WORDS],
    }


def _role(role: str, words: Words) -> str:
    return words.gettext(ROLE_NAMES[Role(role)])


def consent_words(record: ConsentRecord, words: Words = ENGLISH) -> str:
    """A resident's latest consent in a sentence: whether, by whom, on whose authority,
    and which streams are not shown or not collected."""
    said = (
        words.gettext("agreed to monitoring, by %(who)s (%(basis)s)")
        if record.monitoring
        else words.gettext("did not agree to monitoring, by %(who)s (%(basis)s)")
    )
    parts = [
        said
        % {"who": record.agreed_by, "basis": words.gettext(BASIS_WORDS[ConsentBasis(record.basis)])}
    ]
    hidden = [Kind(kind) for kind, shown in sorted(record.shared.items()) if not shown]
    if hidden:
        parts.append(words.gettext("not shown: %(kinds)s") % {"kinds": _names(hidden, words)})
    if record.withheld and record.monitoring:
        uncollected = [Kind(kind) for kind in record.withheld]
        kinds = _names(uncollected, words)
        parts.append(words.gettext("not collected: %(kinds)s") % {"kinds": kinds})
    if record.evidence:
        parts.append(words.gettext("evidence: %(evidence)s") % {"evidence": record.evidence})
    return "; ".join(parts)


def _names(kinds: list[Kind], words: Words) -> str:
    return ", ".join(sensor_name(kind, words) for kind in kinds)


def cannot_judge(
    kinds: Iterable[str], withheld: Iterable[Kind] = (), words: Words = ENGLISH
) -> dict[str, list[str]]:
    """What a home with sensors of these kinds cannot judge (``unarmed``: whole alert
    kinds; ``limited``: parts of one), and why (carewatch.kit), in ``words``' language; a
    ``withheld`` stream (no consent to collect it) counts as absent.

    >>> cannot_judge(["bed", "motion", "tap", "toilet", "door", "chair", "heart_rate"])
    {'unarmed': [], 'limited': []}
    >>> cannot_judge(["bed"])["unarmed"][0]
    'dehydration: no tap sensor in this home'
    """
    have = {Kind(kind) for kind in kinds}
    return {
        "unarmed": unarmed_words(have, withheld, words),
        "limited": limited_words(have, withheld, words),
    }
