"""Ingest throughput against a bare paho drain and a minimal hand-written pipeline.

One run, one Mosquitto, the same payloads (50 readings per message, QoS 1) for
every consumer. The broker is pre-loaded: each consumer's persistent session is
created first, then every message is published once (the broker queues a copy
per session), then the consumers drain their queue one after the other, each
timed from connect to its last reading. Pre-loading measures the consumer alone,
not the publisher; with 2 shared cores a concurrent publisher would steal CPU
from the consumer being measured.

Run: ``.venv/bin/python benchmarks/bench_ingest.py [--messages 20000]``
Goals: ingest+SQLite >= 1.0x the minimal pipeline; ingest+InfluxDB >= 0.4x bare drain.
"""

import argparse
import multiprocessing
import os
import resource
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.servers

import msgspec
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from carewatch.protocol import (
    READINGS_SUBSCRIPTION,
    Kind,
    Reading,
    ReadingsBatch,
    encode,
    readings_topic,
)
from carewatch.settings import load_settings
from carewatch.store.factory import open_store
from ingest.service import IngestService
from ingest.settings import IngestSettings
from tests.servers import InfluxDB, Mosquitto

PER_MESSAGE = 50
GATEWAYS = 20  # 10 homes, 2 gateways each
KINDS = (Kind.HEART_RATE, Kind.MOTION, Kind.CHAIR, Kind.TAP)
VALUES = {Kind.HEART_RATE: 72.0, Kind.MOTION: 1.0, Kind.CHAIR: 1.0, Kind.TAP: 0.5}


def payloads(messages: int) -> list[tuple[str, bytes]]:
    """Distinct readings, realistic mixes of kinds and sensors."""
    start = time.time() - 30 * 86400
    out = []
    for index in range(messages):
        gateway = index % GATEWAYS
        seq = index // GATEWAYS
        readings = []
        for i in range(PER_MESSAGE):
            kind = KINDS[i % len(KINDS)]
            ts = start + seq * PER_MESSAGE + i + gateway / 100
            readings.append(Reading(f"s{gateway}-{i % 8}", kind, round(ts, 3), VALUES[kind]))
        batch = ReadingsBatch(f"gw-{gateway}", seq, start + seq * PER_MESSAGE + 60, readings)
        out.append((readings_topic(f"home-{gateway // 2}", f"gw-{gateway}"), encode(batch)))
    return out


def client(client_id: str) -> paho.Client:
    c = paho.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=False,
        protocol=paho.MQTTv311,
    )
    c.max_inflight_messages_set(1000)
    return c


def create_session(port: int, client_id: str, topic: str = READINGS_SUBSCRIPTION) -> None:
    """Subscribe once with a persistent session so the broker queues for us."""
    subscribed = threading.Event()
    c = client(client_id)
    c.on_subscribe = lambda *args: subscribed.set()
    c.on_connect = lambda cl, *args: cl.subscribe(topic, qos=1)
    c.connect("127.0.0.1", port)
    c.loop_start()
    assert subscribed.wait(10)
    c.disconnect()
    c.loop_stop()


def publish_all(port: int, messages: list[tuple[str, bytes]]) -> None:
    c = client("bench-publisher")
    c.connect("127.0.0.1", port)
    c.loop_start()
    infos = []
    for topic, payload in messages:
        info = c.publish(topic, payload, qos=1)
        assert info.rc == paho.MQTT_ERR_SUCCESS, paho.error_string(info.rc)
        infos.append(info)
    for info in infos:
        info.wait_for_publish(120)
    c.disconnect()
    c.loop_stop()


def drain(
    port: int, client_id: str, total: int, on_message: Callable[[bytes | bytearray], int]
) -> float:
    """Seconds from connect until ``on_message`` has counted ``total`` readings."""
    done = threading.Event()
    count = 0

    def handle(cl: paho.Client, userdata: object, message: paho.MQTTMessage) -> None:
        nonlocal count
        count += on_message(message.payload)
        if count >= total:
            done.set()

    c = client(client_id)
    c.on_message = handle
    started = time.perf_counter()
    c.connect("127.0.0.1", port)
    c.loop_start()
    assert done.wait(600), f"{client_id}: {count} of {total}"
    elapsed = time.perf_counter() - started
    c.disconnect()
    c.loop_stop()
    return elapsed


def bare(port: int, total: int) -> float:
    return drain(port, "bench-bare", total, lambda payload: PER_MESSAGE)


# The minimal pipeline's table: the naive way to meet the idempotence
# (a key on the reading's identity, INSERT OR REPLACE), WAL as in the architecture's
# "SQLite alone" figure. APPEND_ONLY (no key, duplicates kept) is shown for reference.
KEYED = (
    "CREATE TABLE readings (home TEXT NOT NULL, sensor TEXT NOT NULL, kind TEXT NOT NULL, "
    "ts REAL NOT NULL, value REAL NOT NULL, PRIMARY KEY (home, sensor, kind, ts))",
    "INSERT OR REPLACE INTO readings VALUES (?,?,?,?,?)",
)
APPEND_ONLY = (
    "CREATE TABLE readings (home TEXT, sensor TEXT, kind TEXT, ts REAL, value REAL)",
    "INSERT INTO readings VALUES (?,?,?,?,?)",
)


def minimal(port: int, total: int, path: Path, table: tuple[str, str], client_id: str) -> float:
    create, insert = table
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(create)
    decoder = msgspec.json.Decoder(ReadingsBatch)
    pending: list[tuple[str, str, str, float, float]] = []
    received = 0

    def on_message(payload: bytes | bytearray) -> int:
        """Readings written by this call (counted only once committed)."""
        nonlocal received
        batch = decoder.decode(payload)
        home = "home-" + str(int(batch.gateway[3:]) // 2)
        pending.extend((home, r.sensor, r.kind, r.ts, r.value) for r in batch.readings)
        received += len(batch.readings)
        if len(pending) < 5_000 and received < total:
            return 0
        db.execute("BEGIN")
        db.executemany(insert, pending)
        db.execute("COMMIT")
        flushed = len(pending)
        pending.clear()
        return flushed

    seconds = drain(port, client_id, total, on_message)
    db.close()
    return seconds


def ingest(port: int, total: int, store_url: str, state: Path, client_id: str) -> float:
    store = open_store(store_url)
    service = IngestService(_settings(port, store_url, state, client_id), store)
    written = service.metrics.readings_written
    started = time.perf_counter()
    service.start()
    while written._value.get() < total:  # cheap poll of the counter
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    service.stop()
    store.close()
    return elapsed


SHARE_GROUP = "bench"


def workers(port: int, total: int, store_url: str, work: Path, count: int) -> float:
    """``count`` ingest processes on one shared subscription, timed together."""
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Event()
    written = [ctx.Value("q", -1) for _ in range(count)]  # -1 until the worker is ready
    processes = [
        ctx.Process(
            target=_worker,
            args=(port, store_url, work / f"w{i}.db", f"ingest-w{i}", go, written[i]),
        )
        for i in range(count)
    ]
    for process in processes:
        process.start()
    while any(value.value < 0 for value in written):
        time.sleep(0.01)
    started = time.perf_counter()
    go.set()
    while sum(value.value for value in written) < total:
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    go.clear()  # workers stop
    for process in processes:
        process.join(60)
    return elapsed


def _worker(port: int, store_url: str, state: Path, client_id: str, go: Any, written: Any) -> None:
    """One ingest process: wait for ``go``, report readings written until ``go`` clears."""
    settings = _settings(port, store_url, state, client_id)
    store = open_store(store_url)
    service = IngestService(settings, store, share_group=SHARE_GROUP)
    counter = service.metrics.readings_written
    written.value = 0
    go.wait()
    service.start()
    while go.is_set():
        written.value = int(counter._value.get())
        time.sleep(0.005)
    service.stop()
    store.close()


def _settings(port: int, store_url: str, state: Path, client_id: str) -> IngestSettings:
    return load_settings(
        IngestSettings,
        broker_url=f"mqtt://127.0.0.1:{port}",
        client_id=client_id,
        store_url=store_url,
        state_path=state,
        http_port=None,
        batch_max_age_s=0.2,
    )


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process, or of process ``pid`` (Linux /proc)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_reading(run: Callable[[], float], total: int, **pids: int | None) -> float:
    """Seconds ``run`` takes; prints each process's CPU time per reading meanwhile (µs).

    Says where a consumer's time goes: itself (``self``), Mosquitto, influxd.
    """
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    seconds = run()
    used = {name: (cpu_seconds(pid) - before[name]) / total * 1e6 for name, pid in pids.items()}
    print("  CPU µs per reading: " + ", ".join(f"{name} {us:.2f}" for name, us in used.items()))
    return seconds


def measure(messages: int, worker_count: int = 0) -> dict[str, float]:
    """Readings/s of each consumer, draining the same pre-loaded broker in one run."""
    total = messages * PER_MESSAGE
    loaded = payloads(messages)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        broker = Mosquitto(work / "mosquitto")
        influx = InfluxDB(work / "influxdb")
        broker.start()
        influx.start()
        try:
            ids = ("bench-bare", "bench-minimal", "bench-append", "ingest-sqlite", "ingest-influx")
            for client_id in ids:
                create_session(broker.port, client_id)
            shared = f"$share/{SHARE_GROUP}/{READINGS_SUBSCRIPTION}"
            for i in range(worker_count):
                create_session(broker.port, f"ingest-w{i}", shared)
            started = time.perf_counter()
            publish_all(broker.port, loaded)
            took = time.perf_counter() - started
            sessions = len(ids) + worker_count
            print(f"pre-loaded {messages} messages x {PER_MESSAGE} readings x {sessions} sessions "
                  f"in {took:.1f} s")  # fmt: skip
            assert broker.process is not None and influx.process is not None
            mosquitto_pid, influxd_pid = broker.process.pid, influx.process.pid
            print("bare paho drain:")
            bare_s = cpu_per_reading(
                lambda: bare(broker.port, total), total, self=None, mosquitto=mosquitto_pid
            )
            open_store(f"influxdb://127.0.0.1:{influx.port}/bench").close()  # imports, not timed
            print("ingest + InfluxDB:")
            influx_s = cpu_per_reading(
                lambda: ingest(broker.port, total, f"influxdb://127.0.0.1:{influx.port}/bench",
                               work / "s2.db", "ingest-influx"),
                total, self=None, influxd=influxd_pid, mosquitto=mosquitto_pid,
            )  # fmt: skip
            rates = {
                "bare paho drain": total / bare_s,
                "minimal pipeline": total
                / minimal(broker.port, total, work / "minimal.db", KEYED, "bench-minimal"),
                "minimal, append-only": total
                / minimal(broker.port, total, work / "append.db", APPEND_ONLY, "bench-append"),
                "ingest + SQLite": total
                / ingest(broker.port, total, f"sqlite:///{work}/ingest.db", work / "s1.db",
                         "ingest-sqlite"),
                "ingest + InfluxDB": total / influx_s,
            }  # fmt: skip
            if worker_count:
                influx_url = f"influxdb://127.0.0.1:{influx.port}/bench"
                seconds = workers(broker.port, total, influx_url, work, worker_count)
                rates[f"ingest + InfluxDB, {worker_count} workers"] = total / seconds
            return rates
        finally:
            broker.stop()
            influx.stop()


def summary(rates: dict[str, float]) -> list[str]:
    """Each rate, and the ratios the goals are about."""
    lines = [f"{name:20s} {rate:>10,.0f} readings/s" for name, rate in rates.items()]
    sqlite_ratio = rates["ingest + SQLite"] / rates["minimal pipeline"]
    influx_ratio = rates["ingest + InfluxDB"] / rates["bare paho drain"]
    append_ratio = rates["ingest + SQLite"] / rates["minimal, append-only"]
    workers = [
        f"{name} / bare drain = {rate / rates['bare paho drain']:.2f}x"
        for name, rate in rates.items()
        if "workers" in name
    ]
    return [
        *lines,
        f"ingest+SQLite / minimal pipeline = {sqlite_ratio:.2f}x (goal >= 1.0x)",
        f"ingest+InfluxDB / bare drain     = {influx_ratio:.2f}x (goal >= 0.4x)",
        *workers,
        f"(ingest+SQLite / append-only minimal pipeline = {append_ratio:.2f}x, for reference)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000, help="messages of 50 readings")
    parser.add_argument(
        "--workers", type=int, default=0, help="also N ingest processes on a shared subscription"
    )
    args = parser.parse_args()
    for line in summary(measure(args.messages, args.workers)):
        print(line)


if __name__ == "__main__":
    main()
