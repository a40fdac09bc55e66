"""Partition checkpoints in a replicated KV bucket, written only by the partition's owner.

Each write names the revision the writer read or last wrote (compare-and-set), so a
worker that lost its lease without noticing (paused, partitioned away) cannot overwrite
its successor's checkpoint: its write fails with :class:`Fenced` and it lets go.
"""

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from detectors import EngineConfig
from ingest.cluster.partition import Partition


class Fenced(Exception):
    """Another worker wrote this partition's checkpoint: this one no longer owns it."""


class Checkpoints:
    """Load and save partitions' checkpoints."""

    def __init__(
        self, bucket: KeyValue, config: EngineConfig | None = None, tick_every: float = 60.0
    ) -> None:
        self.bucket = bucket
        self.config = config
        self.tick_every = tick_every

    async def load(self, partition: int) -> tuple[Partition, int]:
        """The partition as last saved (or new) and the revision to save over (0: none)."""
        try:
            entry = await self.bucket.get(f"p{partition}")
        except KeyNotFoundError:
            return Partition(partition, self.config, self.tick_every), 0
        if entry.value is None or entry.revision is None:
            return Partition(partition, self.config, self.tick_every), entry.revision or 0
        return Partition.from_bytes(entry.value, self.tick_every), entry.revision

    async def save(self, part: Partition, revision: int) -> int:
        """Save over ``revision``; the new revision. Raises :class:`Fenced` if it moved."""
        try:
            return await self.bucket.update(f"p{part.number}", part.to_bytes(), last=revision)
        except KeyWrongLastSequenceError:
            raise Fenced(f"partition {part.number}: checkpoint written by another worker") from None
