"""Read one partition's messages from the stream, from a given sequence on.

The position belongs to the worker (it is in the partition's checkpoint), not to the
server: the consumer is ephemeral and made again from the last sequence taken whenever it
stops answering, e.g. because the node that held it died (decision D102).
"""

from contextlib import suppress

from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import TimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ingest.cluster.topology import STREAM, partition_subject

IDLE_FETCHES = 5  # empty fetches in a row before the consumer is made again
FETCH_TIMEOUT_S = 1.0
INACTIVE_S = 30.0  # the server deletes a consumer nobody reads this long


class PartitionReader:
    """Fetches a partition's messages in stream order, after ``after``."""

    def __init__(self, js: JetStreamContext, partition: int, batch: int) -> None:
        self.js = js
        self.partition = partition
        self.batch = batch
        self._sub: JetStreamContext.PullSubscription | None = None
        self._idle = 0

    async def fetch(self, after: int) -> list[Msg]:
        """The next messages after sequence ``after`` (empty when none came in a second)."""
        if self._sub is None:
            self._sub = await self._subscribe(after)
        try:
            messages = await self._sub.fetch(self.batch, timeout=FETCH_TIMEOUT_S)
        except TimeoutError:
            self._idle += 1
            if self._idle >= IDLE_FETCHES:
                await self.close()  # maybe on a dead node: made again next time
            return []
        self._idle = 0
        return messages

    async def _subscribe(self, after: int) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=after + 1,
            ack_policy=AckPolicy.NONE,
            inactive_threshold=INACTIVE_S,
            num_replicas=1,
        )
        return await self.js.pull_subscribe(
            partition_subject(self.partition), stream=STREAM, config=config
        )

    async def close(self) -> None:
        """Drop the consumer (the next fetch makes a new one)."""
        sub, self._sub, self._idle = self._sub, None, 0
        if sub is not None:
            with suppress(NatsError):  # its node may be gone; the consumer expires anyway
                await sub.unsubscribe()
