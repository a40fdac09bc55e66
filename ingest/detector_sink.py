"""The detectors engine as ingest's sink: stored readings in, alerts and summaries out.

The engine's learning is checkpointed to a file now and then (and on close), so a
restart does not forget a month of baselines. Ingest writes a snapshot only once the
readings it reflects are stored (:class:`ingest.sink.Checkpointed`). Readings
acknowledged after the last checkpoint are lost to the engine's memory on a crash (not
to the store): at most ``checkpoint_every_s`` of learning, which the baselines absorb.
"""

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from carewatch.protocol import AlertKind, GatewayStatus, Kind
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.watermark import LIVE_STACK
from ingest.sink import Output

log = logging.getLogger(__name__)


class DetectorSink:
    """Feed every stored reading, status and tick to a :class:`detectors.Engine`.

    ``event_time`` ticks the engine on its event-time watermark instead of the wall
    clock: for replays and accelerated demos, whose readings are not "now". The share
    for a live stack, the slowest home (detectors/watermark.py, decision D89): transport
    delays multiplied by the acceleration would make any faster "now" look like silence
    in the homes whose batches are still in flight; a home that stops altogether is
    still reported through its gateway's will.

    Examples
    --------
    >>> sink = DetectorSink(Engine())
    >>> sink.readings([ReadingRecord("h-1", "hr-1", "heart_rate", 1_767_571_200.0, 70.0)])
    []
    """

    def __init__(
        self,
        engine: Engine,
        *,
        checkpoint_path: Path | None = None,
        checkpoint_every_s: float = 300.0,
        event_time: bool = False,
    ) -> None:
        self.engine = engine
        self.checkpoint_path = checkpoint_path
        self.checkpoint_every_s = checkpoint_every_s
        self.event_time = event_time
        self._last_checkpoint: float | None = None

    @classmethod
    def resume(
        cls, checkpoint_path: Path, config: EngineConfig | None = None, **options: object
    ) -> "DetectorSink":
        """A sink whose engine continues from ``checkpoint_path`` when it exists."""
        if checkpoint_path.exists():
            engine = Engine.from_bytes(checkpoint_path.read_bytes())
            log.info("detectors resumed %d homes from %s", len(engine.homes()), checkpoint_path)
        else:
            engine = Engine(config)
        return cls(engine, checkpoint_path=checkpoint_path, **options)  # type: ignore[arg-type]

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        out: list[Output] = []
        for record in records:
            out.extend(self.engine.process(record))
        return out

    def status(self, home: str, status: GatewayStatus, received_at: float) -> Sequence[Output]:
        return self.engine.status(home, status, received_at)

    def withhold(self, home: str, kinds: frozenset[Kind]) -> None:
        self.engine.withhold(home, kinds)

    def tune(self, home: str, steps: Mapping[AlertKind, int]) -> None:
        self.engine.tune(home, steps)

    def tick(self, now: float) -> Sequence[Output]:
        watermark = self.engine.watermark(LIVE_STACK) if self.event_time else now
        return self.engine.tick(watermark) if watermark else []

    def due_snapshot(self, now: float) -> bytes | None:
        """The engine's state every ``checkpoint_every_s`` of ``now`` (first call: none)."""
        if self._last_checkpoint is None:
            self._last_checkpoint = now
        elif now - self._last_checkpoint >= self.checkpoint_every_s:
            self._last_checkpoint = now
            return self.snapshot()
        return None

    def snapshot(self) -> bytes | None:
        """The engine's state now, if this sink keeps a checkpoint."""
        return None if self.checkpoint_path is None else self.engine.to_bytes()

    def write_snapshot(self, data: bytes) -> None:
        """Write ``data`` atomically (a crash mid-write keeps the previous checkpoint)."""
        if self.checkpoint_path is None:
            return
        self.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.checkpoint_path.with_suffix(".partial")
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(self.checkpoint_path)

    def save(self) -> None:
        """Write the checkpoint of the engine as it is now."""
        data = self.snapshot()
        if data is not None:
            self.write_snapshot(data)
