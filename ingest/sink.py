"""Where decoded readings go as soon as they are accepted: the detectors plug in here.

Ingest calls a sink from one thread only (its detector thread, :mod:`ingest.detecting`),
so a sink needs no locks. It hears each message's readings as the message is decoded,
not once its batch is stored (alerts must not wait for storage batching), so a sink
that keeps state across restarts must only persist what the store already holds: see
:class:`Checkpointed`. Whatever a sink returns is published by ingest at QoS 1 on the
home's ``alerts`` or ``summaries`` topic.
"""

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from carewatch.protocol import Alert, AlertKind, DailySummary, GatewayStatus, Kind
from carewatch.records import ReadingRecord

Output = Alert | DailySummary


class Sink(Protocol):
    """What ingest hands readings, statuses and the passing of time to."""

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        """Readings just accepted (decoded, valid, in a batch for the store), in arrival order."""

    def status(self, home: str, status: GatewayStatus, received_at: float) -> Sequence[Output]:
        """A gateway's status message (retained: also sent on every (re)connect)."""

    def tick(self, now: float) -> Sequence[Output]:
        """Called every ``tick_interval_s`` of the injected clock."""


@runtime_checkable
class Checkpointed(Protocol):
    """A sink whose learning is saved now and then; ingest decides when it may be written.

    The sink runs ahead of the store, so ingest takes a snapshot when it is due and
    writes it only once every reading the sink had heard by then is stored: a restart
    then resumes from a state that the store (and the broker's redelivery) agree with.
    """

    def due_snapshot(self, now: float) -> bytes | None:
        """The sink's state if a checkpoint is due at ``now``, else ``None``."""

    def snapshot(self) -> bytes | None:
        """The sink's state now (``None``: it keeps no checkpoint)."""

    def write_snapshot(self, data: bytes) -> None:
        """Persist a snapshot taken earlier (atomically)."""


@runtime_checkable
class ConsentAware(Protocol):
    """A sink told which kinds ingest stops collecting in a home (consent withheld)."""

    def withhold(self, home: str, kinds: frozenset[Kind]) -> None:
        """From now on no reading of ``kinds`` reaches the sink from ``home``."""


@runtime_checkable
class Tunable(Protocol):
    """A sink told how much stricter carers' feedback made a home's detectors (D122)."""

    def tune(self, home: str, steps: Mapping[AlertKind, int]) -> None:
        """From now on ``home``'s detectors are ``steps`` stricter per alert kind."""


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
