"""A real 3-node nats-server cluster (JetStream + MQTT) on free loopback ports.

Each node can be killed (SIGKILL) and started again on its ports with its data, like
``tests.servers.Server``; the mapping that partitions homes comes from the code under
test (``ingest.cluster.topology.node_config``), so the tests check the shipped config.
"""

from __future__ import annotations

from pathlib import Path

from ingest.cluster.topology import node_config
from tests.servers import Server, free_ports, require_binary

NODES = 3


class NatsNode(Server):
    """One node; ``port`` is its NATS client port, ``mqtt_port`` its MQTT listener."""

    def __init__(self, command: list[str], port: int, mqtt_port: int, log: Path) -> None:
        super().__init__(command, port, log)
        self.mqtt_port = mqtt_port

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def mqtt_url(self) -> str:
        return f"mqtt://127.0.0.1:{self.mqtt_port}"


class NatsCluster:
    """Three nodes with JetStream, MQTT and the partition mapping; stopped by :meth:`stop`."""

    def __init__(self, workdir: Path, partitions: int) -> None:
        binary = require_binary("nats-server", "nats-server")
        self.partitions = partitions
        free = iter(free_ports(3 * NODES))  # client, cluster and MQTT port of each node
        ports = [(next(free), next(free), next(free)) for _ in range(NODES)]
        self.nodes: list[NatsNode] = []
        for index, (client, cluster, mqtt) in enumerate(ports):
            name = f"n{index + 1}"
            node_dir = workdir / name
            node_dir.mkdir(parents=True, exist_ok=True)
            routes = [f"127.0.0.1:{other[1]}" for other in ports if other[1] != cluster]
            config = node_dir / "nats.conf"
            config.write_text(
                node_config(
                    name,
                    host="127.0.0.1",
                    client_port=client,
                    cluster_port=cluster,
                    mqtt_port=mqtt,
                    routes=routes,
                    store_dir=str(node_dir / "jetstream"),
                    partitions=partitions,
                )
            )
            command = [binary, "-c", str(config)]
            self.nodes.append(NatsNode(command, client, mqtt, node_dir / "nats.log"))

    def start(self) -> None:
        for node in self.nodes:
            node.start()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    @property
    def urls(self) -> list[str]:
        """Every node's client URL (a client given all of them fails over)."""
        return [node.url for node in self.nodes]
