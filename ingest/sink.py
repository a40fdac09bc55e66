"""Where decoded readings go after they are stored: the detectors plug in here.

Ingest calls a sink from one thread only (its writer), so a sink needs no locks.
Whatever a sink returns is published by ingest at QoS 1 on the home's
``alerts`` or ``summaries`` topic.
"""

from collections.abc import Sequence
from typing import Protocol

from carewatch.protocol import Alert, DailySummary, GatewayStatus
from carewatch.records import ReadingRecord

Output = Alert | DailySummary


class Sink(Protocol):
    """What ingest hands readings, statuses and the passing of time to."""

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        """Readings just written durably to the store, in arrival order."""

    def status(self, home: str, status: GatewayStatus, received_at: float) -> Sequence[Output]:
        """A gateway's status message (retained: also sent on every (re)connect)."""

    def tick(self, now: float) -> Sequence[Output]:
        """Called every ``tick_interval_s`` of the injected clock."""


class NullSink:
    """A sink that does nothing: ingest only stores.

    >>> NullSink().tick(0.0)
    ()
    """

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        return ()

    def status(self, home: str, status: GatewayStatus, received_at: float) -> Sequence[Output]:
        return ()

    def tick(self, now: float) -> Sequence[Output]:
        return ()
