"""The API's relational tables (SQLAlchemy 2.0 declarative models).

Names of people live only here, never on MQTT: residents and homes are known to
the rest of the system by pseudonymous ids.
"""

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every API table."""


class Role(StrEnum):
    """What a user may do: administer their organisation, care for assigned residents, follow
    one relative, or (``platform``) create organisations and nothing else (D110)."""

    PLATFORM = "platform"
    ADMIN = "admin"
    CARER = "carer"
    FAMILY = "family"


class AlertState(StrEnum):
    """An alert's life: open until acknowledged, then resolved."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


DEFAULT_ORGANISATION = "default"
"""The organisation an install made before organisations existed migrates into (D110)."""


class Organisation(Base):
    """A care agency sharing the server; nothing of one is ever shown to another."""

    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class OrganisationOwned:
    """A row that belongs to one organisation: every query a user makes is limited to
    theirs (:mod:`api.tenancy`). ``None`` only for a platform admin, an alert from a home
    nobody registered, and what the command line does outside any organisation."""

    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, default=None
    )
    """Set by whoever creates the row, or by the session's confinement (:mod:`api.tenancy`)."""


class User(OrganisationOwned, Base):
    """A person who logs in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    notify_url: Mapped[str | None] = mapped_column(Text, default=None)
    """Any Apprise URL (mailto://, ntfy://, json://, …); a secret, never returned."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    """The language their pages and alerts are worded in (one of ``api.i18n.LANGUAGES``)."""


class Team(OrganisationOwned, Base):
    """A group of carers looking after a group of residents; ``lead`` gets escalations."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)
    name: Mapped[str] = mapped_column(String(64))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class TeamMember(Base):
    """A carer in a team."""

    __tablename__ = "team_members"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class TeamResident(Base):
    """A resident a team looks after."""

    __tablename__ = "team_residents"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    resident_id: Mapped[str] = mapped_column(ForeignKey("residents.id"), primary_key=True)


class Grant(Base):
    """A direct grant: a carer assigned a resident, or a family member their relative."""

    __tablename__ = "grants"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    resident_id: Mapped[str] = mapped_column(ForeignKey("residents.id"), primary_key=True)


class Home(OrganisationOwned, Base):
    """A dwelling with a gateway; ``id`` is the pseudonym used in MQTT topics."""

    __tablename__ = "homes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str] = mapped_column(String(64))


class Resident(OrganisationOwned, Base):
    """A person who lives in a home; ``id`` is their pseudonym on the wire."""

    __tablename__ = "residents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    home_id: Mapped[str] = mapped_column(ForeignKey("homes.id"))
    display_name: Mapped[str] = mapped_column(String(200))
    consent: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    """Per reading kind: whether that stream may be shown to carers and family."""


class Sensor(Base):
    """A sensor in a home; a wearable names the resident it belongs to."""

    __tablename__ = "sensors"
    home_id: Mapped[str] = mapped_column(ForeignKey("homes.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    resident_id: Mapped[str | None] = mapped_column(ForeignKey("residents.id"), default=None)


class AlertRow(OrganisationOwned, Base):
    """An alert received over MQTT, with what people did about it."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("home_id", "kind", "start", "resident_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    home_id: Mapped[str] = mapped_column(String(64), index=True)
    resident_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    resident_key: Mapped[str] = mapped_column(String(64), default="")
    """``resident_id`` or ``""``: SQL unique constraints never match NULLs."""
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    detected_at: Mapped[float] = mapped_column(Float)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float, default=None)
    explanation: Mapped[str] = mapped_column(Text)
    phrases: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    """The explanation as the detector's phrases, worded in each reader's language (D132)."""
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=AlertState.OPEN, index=True)
    received_at: Mapped[float] = mapped_column(Float)
    acknowledged_at: Mapped[float | None] = mapped_column(Float, default=None)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    ack_note: Mapped[str | None] = mapped_column(Text, default=None)
    resolved_at: Mapped[float | None] = mapped_column(Float, index=True, default=None)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolve_note: Mapped[str | None] = mapped_column(Text, default=None)
    rule: Mapped[str | None] = mapped_column(String(64), default=None)
    next_step: Mapped[int] = mapped_column(Integer, default=0)


class Feedback(Base):
    """Whether an alert was useful, kept for the detectors to learn from."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    useful: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    at: Mapped[float] = mapped_column(Float)


class AlertTuning(Base):
    """How many steps stricter carers' feedback made one home's detectors for one alert
    kind (decision D122); no row: the documented rules."""

    __tablename__ = "alert_tuning"
    __table_args__ = (UniqueConstraint("home_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    home_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    steps: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[float] = mapped_column(Float)


class Delivery(Base):
    """One attempt to send one alert to one person."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    step: Mapped[int] = mapped_column(Integer)
    attempt: Mapped[int] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    at: Mapped[float] = mapped_column(Float)


class SummaryRow(Base):
    """A home's (or resident's) daily summary; a re-sent day replaces the old one."""

    __tablename__ = "summaries"
    __table_args__ = (UniqueConstraint("home_id", "resident_key", "date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    home_id: Mapped[str] = mapped_column(String(64), index=True)
    resident_key: Mapped[str] = mapped_column(String(64), default="")
    date: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEntry(OrganisationOwned, Base):
    """Who read or changed what about which resident, and when."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(String(64))
    resident_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    detail: Mapped[str | None] = mapped_column(Text, default=None)


class Gateway(Base):
    """A home's gateway; ``id`` is also its broker login. Only a hash of the password."""

    __tablename__ = "gateways"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    home_id: Mapped[str] = mapped_column(ForeignKey("homes.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    """Mosquitto's ``$7$`` PBKDF2-SHA512 form, as in its password file (D96)."""
    created_at: Mapped[float] = mapped_column(Float)


class ConsentBasis(StrEnum):
    """On whose authority monitoring was agreed."""

    SELF = "self"
    ATTORNEY = "attorney"
    DEPUTY = "deputy"
    BEST_INTERESTS = "best_interests"


class ConsentRecord(Base):
    """Who agreed to what about a resident's monitoring, when, and on what authority.

    Never changed once written: a change is a new record (``supersedes`` the one in force
    then). The latest record valid at a moment is the consent in force (:mod:`api.consent`);
    the records are the history and the evidence. Kept when the resident is removed, and
    by retention.
    """

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[str] = mapped_column(String(64), index=True)
    agreed_by: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(String(32))
    monitoring: Mapped[bool] = mapped_column(Boolean)
    shared: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    agreed_at: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[float] = mapped_column(Float)
    recorded_by: Mapped[int | None] = mapped_column(Integer, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    withheld: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Streams (reading kinds) not to be collected at all: ingest drops them (D107)."""
    roles: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    """Per stream, the roles that may see it; a stream not named: every role."""
    valid_from: Mapped[float | None] = mapped_column(Float, default=None)
    """When it takes effect (``None``: from ``agreed_at``)."""
    valid_until: Mapped[float | None] = mapped_column(Float, default=None)
    """When it ends (``None``: until replaced); after it, no consent is in force."""
    evidence: Mapped[str | None] = mapped_column(Text, default=None)
    """Where the proof is: the signed form's reference, the best-interests record."""
    supersedes: Mapped[int | None] = mapped_column(Integer, default=None)
    """The record in force when this one was made, if any."""
