"""Names on the cluster, and the nats-server configuration that makes them (D101).

A gateway's MQTT topic ``carewatch/v1/<home>/<gateway>/<channel>`` reaches NATS as the
subject ``carewatch.v1.<home>.<gateway>.<channel>``; the account mapping rewrites readings
and statuses to ``cw.<partition>.<home>.<gateway>.<channel>``, the partition a hash of
the home (``partition(n, token)``), so one home's messages share one subject tree and keep
their order in the stream. Alerts stay on ``carewatch/v1/<home>/alerts`` for the API.
"""

from typing import Final

STREAM: Final = "CAREWATCH_HOMES"
LEASES: Final = "carewatch-leases"  # KV bucket: who owns each partition, with a TTL
CHECKPOINTS: Final = "carewatch-checkpoints"  # KV bucket: each partition's checkpoint
CHANNELS: Final = ("readings", "status")
MAX_PAYLOAD: Final = 8 * 1024 * 1024  # a partition's checkpoint is one KV value


def partition_subject(partition: int) -> str:
    """All of one partition's messages.

    >>> partition_subject(3)
    'cw.3.>'
    """
    return f"cw.{partition}.>"


def stream_subjects() -> list[str]:
    """What the stream keeps: every partition (each consumer filters one, ``cw.<n>.>``)."""
    return ["cw.>"]


def mappings(partitions: int) -> dict[str, str]:
    """The account's subject mapping: the home (token 3) picks the partition.

    >>> mappings(4)["carewatch.v1.*.*.readings"]
    'cw.{{partition(4,1)}}.{{wildcard(1)}}.{{wildcard(2)}}.readings'
    """
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    target = "cw.{{{{partition({n},1)}}}}.{{{{wildcard(1)}}}}.{{{{wildcard(2)}}}}.{channel}"
    return {
        f"carewatch.v1.*.*.{channel}": target.format(n=partitions, channel=channel)
        for channel in CHANNELS
    }


def node_config(
    name: str,
    *,
    host: str,
    client_port: int,
    cluster_port: int,
    mqtt_port: int,
    routes: list[str],
    store_dir: str,
    partitions: int,
) -> str:
    """A nats-server configuration for one node: JetStream, MQTT listener, routes, mapping.

    ``routes`` are the other nodes' ``host:cluster_port``. Every node needs the same
    ``partitions``: a message is mapped by the node that receives it.
    """
    route_urls = ", ".join(f'"nats-route://{route}"' for route in routes)
    mapping = "\n".join(f'  "{src}": "{dst}"' for src, dst in mappings(partitions).items())
    return (
        f"server_name: {name}\n"
        f"listen: {host}:{client_port}\n"
        f"max_payload: {MAX_PAYLOAD}\n"
        f'jetstream {{\n  store_dir: "{store_dir}"\n}}\n'
        f"cluster {{\n  name: carewatch\n  listen: {host}:{cluster_port}\n"
        f"  routes: [{route_urls}]\n}}\n"
        f"mqtt {{\n  listen: {host}:{mqtt_port}\n}}\n"
        f"mappings {{\n{mapping}\n}}\n"
    )
