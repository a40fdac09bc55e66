"""A home's policy: which streams ingest must not collect (decision D107), and how much
stricter carers' feedback made its detectors (decision D122).

The API publishes one per home, retained, on ``carewatch/v1/<home>/policy``; ingest
subscribes and drops the withheld streams' readings before the store and the detectors.
``version`` only grows (the API's clock in milliseconds when it was issued), so ingest
keeps the newest it has seen, from the broker or from its own file after a restart.
"""

from typing import Annotated

import msgspec

from carewatch.protocol.kinds import AlertKind, Kind
from carewatch.protocol.messages import Id, Timestamp
from carewatch.tuning import MAX_STEPS

Version = Annotated[int, msgspec.Meta(ge=0)]
Steps = Annotated[int, msgspec.Meta(ge=0, le=MAX_STEPS)]


class ConsentPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Which of a home's streams may be collected at all, and its detectors' tuning.

    Fields at their defaults are left out, so a policy with no tuning reads as before.

    Examples
    --------
    >>> from carewatch.protocol.codec import encode
    >>> encode(ConsentPolicy("h-1", 1_767_571_200_000, 1_767_571_200.0, [Kind.HEART_RATE]))
    b'{"home":"h-1","version":1767571200000,"issued_at":1767571200.0,"withheld":["heart_rate"]}'
    """

    home: Id
    version: Version
    issued_at: Timestamp
    withheld: list[Kind] = []
    """Kinds no resident of the home agreed to be collected: dropped at ingest."""
    stricter: dict[AlertKind, Steps] = {}
    """Steps stricter per alert kind, from carers' feedback (carewatch/tuning.py)."""
