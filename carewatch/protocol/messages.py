"""Payload schemas of wire protocol v1 (msgspec structs, JSON on the wire).

Ids are pseudonymous: lower-case letters, digits and dashes only, so no name or
address can travel over MQTT. Times are UTC epoch seconds.
"""

import hashlib
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from carewatch.protocol.kinds import (
    BINARY_KINDS,
    VALUE_RANGES,
    AlertKind,
    Kind,
    Severity,
    value_problem,
)

# Whole-text anchors: in Python's re (msgspec's patterns too, searched) ``$`` also matches
# before a final newline, so ``^...$`` let "hr-1\n" through as a new sensor.
ID_PATTERN = r"\A[a-z0-9][a-z0-9-]{0,63}\Z"
# The same rule for JSON Schema and pydantic (ECMA and Rust regex: ``$`` is the very end,
# and neither knows ``\Z``).
ID_SCHEMA_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
EARLIEST_TS = 946_684_800.0  # 2000-01-01: anything earlier is an unset clock
LATEST_TS = 4_102_444_800.0  # 2100-01-01: a hard bound; "too far ahead of now" is checked on decode
MAX_READINGS_PER_BATCH = 1_000

Id = Annotated[str, msgspec.Meta(pattern=ID_PATTERN, description="pseudonymous id [a-z0-9-]")]
# A reading's sensor id: its pattern is checked once per distinct id in a batch by the
# codec (``check_readings``), because a regex per reading was 60 % of decoding a batch.
SensorId = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, description="pseudonymous id [a-z0-9-]")
]
Timestamp = Annotated[float, msgspec.Meta(ge=EARLIEST_TS, le=LATEST_TS)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
Count = Annotated[int, msgspec.Meta(ge=0)]
ShortText = Annotated[str, msgspec.Meta(max_length=64)]


class Reading(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """One measurement by one sensor, stamped with when it was measured.

    Decode readings with :func:`~carewatch.protocol.codec.decode` (or check them with
    :func:`~carewatch.protocol.codec.check_readings`): it also checks ``sensor`` against
    :data:`ID_PATTERN` and that no timestamp is ahead of the receiver's clock.
    """

    sensor: SensorId
    kind: Kind
    ts: Timestamp
    value: float
    resident: Id | None = None  # whose wearable, when a sensor is personal

    def __post_init__(self) -> None:
        # Inlined fast path of value_problem: this runs for every reading ingest decodes.
        low, high = VALUE_RANGES[self.kind]
        value = self.value
        if not low <= value <= high or (self.kind in BINARY_KINDS and low < value < high):
            raise ValueError(value_problem(self.kind, value))


class ReadingsBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A gateway's readings message; ``seq`` rises by one per message so gaps show."""

    gateway: Id
    seq: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
    sent: Timestamp
    readings: Annotated[
        list[Reading], msgspec.Meta(min_length=1, max_length=MAX_READINGS_PER_BATCH)
    ]


MAX_RECEIPT_SEQS = 10_000
Seq = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]


class Receipt(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Ingest to one gateway: these readings messages are durable, delete them.

    Sent once the messages' readings are in the store (or kept as dead letters) and
    ingest's own state is committed; the gateway's outbox deletes a batch only then.
    """

    gateway: Id
    seqs: Annotated[list[Seq], msgspec.Meta(min_length=1, max_length=MAX_RECEIPT_SEQS)]


MAX_OUTPUT_RECEIPT_DIGESTS = 1_000
Digest = Annotated[str, msgspec.Meta(pattern=r"\A[0-9a-f]{32}\Z")]


def output_digest(payload: bytes) -> str:
    """What names an alert or summary message in the API's receipt: a digest of its bytes.

    Ingest keeps the exact bytes and sends them again unchanged, so every copy of one
    message has the same digest, and the message itself needs no id field.

    >>> output_digest(b'{"home":"h-1"}')
    'a1acc4850b44c5a7d95eace2bc6a536f'
    """
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


class OutputReceipt(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The API to ingest: the alert and summary messages with these digests are stored.

    Sent once each is in the API's database (again for a duplicate) and before the API
    acknowledges it to the broker; ingest keeps a message and sends it again until then.
    """

    digests: Annotated[
        list[Digest], msgspec.Meta(min_length=1, max_length=MAX_OUTPUT_RECEIPT_DIGESTS)
    ]


class GatewayStatus(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Retained gateway status; the MQTT will publishes ``state="offline"``."""

    gateway: Id
    state: Literal["online", "offline"]
    ts: Timestamp | None = None
    version: ShortText | None = None
    uptime_s: Annotated[float, msgspec.Meta(ge=0)] | None = None
    outbox_depth: Count | None = None
    oldest_unsent_ts: Timestamp | None = None
    next_seq: Count | None = None
    tz: ShortText | None = None  # the home's IANA zone: night and days are local notions
    sensors_last_seen: dict[Id, Timestamp] = {}
    battery: dict[Id, Percent] = {}

    def __post_init__(self) -> None:
        if self.tz is not None and not is_time_zone(self.tz):
            raise ValueError(f"tz {self.tz!r} is not an IANA time zone such as 'Europe/London'")


Evidence = dict[Annotated[str, msgspec.Meta(max_length=64)], float | int | str | bool | None]


class Phrase(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Part of an alert's explanation, to be worded in the reader's language (D132).

    ``text`` is its English: a gettext message with named places (``%(bpm).0f``) that
    ``values`` fill, a value that is itself a phrase worded first. With ``plural``, the
    value ``count`` chooses the form, as gettext's ``ngettext`` does.
    """

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    values: dict[Annotated[str, msgspec.Meta(max_length=64)], "str | int | float | Phrase"] = {}
    plural: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class Alert(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Something a carer should know, with the reason in plain words and the numbers."""

    home: Id
    kind: AlertKind
    detected_at: Timestamp
    start: Timestamp
    severity: Severity
    explanation: Annotated[str, msgspec.Meta(min_length=1, max_length=1_000)]
    evidence: Evidence = {}
    resident: Id | None = None
    end: Timestamp | None = None
    # the explanation as phrases, for wording in other languages (its English is above)
    phrases: Annotated[list[Phrase], msgspec.Meta(max_length=20)] = []


class NightEpisode(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A spell out of bed during the night."""

    start: Timestamp
    end: Timestamp


class DailySummary(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """One home's day in the home's local time, for families' dashboards."""

    home: Id
    date: Annotated[str, msgspec.Meta(pattern=r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")]
    tap_litres: Annotated[float, msgspec.Meta(ge=0)]
    tap_uses: Count
    toilet_day: Count
    toilet_night: Count
    chair_minutes: Annotated[float, msgspec.Meta(ge=0)]
    night_episodes: list[NightEpisode] = []
    resting_hr: Annotated[float, msgspec.Meta(ge=20, le=250)] | None = None
    resident: Id | None = None


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is a known IANA time zone.

    >>> is_time_zone("Europe/London"), is_time_zone("Mars/Olympus")
    (True, False)
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
