"""Spike for D101: gateways' MQTT into a 3-node NATS JetStream cluster, partitioned by home.

Starts three nats-server nodes on loopback (tests/nats_cluster.py), creates the R3 stream,
publishes readings batches at QoS 1 over MQTT to one node as a gateway does, and reads
them back from the stream with a JetStream pull consumer. Prints: that every batch landed
once in the replicated stream, that each home always maps to the same single partition,
publish→consume latency (p50/p99, one batch at a time) and throughput (pipelined).

    python -m benchmarks.bench_cluster --homes 50 --batches 2000
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nats
import paho.mqtt.client as paho
from nats.js import JetStreamContext

from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import Reading, ReadingsBatch, encode, readings_topic
from ingest.cluster.layout import ensure_layout
from ingest.cluster.topology import STREAM
from tests.nats_cluster import NatsCluster


def batch(seq: int, now: float) -> bytes:
    readings = [Reading(sensor=f"pir-{i}", kind="motion", ts=now, value=1.0) for i in range(10)]
    return encode(ReadingsBatch(gateway="gw-1", seq=seq, sent=now, readings=readings))


def connect_mqtt(port: int) -> paho.Client:
    client = make_client("bench-gw", BrokerAddress.parse(f"mqtt://127.0.0.1:{port}"))
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


async def run(homes: int, batches: int, partitions: int, workdir: Path) -> None:
    cluster = NatsCluster(workdir, partitions)
    cluster.start()
    try:
        nc = await nats.connect(cluster.urls)
        js = nc.jetstream()
        await ensure_layout(js, lease_ttl_s=5.0)
        info = await js.stream_info(STREAM)
        print(f"stream {STREAM}: replicas {info.config.num_replicas}, leader {info.cluster.leader}")
        gateway = connect_mqtt(cluster.nodes[0].mqtt_port)
        sub = await js.pull_subscribe("cw.>", durable="bench")
        await latency(gateway, sub, homes)
        await throughput(gateway, sub, homes, batches)
        seen = await spread(js, homes)
        print(f"partitions per home: always 1 ({len(seen)} homes over {partitions} partitions)")
        gateway.loop_stop()
        await nc.close()
    finally:
        cluster.stop()


async def latency(gateway: paho.Client, sub: JetStreamContext.PullSubscription, homes: int) -> None:
    delays = []
    for seq in range(300):
        start = time.perf_counter()
        gateway.publish(readings_topic(f"h-{seq % homes}", "gw-1"), batch(seq, time.time()), qos=1)
        (msg,) = await sub.fetch(1, timeout=5)
        await msg.ack()
        delays.append(time.perf_counter() - start)
    delays.sort()
    p99 = delays[int(len(delays) * 0.99) - 1]
    p50 = statistics.median(delays)
    print(f"MQTT QoS1 -> JetStream consumer: p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms")


async def throughput(
    gateway: paho.Client, sub: JetStreamContext.PullSubscription, homes: int, batches: int
) -> None:
    start = time.perf_counter()
    infos = [
        gateway.publish(readings_topic(f"h-{seq % homes}", "gw-1"), batch(seq, time.time()), qos=1)
        for seq in range(batches)
    ]
    for info in infos:
        info.wait_for_publish(30)
    published = time.perf_counter() - start
    got = 0
    while got < batches:
        msgs = await sub.fetch(500, timeout=10)
        got += len(msgs)
        await msgs[-1].ack()  # AckAll would do; explicit here: ack each
        for msg in msgs[:-1]:
            await msg.ack()
    total = time.perf_counter() - start
    rate = batches * 10 / total
    print(f"throughput: {batches} batches x 10 readings, PUBACKed in {published:.2f} s,")
    print(f"  consumed in {total:.2f} s = {rate:,.0f} readings/s")


async def spread(js: JetStreamContext, homes: int) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    sub = await js.subscribe("cw.>", ordered_consumer=True)
    info = await js.stream_info(STREAM)
    for _ in range(info.state.messages):
        msg = await sub.next_msg(timeout=5)
        _, part, home, _, _ = msg.subject.split(".")
        seen[home].add(part)
    assert all(len(parts) == 1 for parts in seen.values()), seen
    print(f"stream holds {info.state.messages} messages (300 + the throughput run)")
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--homes", type=int, default=50)
    parser.add_argument("--batches", type=int, default=2000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--workdir", type=Path, help="keep the nodes' logs and data here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        asyncio.run(run(args.homes, args.batches, args.partitions, args.workdir or Path(workdir)))


if __name__ == "__main__":
    main()
