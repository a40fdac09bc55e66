"""Two detector workers on a real 3-node cluster: a worker killed (-9) mid-stream.

Acceptance of issue 16 part "past one machine": every reading taken exactly once by the
state that survives, per-home order kept (no gateway message late or repeated), every
alert of an uninterrupted single pass over the same stream arrives, none other; a third
worker gets partitions.

``CW_KILL_NODE=1`` also kills a nats-server node mid-stream. That does NOT pass yet: with
nats-server 2.9.10 the surviving nodes refuse MQTT sessions ("JetStream system temporarily
unavailable") for minutes, so the gateways' and the worker's QoS 1 publishes stall; kept
as the reproduction, off by default until it passes (issue 16).
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import msgspec
import nats
import paho.mqtt.client as paho
import pytest
from nats.js.errors import KeyNotFoundError, NoKeysError

from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import (
    ALERTS_SUBSCRIPTION,
    Alert,
    Reading,
    ReadingsBatch,
    encode,
    readings_topic,
)
from ingest.cluster.layout import ensure_layout
from ingest.cluster.partition import Partition
from ingest.cluster.topology import CHECKPOINTS, LEASES, STREAM
from simulators.cohort import simulate_cohort
from simulators.profiles import make_cohort
from tests.ingest.cluster.conftest import PARTITIONS
from tests.nats_cluster import NatsCluster

pytestmark = pytest.mark.e2e
BATCH = 400
LEASE_TTL_S = 2.0
KILL_NODE = os.environ.get("CW_KILL_NODE") == "1"


def batches(homes: int, days: int, seed: int) -> Iterator[tuple[str, bytes, int]]:
    """(topic, payload, readings) per gateway message, each home's readings in order."""
    cohort = simulate_cohort(
        make_cohort(homes, seed=seed),
        days=days,
        seed=seed,
        scenarios=["dehydration", "night_wandering", "inactivity"],
    )
    gateway = {profile.home: profile.gateway for profile in cohort.profiles}
    pending: dict[str, list[Reading]] = defaultdict(list)
    seqs: Counter[str] = Counter()

    def flush(home: str) -> tuple[str, bytes, int]:
        readings = pending.pop(home)
        batch = ReadingsBatch(gateway[home], seqs[home], readings[-1].ts, readings)
        seqs[home] += 1
        return readings_topic(home, gateway[home]), encode(batch), len(readings)

    for r in cohort.readings():
        pending[r.home].append(Reading(r.sensor, r.kind, r.ts, r.value, r.resident))
        if len(pending[r.home]) >= BATCH:
            yield flush(r.home)
    for home in list(pending):
        yield flush(home)


def worker(cluster: NatsCluster, name: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CAREWATCH_CLUSTER_NATS_URLS": ",".join(cluster.urls),
        "CAREWATCH_CLUSTER_ALERTS_BROKER_URL": cluster.nodes[2].mqtt_url,
        "CAREWATCH_CLUSTER_PARTITIONS": str(PARTITIONS),
        "CAREWATCH_CLUSTER_WORKER_ID": name,
        "CAREWATCH_CLUSTER_LEASE_TTL_S": str(LEASE_TTL_S),
        "CAREWATCH_CLUSTER_CHECKPOINT_EVERY": "20",
    }
    command = [sys.executable, "-m", "carewatch", "cluster", "work"]
    return subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def mqtt(port: int, client_id: str) -> paho.Client:
    client = make_client(client_id, BrokerAddress.parse(f"mqtt://127.0.0.1:{port}"))
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


async def layout(cluster: NatsCluster) -> None:
    nc = await nats.connect(cluster.urls)
    await ensure_layout(nc.jetstream(), LEASE_TTL_S)
    await nc.close()


async def lease_holders(urls: list[str]) -> dict[str, str]:
    """Partition lease key -> worker holding it."""
    nc = await nats.connect(urls)
    leases = await nc.jetstream().key_value(LEASES)
    holders = {}
    try:
        keys = await leases.keys()
    except NoKeysError:
        keys = []
    for key in keys:
        if key.startswith("p"):
            try:
                value = (await leases.get(key)).value
            except KeyNotFoundError:  # released between the listing and the read
                continue
            holders[key] = value.decode() if value else ""
    await nc.close()
    return holders


async def read_state(urls: list[str]) -> tuple[dict[int, Partition], list[Alert]]:
    """The saved partitions, and the alerts of one uninterrupted pass over the stream."""
    nc = await nats.connect(urls)
    js = nc.jetstream()
    saved = {}
    checkpoints = await js.key_value(CHECKPOINTS)
    for number in range(PARTITIONS):
        entry = await checkpoints.get(f"p{number}")
        assert entry.value is not None
        saved[number] = Partition.from_bytes(entry.value)
    fresh = {number: Partition(number) for number in range(PARTITIONS)}
    expected: list[Alert] = []
    sub = await js.subscribe("cw.>", ordered_consumer=True)
    total = (await js.stream_info(STREAM)).state.messages
    for _ in range(total):
        msg = await sub.next_msg(timeout=10)
        part = fresh[int(msg.subject.split(".")[1])]
        meta = msg.metadata
        for out in part.take(
            msg.subject, msg.data, meta.sequence.stream, meta.timestamp.timestamp()
        ):
            if isinstance(out, Alert):
                expected.append(out)
    await nc.close()
    return saved, expected


def identity(alert: Alert) -> tuple[str, str, float, str | None]:
    return alert.home, alert.kind, alert.start, alert.resident  # the API's unique key


def wait_until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_worker_killed_mid_stream(nats_cluster: NatsCluster, tmp_path: Path) -> None:
    asyncio.run(layout(nats_cluster))
    received: list[Alert] = []
    api = mqtt(nats_cluster.nodes[2].mqtt_port, "test-api")
    api.on_message = lambda _c, _u, m: received.append(msgspec.json.decode(m.payload, type=Alert))
    api.subscribe(ALERTS_SUBSCRIPTION, qos=1)
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        started.append(worker(nats_cluster, name, tmp_path / f"{name}.log"))
        return started[-1]

    try:
        w1, w2 = start("w1"), start("w2")
        wait_until(
            lambda: len(asyncio.run(lease_holders(nats_cluster.urls))) == PARTITIONS,
            60,
            "every partition owned",
        )
        stream_with_kills(nats_cluster, w1, w2)
        check_state_and_alerts(nats_cluster, received)
        start("w3")
        start("w4")
        wait_until(lambda: new_workers_hold_partitions(nats_cluster), 30, "rebalance")
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        api.loop_stop()


def stream_with_kills(
    cluster: NatsCluster, w1: subprocess.Popen[bytes], w2: subprocess.Popen[bytes]
) -> None:
    gateway = mqtt(cluster.nodes[0].mqtt_port, "test-gateways")
    messages = list(batches(homes=6, days=21, seed=11))
    infos = []
    for index, (topic, payload, _) in enumerate(messages):
        if index == len(messages) // 3:
            w1.kill()  # kill -9: its partitions go to w2 when its leases expire
        if index == len(messages) // 2 and KILL_NODE:
            cluster.nodes[1].kill()  # a node holding replicas, maybe leaders
        infos.append(gateway.publish(topic, payload, qos=1))
        time.sleep(0.005)  # a stream, not one burst: the kills land mid-stream
    for info in infos:
        info.wait_for_publish(30)
    gateway.loop_stop()
    if KILL_NODE:
        cluster.nodes[1].start()
    time.sleep(3 * LEASE_TTL_S)  # w2 has taken w1's partitions and caught up
    w2.send_signal(signal.SIGTERM)  # checkpoints and releases every partition
    assert w2.wait(60) == 0


def check_state_and_alerts(cluster: NatsCluster, received: list[Alert]) -> None:
    published: Counter[str] = Counter()
    for topic, _, count in batches(homes=6, days=21, seed=11):
        published[topic.split("/")[2]] += count
    saved, expected = asyncio.run(read_state(cluster.urls))
    taken: Counter[str] = Counter()
    for part in saved.values():
        taken.update(part.tally.readings)
        # a "duplicate" is a gateway message the broker stored twice (MQTT QoS 1 is at
        # least once): allowed, and dropped, which ``taken == published`` checks
        assert part.tally.verdicts.get("late", 0) == 0  # each home's order kept
    assert taken == published  # every reading taken exactly once by the surviving state
    assert expected, "the scenarios raised no alert: the test would prove nothing"
    want = {identity(a) for a in expected}
    wait_until(lambda: {identity(a) for a in received} >= want, 30, "every alert at the API")
    assert {identity(a) for a in received} == want
    repeats = len(received) - len(want)
    print(f"alerts: {len(want)} expected, {len(received)} received ({repeats} repeats)")


def new_workers_hold_partitions(cluster: NatsCluster) -> bool:
    holders = asyncio.run(lease_holders(cluster.urls))
    owners = Counter(holders.values())
    return owners["w3"] >= 1 and owners["w4"] >= 1
