"""``carewatch cluster``: a detector worker on a NATS cluster, and the nodes' configuration."""

import asyncio
import logging
import signal
from typing import Annotated

import typer

from carewatch.mqtt import BrokerAddress
from carewatch.settings import load_settings
from ingest.cluster.settings import ClusterSettings
from ingest.cluster.topology import node_config

app = typer.Typer(
    help="Detectors partitioned by home on a NATS JetStream cluster (docs/deployment.md).",
    no_args_is_help=True,
)


@app.command()
def work() -> None:
    """Run a detector worker until SIGINT or SIGTERM (then checkpoint and hand over).

    Configured by CAREWATCH_CLUSTER_* environment variables (NATS_URLS,
    ALERTS_BROKER_URL and PARTITIONS at least).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings(ClusterSettings)
    asyncio.run(_work(settings))


async def _work(settings: ClusterSettings) -> None:
    import nats  # the client only where the cluster is used

    from ingest.cluster.checkpoints import Checkpoints
    from ingest.cluster.layout import ensure_layout
    from ingest.cluster.outputs import Outputs
    from ingest.cluster.ownership import Leases
    from ingest.cluster.worker import Worker

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    nc = await nats.connect(settings.servers(), max_reconnect_attempts=-1, name=settings.worker_id)
    js = nc.jetstream()
    leases_bucket, checkpoints_bucket = await ensure_layout(js, settings.lease_ttl_s)
    outputs = Outputs(BrokerAddress.parse(settings.alerts_broker_url), settings.worker_id)
    worker = Worker(
        settings,
        js,
        Leases(leases_bucket, settings.worker_id),
        Checkpoints(checkpoints_bucket, tick_every=settings.tick_every_s),
        outputs,
    )
    typer.echo(f"cluster worker {settings.worker_id}: {settings.partitions} partitions", err=True)
    try:
        await worker.run(stop)
    finally:
        outputs.close()
        await nc.close()


@app.command("node-config")
def node_config_command(
    name: Annotated[str, typer.Option(help="This node's server name, e.g. n1.")],
    routes: Annotated[str, typer.Option(help="Other nodes' host:cluster-port, comma-separated.")],
    store_dir: Annotated[str, typer.Option(help="JetStream's directory on this node.")],
    partitions: Annotated[int, typer.Option(min=1, max=1024)] = 8,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "0.0.0.0",  # noqa: S104
    client_port: int = 4222,
    cluster_port: int = 6222,
    mqtt_port: int = 1883,
) -> None:
    """Print a nats-server configuration for one node (JetStream, MQTT, routes, mapping)."""
    typer.echo(
        node_config(
            name,
            host=host,
            client_port=client_port,
            cluster_port=cluster_port,
            mqtt_port=mqtt_port,
            routes=[route.strip() for route in routes.split(",") if route.strip()],
            store_dir=store_dir,
            partitions=partitions,
        ),
        nl=False,
    )
