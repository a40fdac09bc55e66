"""One partition's detector state: the engine, where it is in the stream, what it has seen.

Pure, no I/O: a worker feeds it the partition's messages in stream order and saves
:meth:`Partition.to_bytes` now and then. The state is a function of the stream prefix it
has taken, ticks included (they follow the messages' event time, never the wall clock), so
a new owner that restores a checkpoint and replays the stream after its sequence raises
exactly the alerts the old owner would have, with the same identity (home, kind, start,
resident): those published twice across a crash are dropped by the API as repeats.
"""

import msgspec

from carewatch.errors import BadData
from carewatch.protocol import (
    Alert,
    DailySummary,
    GatewayStatus,
    ReadingsBatch,
    decode,
    decode_readings,
)
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.watermark import LIVE_STACK
from ingest.sequences import GatewayKey, SequenceState, SequenceTracker, Verdict

Output = Alert | DailySummary


class Tally(msgspec.Struct):
    """What the partition has taken, for audit and tests: readings per home, verdicts."""

    readings: dict[str, int] = {}
    verdicts: dict[str, int] = {}
    bad: int = 0


class Saved(msgspec.Struct, forbid_unknown_fields=True):
    """The checkpoint: the engine's own (v3 envelope) plus the stream position around it."""

    partition: int
    stream_seq: int
    next_tick: float
    engine: bytes
    gateways: list[tuple[str, str, int, list[tuple[int, int]]]]
    tally: Tally


class Partition:
    """The detectors of the homes of one partition, fed in stream order.

    Examples
    --------
    >>> part = Partition(0)
    >>> batch = b'{"gateway":"gw-1","seq":0,"sent":1767571200,"readings":[{"sensor":"bed",'
    >>> batch += b'"kind":"bed","ts":1767571200,"value":1}]}'
    >>> part.take("cw.0.h-1.gw-1.readings", batch, stream_seq=1, received_at=1767571200.0)
    []
    >>> restored = Partition.from_bytes(part.to_bytes())
    >>> restored.stream_seq, restored.tally.readings
    (1, {'h-1': 1})
    """

    def __init__(
        self, number: int, config: EngineConfig | None = None, tick_every: float = 60.0
    ) -> None:
        self.number = number
        self.engine = Engine(config)
        self.tick_every = tick_every
        self.stream_seq = 0  # the last message taken
        self.next_tick = 0.0
        self.sequences = SequenceTracker()
        self.gateways: set[GatewayKey] = set()  # the tracker's keys, to save its states
        self.tally = Tally()

    def take(self, subject: str, data: bytes, stream_seq: int, received_at: float) -> list[Output]:
        """Take message ``stream_seq`` of the partition; returns the alerts and summaries."""
        if stream_seq <= self.stream_seq:
            return []  # a redelivery of what the checkpoint already holds
        self.stream_seq = stream_seq
        _, _, home, gateway, channel = subject.split(".")
        try:
            if channel == "readings":
                batch = decode_readings(data, clock=lambda: received_at)
                if batch.gateway != gateway:
                    raise BadData(f"gateway {batch.gateway!r} published on {gateway!r}'s topic")
                return self._readings(home, batch)
            status = decode(data, GatewayStatus, clock=lambda: received_at)
            return list(self.engine.status(home, status, received_at))
        except BadData:
            self.tally.bad += 1  # ingest dead-letters it; detectors just skip it
            return []

    def _readings(self, home: str, batch: ReadingsBatch) -> list[Output]:
        key = (home, batch.gateway)
        self.gateways.add(key)
        verdict = self.sequences.observe(key, batch.seq).verdict
        self.tally.verdicts[verdict] = self.tally.verdicts.get(verdict, 0) + 1
        if verdict is Verdict.DUPLICATE:
            return []  # a gateway's re-send: its readings were taken the first time
        self.tally.readings[home] = self.tally.readings.get(home, 0) + len(batch.readings)
        out: list[Output] = []
        for reading in batch.readings:
            record = ReadingRecord(
                home, reading.sensor, reading.kind, reading.ts, reading.value, reading.resident
            )
            out.extend(self.engine.process(record))
            out.extend(self._tick())
        return out

    def _tick(self) -> list[Output]:
        """Tick on the event-time watermark as ``Engine.replay`` does, every ``tick_every``."""
        now = self.engine.now()
        if now < self.next_tick:
            return []
        mark = self.engine.watermark(LIVE_STACK)
        self.next_tick = max(mark, now) + self.tick_every
        return list(self.engine.tick(mark))

    def to_bytes(self) -> bytes:
        """The checkpoint (msgpack; the engine inside in its own versioned envelope)."""
        gateways = []
        for home, gateway in sorted(self.gateways):
            state = self.sequences.state((home, gateway))
            if state is not None:
                gateways.append((home, gateway, state.high, list(state.missing)))
        engine = self.engine.to_bytes()
        saved = Saved(self.number, self.stream_seq, self.next_tick, engine, gateways, self.tally)
        return msgspec.msgpack.encode(saved)

    @classmethod
    def from_bytes(cls, data: bytes, tick_every: float = 60.0) -> "Partition":
        """Restore a partition from :meth:`to_bytes` (a checkpoint the cluster wrote)."""
        saved = msgspec.msgpack.decode(data, type=Saved)
        part = cls(saved.partition, tick_every=tick_every)
        part.engine = Engine.from_bytes(saved.engine)
        part.stream_seq, part.next_tick, part.tally = saved.stream_seq, saved.next_tick, saved.tally
        states = {
            (home, gateway): SequenceState(high, tuple((low, up) for low, up in missing))
            for home, gateway, high, missing in saved.gateways
        }
        part.sequences = SequenceTracker(states)
        part.gateways = set(states)
        return part
