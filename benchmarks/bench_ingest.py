"""Ingest throughput against a bare paho drain and a naive hand-written peer.

One run, one Mosquitto, the same payloads (50 readings per message, QoS 1) for
every consumer:

- bare paho drain: receive and count (the ceiling for any Python consumer);
- naive peer: paho -> msgspec decode -> a river ``EWMean`` per (home, sensor, kind)
  -> SQLite append-only table in batches of 5 000 (WAL): the least a peer that
  stores and learns a per-key baseline must do;
- ``IngestService`` as ``carewatch ingest run`` builds it, detectors ON (its default:
  the CLI's own detector sink) and OFF (``CAREWATCH_INGEST_DETECTORS=off``), into
  SQLite and into InfluxDB; optionally ``--workers`` processes on a shared
  subscription (detectors off: a shared subscription splits a home's readings).

 The broker is pre-loaded: each consumer's persistent session is
created first, then every message is published once (the broker queues a copy
per session), then the consumers drain their queue one after the other, each
timed from connect to its last reading. Pre-loading measures the consumer alone,
not the publisher; with 2 shared cores a concurrent publisher would steal CPU
from the consumer being measured.

With detectors on, a run is timed until the detectors have taken every reading (they
run on ingest's writer thread after each batch is stored and acknowledged).

Run: ``.venv/bin/python benchmarks/bench_ingest.py [--messages 20000] [--workers 2]``
Goals: ingest+SQLite (detectors on) >= 1.0x the naive peer; ingest+InfluxDB >= 0.4x
the bare drain.
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.servers

import msgspec
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from river import stats

from carewatch.protocol import (
    READINGS_SUBSCRIPTION,
    GatewayStatus,
    Kind,
    Reading,
    ReadingsBatch,
    encode,
    readings_topic,
)
from carewatch.records import ReadingRecord
from carewatch.settings import load_settings
from carewatch.store.factory import open_store
from ingest.cli import _detector_sink as detector_sink  # exactly what `ingest run` builds
from ingest.service import IngestService
from ingest.settings import IngestSettings
from ingest.sink import Output, Sink
from tests.servers import InfluxDB, Mosquitto

PER_MESSAGE = 50
GATEWAYS = 20  # 10 homes, 2 gateways each
KINDS = (Kind.HEART_RATE, Kind.MOTION, Kind.CHAIR, Kind.TAP)
VALUES = {Kind.HEART_RATE: 72.0, Kind.MOTION: 1.0, Kind.CHAIR: 1.0, Kind.TAP: 0.5}


def payloads(messages: int) -> list[tuple[str, bytes]]:
    """Distinct readings, realistic mixes of kinds and sensors."""
    start = time.time() - (messages // GATEWAYS + 1) * PER_MESSAGE  # live: the last ends now
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


# The naive peer's table: append-only, no key (a redelivered reading is stored twice).
APPEND_ONLY = (
    "CREATE TABLE readings (home TEXT, sensor TEXT, kind TEXT, ts REAL, value REAL)",
    "INSERT INTO readings VALUES (?,?,?,?,?)",
)


def naive(port: int, total: int, path: Path, client_id: str) -> float:
    """paho -> decode -> per-key river EWMean -> SQLite append-only batches of 5 000."""
    create, insert = APPEND_ONLY
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(create)
    decoder = msgspec.json.Decoder(ReadingsBatch)
    means: dict[tuple[str, str, str], stats.EWMean] = {}
    pending: list[tuple[str, str, str, float, float]] = []
    received = 0

    def on_message(payload: bytes | bytearray) -> int:
        """Readings written by this call (counted only once committed)."""
        nonlocal received
        batch = decoder.decode(payload)
        home = "home-" + str(int(batch.gateway[3:]) // 2)
        for r in batch.readings:
            key = (home, r.sensor, r.kind)
            mean = means.get(key)
            if mean is None:
                mean = means[key] = stats.EWMean(fading_factor=0.05)
            mean.update(r.value)
            pending.append((home, r.sensor, r.kind, r.ts, r.value))
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


class Counted:
    """The detector sink, counting the readings it has taken (to stop the clock)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.taken = 0

    def readings(self, records: Sequence[ReadingRecord]) -> Sequence[Output]:
        out = self.sink.readings(records)
        self.taken += len(records)
        return out

    def status(self, home: str, status: GatewayStatus, received_at: float) -> Sequence[Output]:
        return self.sink.status(home, status, received_at)

    def tick(self, now: float) -> Sequence[Output]:
        return self.sink.tick(now)


def ingest(
    port: int, total: int, store_url: str, state: Path, client_id: str, detectors: bool
) -> float:
    """Seconds for ``IngestService`` as the CLI builds it to store (and detect) ``total``."""
    state.parent.mkdir(exist_ok=True)  # the detectors' checkpoint goes beside it
    settings = _settings(port, store_url, state, client_id, detectors)
    store = open_store(store_url)
    made = detector_sink(settings)  # the CLI's own: None when detectors are off
    sink = None if made is None else Counted(made)
    service = IngestService(settings, store, sink=sink)
    written = service.metrics.readings_written
    started = time.perf_counter()
    service.start()
    # cheap polls: of the store counter, then of what the detectors have taken
    while written._value.get() < total or (sink is not None and sink.taken < total):
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
    settings = _settings(port, store_url, state, client_id, detectors=False)
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


def _settings(
    port: int, store_url: str, state: Path, client_id: str, detectors: bool
) -> IngestSettings:
    return load_settings(
        IngestSettings,
        broker_url=f"mqtt://127.0.0.1:{port}",
        client_id=client_id,
        store_url=store_url,
        state_path=state,
        http_port=None,
        batch_max_age_s=0.2,
        detectors=detectors,
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


BARE = "bare paho drain"
NAIVE = "naive peer: decode, EWMean per key, SQLite append-only"
SQLITE_ON = "ingest + SQLite, detectors on (default)"
SQLITE_OFF = "ingest + SQLite, detectors off"
INFLUX_ON = "ingest + InfluxDB, detectors on (default)"
INFLUX_OFF = "ingest + InfluxDB, detectors off"


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
            ids = ["bench-bare", "bench-naive", "sqlite-on", "sqlite-off", "influx-on"]
            ids.append("influx-off")
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
            pids = {"mosquitto": broker.process.pid, "influxd": influx.process.pid}
            influx_url = f"influxdb://127.0.0.1:{influx.port}/bench"
            open_store(influx_url).close()  # imports, not timed
            runs: dict[str, Callable[[], float]] = {
                BARE: lambda: bare(broker.port, total),
                NAIVE: lambda: naive(broker.port, total, work / "naive.db", "bench-naive"),
                SQLITE_ON: lambda: ingest(broker.port, total, f"sqlite:///{work}/on.db",
                                          work / "on" / "s.db", "sqlite-on", detectors=True),
                SQLITE_OFF: lambda: ingest(broker.port, total, f"sqlite:///{work}/off.db",
                                           work / "off" / "s.db", "sqlite-off", detectors=False),
                INFLUX_ON: lambda: ingest(broker.port, total, influx_url, work / "ion" / "s.db",
                                          "influx-on", detectors=True),
                INFLUX_OFF: lambda: ingest(broker.port, total, influx_url, work / "ioff" / "s.db",
                                           "influx-off", detectors=False),
            }  # fmt: skip
            rates = {}
            for name, run in runs.items():
                print(f"{name}:")
                rates[name] = total / cpu_per_reading(run, total, self=None, **pids)
            if worker_count:
                seconds = workers(broker.port, total, influx_url, work, worker_count)
                rates[f"ingest + InfluxDB, {worker_count} processes, detectors off"] = (
                    total / seconds
                )
            return rates
        finally:
            broker.stop()
            influx.stop()


def ratios(rates: dict[str, float]) -> dict[str, float]:
    """The ratios the goals are about, each to its baseline measured in the same run."""
    out = {
        f"{SQLITE_ON} / naive peer": rates[SQLITE_ON] / rates[NAIVE],
        f"{SQLITE_OFF} / naive peer": rates[SQLITE_OFF] / rates[NAIVE],
        f"{INFLUX_ON} / bare drain": rates[INFLUX_ON] / rates[BARE],
        f"{INFLUX_OFF} / bare drain": rates[INFLUX_OFF] / rates[BARE],
    }
    for name, rate in rates.items():
        if "processes" in name:
            out[f"{name} / bare drain"] = rate / rates[BARE]
    return out


def summary(rates: dict[str, float]) -> list[str]:
    """Each rate, and the ratios the goals are about."""
    width = max(map(len, rates))
    lines = [f"{name:{width}s} {rate:>10,.0f} readings/s" for name, rate in rates.items()]
    return lines + [f"{name} = {ratio:.2f}x" for name, ratio in ratios(rates).items()]


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
