"""Request and response bodies of onboarding (shown in OpenAPI)."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.models import ConsentBasis, Role
from api.schemas import Consent, Epoch, HomeIn, Name, Note, NotifyUrl, PseudoId, Username, UserOut
from carewatch.protocol import Kind


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HomeSetupIn(HomeIn):
    """A new home with the sensors it has (sensor id -> kind): the kit arms the alerts."""

    sensors: Annotated[dict[PseudoId, Kind], Field(max_length=200, default_factory=dict)]


class HomeSetupOut(BaseModel):
    """A home with its sensors' kinds and its gateways."""

    id: str
    label: str
    tz: str
    sensors: dict[str, Kind]
    gateways: list[str]


class GatewayIn(_In):
    """A gateway to register; its id is also its broker login, unique across the service."""

    id: PseudoId


class GatewayCredentials(BaseModel):
    """A new gateway's broker login and config, shown this once (only a hash is kept)."""

    id: str
    home_id: str
    username: str
    password: str
    config_toml: str
    broker_updated: bool
    """Whether the broker's password and ACL files were updated (else add the lines below)."""
    passwd_line: str
    acl_block: str


class InviteIn(_In):
    """A carer, family member or admin to invite; the password is generated."""

    username: Username
    display_name: Name
    role: Role
    notify_url: NotifyUrl = None


class InviteOut(BaseModel):
    """The new user and their first password, shown this once."""

    user: UserOut
    password: str


class ConsentIn(_In):
    """Who agreed (``agreed_by``, on the ``basis`` of what authority), to being monitored
    at all and to which streams carers and family may see (missing kinds are shared)."""

    agreed_by: Name
    basis: ConsentBasis
    monitoring: StrictBool
    shared: Consent = {}
    withheld: Annotated[list[Kind], Field(max_length=len(Kind))] = []
    """Streams not to be collected at all (dropped at ingest, their alerts not armed)."""
    roles: dict[Kind, list[Role]] = {}
    """Per stream, the only roles that may see it (a stream not named: every role)."""
    agreed_at: Epoch | None = None
    """When they agreed (default: now)."""
    valid_from: Epoch | None = None
    """When it takes effect (default: when they agreed)."""
    valid_until: Epoch | None = None
    """When it ends (default: until a new record replaces it)."""
    evidence: Note = ""
    """Where the proof is kept: the signed form's reference, the best-interests record."""
    note: Note = ""


class ConsentOut(BaseModel):
    """A recorded consent decision."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    resident_id: str
    agreed_by: str
    basis: ConsentBasis
    monitoring: bool
    shared: dict[str, bool]
    agreed_at: float
    recorded_at: float
    recorded_by: int | None
    note: str | None
    withheld: list[str]
    roles: dict[str, list[str]]
    valid_from: float | None
    valid_until: float | None
    evidence: str | None
    supersedes: int | None


class OrganisationIn(_In):
    """A care agency to add: its id (as pseudonymous ids are written) and its name."""

    id: PseudoId
    name: Name


class OrganisationOut(BaseModel):
    """An organisation sharing the server."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str


class AdminIn(_In):
    """An organisation's admin to invite; the password is generated."""

    username: Username
    display_name: Name
    notify_url: NotifyUrl = None
