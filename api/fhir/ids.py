"""Stable identities for exported resources: the same fact exported twice has the same id.

A receiving system that imports a second export then updates rather than duplicates.
Ids are name-based UUIDs (version 5), so they reveal nothing a reader could reverse
without knowing the resident's pseudonym as well.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from api.fhir.codes import CAREWATCH

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, CAREWATCH)


def resource_id(*parts: str) -> str:
    """A resource id made from what identifies the fact.

    >>> resource_id("r-1", "2025-11-14", "tap_litres") == resource_id("r-1", "2025-11-14",
    ...     "tap_litres")
    True
    >>> len(resource_id("r-1"))
    36
    """
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def full_url(resource_id: str) -> str:
    """How entries of the bundle refer to each other (``urn:uuid:``, as FHIR advises)."""
    return f"urn:uuid:{resource_id}"


def instant(epoch: float) -> str:
    """An epoch time as a FHIR instant in UTC.

    >>> instant(1_763_200_000.0)
    '2025-11-15T09:46:40Z'
    """
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_day(day: str, tz: str) -> dict[str, str]:
    """A FHIR Period covering the home's local calendar day ``day`` (DST-aware).

    >>> local_day("2025-03-30", "Europe/London")
    {'start': '2025-03-30T00:00:00+00:00', 'end': '2025-03-31T00:00:00+01:00'}
    """
    zone = ZoneInfo(tz)
    first = date.fromisoformat(day)
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(first + timedelta(days=1), time(), zone)
    return {"start": start.isoformat(), "end": end.isoformat()}
