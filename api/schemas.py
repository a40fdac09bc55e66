"""Request and response bodies of the JSON API (pydantic models, shown in OpenAPI)."""

import difflib
import zoneinfo
from typing import Annotated, Any

import apprise
from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from api.i18n import N_, Language, Said, SaidValueError
from api.models import AlertState, Role
from carewatch.protocol import ID_SCHEMA_PATTERN, AlertKind, Kind, Severity
from carewatch.protocol.messages import is_time_zone

PseudoId = Annotated[str, Field(pattern=ID_SCHEMA_PATTERN, description="pseudonymous id [a-z0-9-]")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Note = Annotated[str, Field(max_length=2000)]
Username = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")]
Password = Annotated[str, Field(min_length=12, max_length=256)]
MAX_ID = 2**53  # beyond any real row, and below SQLite's 64-bit integer limit
# Strict where lax parsing would take what the schema forbids ("5" for 5, "yes" for true).
BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A row id in a URL path."""


def _apprise_url(url: str | None) -> str | None:
    if url is not None and not apprise.Apprise().add(url):
        raise ValueError("not a URL Apprise can send to (see the Apprise wiki for forms)")
    return url


NotifyUrl = Annotated[str | None, Field(max_length=2000), AfterValidator(_apprise_url)]
"""Any Apprise URL (mailto://, ntfy://, tgram://, json://, …); a secret, never returned."""
Epoch = Annotated[float, Field(ge=0, le=4_102_444_800)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TokenOut(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 (OAuth2 token type)
    expires_in: int


class UserIn(_In):
    """A new user; the password is hashed with argon2 and never stored or shown."""

    username: Username
    display_name: Name
    role: Role
    password: Password
    notify_url: NotifyUrl = None


class UserPatch(_In):
    """Changes to a user; omitted (or null) fields stay as they are; a null
    ``notify_url`` removes it."""

    display_name: Name | None = None
    password: Password | None = None
    notify_url: NotifyUrl = None
    active: StrictBool | None = None
    language: Language | None = None


class MePatch(_In):
    """Changes a person may make to their own account."""

    language: Language
    """The language of their pages and alerts."""


class UserOut(_Out):
    """A user as others see it (no password hash, no notification URL)."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    language: Language = "en"
    has_notify_url: bool = False
    organisation_id: str | None = None
    """The organisation they belong to (``None``: a platform admin)."""


class TeamIn(_In):
    """A new team; ``lead_id`` receives ``lead:<team>`` escalations."""

    name: Username
    lead_id: BodyId | None = None


class TeamOut(_Out):
    """A team with its members and residents."""

    id: int
    name: str
    lead_id: int | None
    members: list[int] = []
    residents: list[str] = []


class GrantIn(_In):
    """Assign a resident to a carer, or a relative to a family member."""

    user_id: BodyId
    resident_id: PseudoId


class HomeIn(_In):
    """A home; ``id`` is the pseudonym its gateway uses in MQTT topics."""

    id: PseudoId
    label: Name
    tz: Annotated[str, Field(max_length=64)] = "Europe/London"

    @field_validator("tz")
    @classmethod
    def _zone(cls, tz: str) -> str:
        if not is_time_zone(tz):
            raise SaidValueError(_unknown_zone(tz))
        return tz


def _unknown_zone(tz: str) -> Said:
    """Why ``tz`` is refused, and how to fix it: the nearest name, else an example.

    >>> _unknown_zone("Europe/Londn")(), _unknown_zone("xyz")()
    ("'Europe/Londn' is not an IANA time zone: did you mean 'Europe/London'?", \
"'xyz' is not an IANA time zone (Area/City, such as 'Europe/London')")
    """
    near = difflib.get_close_matches(tz, sorted(zoneinfo.available_timezones()), n=1)
    if near:
        wrong = N_("%(tz)r is not an IANA time zone: did you mean %(near)r?")
        return Said(wrong, {"tz": tz, "near": near[0]})
    return Said(
        N_("%(tz)r is not an IANA time zone (Area/City, such as 'Europe/London')"), {"tz": tz}
    )


class HomeOut(_Out):
    """A home."""

    id: str
    label: str
    tz: str


class SensorIn(_In):
    """A sensor in a home; a wearable names the resident it belongs to."""

    kind: Kind
    resident_id: PseudoId | None = None


class SensorOut(_Out):
    """A sensor."""

    home_id: str
    id: str
    kind: Kind
    resident_id: str | None


Consent = dict[Kind, StrictBool]


class ResidentIn(_In):
    """A resident; streams missing from ``consent`` are shared (say ``false`` to withhold)."""

    id: PseudoId
    home_id: PseudoId
    display_name: Name
    consent: Consent = {}


class ResidentPatch(_In):
    """Changes to a resident."""

    display_name: Name | None = None
    consent: Consent | None = None


class ResidentOut(_Out):
    """A resident, with their home's time zone."""

    id: str
    home_id: str
    display_name: str
    consent: dict[str, bool]
    tz: str = "UTC"


class AlertOut(_Out):
    """An alert and what people did about it."""

    id: int
    home_id: str
    resident_id: str | None
    kind: AlertKind
    severity: Severity
    detected_at: float
    start: float
    end: float | None
    explanation: str
    evidence: dict[str, Any]
    state: AlertState
    received_at: float
    acknowledged_at: float | None
    acknowledged_by: int | None
    ack_note: str | None
    resolved_at: float | None
    resolved_by: int | None
    resolve_note: str | None
    rule: str | None


class NoteIn(_In):
    """A note added when acknowledging or resolving."""

    note: Note = ""


class FeedbackIn(_In):
    """Was this alert useful? Kept for the detectors to learn from."""

    useful: StrictBool
    note: Note = ""


class FeedbackOut(_Out):
    """Recorded feedback."""

    id: int
    alert_id: int
    user_id: int
    useful: bool
    note: str | None
    at: float


class FeedbackExport(BaseModel):
    """Feedback joined with the alert it is about: what the detectors learn from."""

    alert_id: int
    home: str
    resident: str | None
    kind: AlertKind
    start: float
    detected_at: float
    useful: bool
    at: float


class DeliveryOut(_Out):
    """One notification attempt."""

    alert_id: int
    user_id: int
    step: int
    attempt: int
    ok: bool
    error: str | None
    at: float


class ReadingOut(BaseModel):
    """One stored reading."""

    sensor: str
    kind: Kind
    ts: float
    value: float


class AggregateOut(BaseModel):
    """Statistics over one window."""

    start: float
    count: int
    sum: float
    mean: float
    min: float
    max: float


class SummaryOut(BaseModel):
    """A day of the resident's home, as summarised by the detectors."""

    date: str
    tap_litres: float | None
    tap_uses: int | None
    toilet_day: int | None
    toilet_night: int | None
    chair_minutes: float | None
    night_episodes: int | None = 0
    resting_hr: float | None = None
    """A figure is ``null`` where its stream is hidden from the reader (consent, D107)."""


class AuditOut(_Out):
    """An audit log entry."""

    id: int
    at: float
    user_id: int | None
    action: str
    what: str
    resident_id: str | None
    detail: str | None


class Health(BaseModel):
    """Liveness and the state of the dependencies."""

    status: str
    database: bool
    broker: bool | None
    store: bool
