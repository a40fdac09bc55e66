"""Who owns which partition: leases with a TTL in a replicated KV bucket (decision D102).

A lease is the key ``p<n>`` holding the owner's id. It is taken with ``create`` (fails if
held), renewed with ``update`` on the revision the owner last wrote (fails if anyone else
wrote since), and expires with the bucket's TTL when its owner stops renewing. Workers
also renew ``w.<id>``, so each can count the live workers and take its fair share.
"""

from contextlib import suppress

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError, NoKeysError
from nats.js.kv import KeyValue


def lease_key(partition: int) -> str:
    """The lease's key.

    >>> lease_key(7)
    'p7'
    """
    return f"p{partition}"


class Leases:
    """One worker's view of the lease bucket."""

    def __init__(self, bucket: KeyValue, worker_id: str) -> None:
        self.bucket = bucket
        self.worker_id = worker_id
        self._heartbeat: int | None = None

    async def acquire(self, partition: int) -> int | None:
        """Take a free partition; its lease revision, or ``None`` if someone holds it."""
        try:
            return await self.bucket.create(lease_key(partition), self.worker_id.encode())
        except KeyWrongLastSequenceError:
            return None

    async def renew(self, partition: int, revision: int) -> int | None:
        """Renew a lease held at ``revision``; ``None`` if it was lost meanwhile."""
        try:
            return await self.bucket.update(
                lease_key(partition), self.worker_id.encode(), last=revision
            )
        except KeyWrongLastSequenceError:
            return None

    async def release(self, partition: int, revision: int) -> None:
        """Give a partition up (after its checkpoint) so another worker takes it at once."""
        with suppress(KeyWrongLastSequenceError, KeyNotFoundError):  # already lost
            await self.bucket.delete(lease_key(partition), last=revision)

    async def heartbeat(self) -> None:
        """Say this worker is alive (its key expires with the bucket's TTL otherwise)."""
        self._heartbeat = await self.bucket.put(f"w.{self.worker_id}", b"")

    async def live_workers(self) -> list[str]:
        """The workers whose heartbeat has not expired, sorted."""
        try:
            keys = await self.bucket.keys()
        except NoKeysError:
            return []
        return sorted(key[2:] for key in keys if key.startswith("w."))
