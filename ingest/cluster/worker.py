"""A detector worker: takes its fair share of the partitions and runs their detectors.

Every ``lease_ttl_s / 3`` it renews its heartbeat and leases, counts the live workers and
takes free partitions up to ``ceil(partitions / workers)`` or gives up its extra ones (a
new worker thus gets partitions within a lease period). Each owned partition runs in its
own task: fetch after the checkpoint's sequence, take the messages in order, publish the
alerts (acknowledged), then checkpoint whenever alerts were raised or every
``checkpoint_every`` messages. A partition given up is checkpointed first.
"""

import asyncio
import logging
import math
from contextlib import suppress
from dataclasses import dataclass, field

from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.js import JetStreamContext

from carewatch.errors import RetryLater
from ingest.cluster.checkpoints import Checkpoints, Fenced
from ingest.cluster.consumer import PartitionReader
from ingest.cluster.outputs import Outputs
from ingest.cluster.ownership import Leases
from ingest.cluster.partition import Output, Partition
from ingest.cluster.settings import ClusterSettings

log = logging.getLogger(__name__)
RETRY_S = 1.0


@dataclass
class Owned:
    """A partition this worker holds: its lease revision, its task, and when to stop."""

    revision: int
    task: asyncio.Task[None] | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)


class Worker:
    """Runs until ``stop`` is set; then checkpoints and releases every partition."""

    def __init__(
        self,
        settings: ClusterSettings,
        js: JetStreamContext,
        leases: Leases,
        checkpoints: Checkpoints,
        outputs: Outputs,
    ) -> None:
        self.settings = settings
        self.js = js
        self.leases = leases
        self.checkpoints = checkpoints
        self.outputs = outputs
        self.owned: dict[int, Owned] = {}

    async def run(self, stop: asyncio.Event) -> None:
        period = self.settings.lease_ttl_s / 3
        try:
            while not stop.is_set():
                try:
                    await self.balance()
                except NatsError as error:  # a node lost: the client fails over
                    log.warning("lease round failed, retrying: %s", error)
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), period)
        finally:
            await self._give_up_all()

    async def _give_up_all(self) -> None:
        owned = list(self.owned.items())
        for _, held in owned:
            held.release.set()
        tasks = [held.task for _, held in owned if held.task is not None]
        if tasks:  # a cluster that is gone cannot take the last checkpoints: do not wait forever
            _, late = await asyncio.wait(tasks, timeout=2 * self.settings.lease_ttl_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for number, held in owned:
            with suppress(NatsError, TimeoutError):
                await asyncio.wait_for(self.leases.release(number, held.revision), RETRY_S)
        self.owned.clear()

    async def balance(self) -> None:
        """One round: heartbeat, renew, then take or give up partitions to a fair share."""
        await self.leases.heartbeat()
        for number, owned in list(self.owned.items()):
            revision = await self.leases.renew(number, owned.revision)
            if revision is None or (owned.task is not None and owned.task.done()):
                log.warning("partition %d lost or stopped: letting it go", number)
                self._drop(number)
            else:
                owned.revision = revision
        workers = max(1, len(await self.leases.live_workers()))
        share = math.ceil(self.settings.partitions / workers)
        for number in sorted(self.owned, reverse=True)[: max(0, len(self.owned) - share)]:
            await self._give_up(number)
        for number in self._candidates():
            if len(self.owned) >= share:
                break
            revision = await self.leases.acquire(number)
            if revision is not None:
                owned = self.owned[number] = Owned(revision)
                owned.task = asyncio.create_task(self._consume(number, owned))
                log.info("partition %d taken by %s", number, self.settings.worker_id)

    def _candidates(self) -> list[int]:
        """Free partitions to try, starting at a place that depends on the worker's name
        so that workers starting together do not all race for the same ones."""
        count = self.settings.partitions
        start = sum(self.settings.worker_id.encode()) % count
        order = [(start + step) % count for step in range(count)]
        return [number for number in order if number not in self.owned]

    def _drop(self, number: int) -> None:
        owned = self.owned.pop(number)
        if owned.task is not None:
            owned.task.cancel()

    async def _give_up(self, number: int) -> None:
        owned = self.owned[number]
        owned.release.set()  # the task checkpoints and returns
        if owned.task is not None:
            with suppress(Exception):
                await owned.task
        del self.owned[number]
        await self.leases.release(number, owned.revision)
        log.info("partition %d given up by %s", number, self.settings.worker_id)

    async def _consume(self, number: int, owned: Owned) -> None:
        part, revision = await self._load(number)
        reader = PartitionReader(self.js, number, self.settings.fetch_batch)
        since = 0
        try:
            while not owned.release.is_set():
                try:
                    messages = await reader.fetch(part.stream_seq)
                except NatsError as error:
                    log.warning("partition %d: fetch failed, again: %s", number, error)
                    await reader.close()
                    await asyncio.sleep(RETRY_S)
                    continue
                out = take(part, messages)
                await self._publish(out)
                since += len(messages)
                if out or since >= self.settings.checkpoint_every:
                    revision = await self._save(part, revision)
                    since = 0
            if since:
                await self._save(part, revision)
        except Fenced as error:
            log.warning("%s", error)
        except Exception:
            log.exception("partition %d: stopped", number)
            raise
        finally:
            await reader.close()

    async def _publish(self, out: list[Output]) -> None:
        while True:
            try:
                await self.outputs.publish(out)
                return
            except RetryLater as error:
                log.warning("alerts not acknowledged, publishing again: %s", error)
                await asyncio.sleep(RETRY_S)

    async def _load(self, number: int) -> tuple[Partition, int]:
        while True:
            try:
                return await self.checkpoints.load(number)
            except NatsError as error:
                log.warning("partition %d: checkpoint not read, again: %s", number, error)
                await asyncio.sleep(RETRY_S)

    async def _save(self, part: Partition, revision: int) -> int:
        while True:
            try:
                return await self.checkpoints.save(part, revision)
            except NatsError as error:
                log.warning("partition %d: checkpoint failed, again: %s", part.number, error)
                await asyncio.sleep(RETRY_S)


def take(part: Partition, messages: list[Msg]) -> list[Output]:
    """Feed fetched messages to the partition in order; the outputs they raised."""
    out: list[Output] = []
    for msg in messages:
        meta = msg.metadata
        out.extend(
            part.take(msg.subject, msg.data, meta.sequence.stream, meta.timestamp.timestamp())
        )
    return out
