"""Create (idempotently) the replicated stream and the two KV buckets a cluster needs.

JetStream answers only once the nodes have elected a meta leader, which takes a few
seconds after a cluster starts or loses a node, so creation is retried for a while.
"""

from nats.errors import NoRespondersError, TimeoutError
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType, StreamConfig
from nats.js.errors import ServiceUnavailableError
from nats.js.kv import KeyValue
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed

from ingest.cluster.topology import CHECKPOINTS, LEASES, MAX_PAYLOAD, STREAM, stream_subjects

REPLICAS = 3  # an acknowledged message survives one node's death
_NOT_READY = (TimeoutError, NoRespondersError, ServiceUnavailableError)

_retrying = retry(
    retry=retry_if_exception_type(_NOT_READY),
    stop=stop_after_delay(60),
    wait=wait_fixed(0.5),
    reraise=True,
)


@_retrying
async def ensure_layout(js: JetStreamContext, lease_ttl_s: float) -> tuple[KeyValue, KeyValue]:
    """The stream and the lease and checkpoint buckets; returns the two buckets."""
    await js.add_stream(
        StreamConfig(
            name=STREAM,
            subjects=stream_subjects(),
            num_replicas=REPLICAS,
            storage=StorageType.FILE,
        )
    )
    leases = await js.create_key_value(
        KeyValueConfig(bucket=LEASES, ttl=lease_ttl_s, replicas=REPLICAS, history=1)
    )
    checkpoints = await js.create_key_value(
        KeyValueConfig(bucket=CHECKPOINTS, replicas=REPLICAS, history=1, max_value_size=MAX_PAYLOAD)
    )
    return leases, checkpoints
