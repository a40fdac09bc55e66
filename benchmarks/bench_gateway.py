"""Gateway footprint and drain speed, against a bare paho publisher in the same run.

Three child processes against one real Mosquitto:

1. relay: ``python -m gateway run`` replaying ``--days`` (a week) of one resident's readings
   (heart rate every 60 s plus events) as fast as it can: every reading goes
   source -> outbox (fsynced) -> batch -> QoS 1 -> PUBACK -> deleted. Prints peak
   RSS (the kernel's VmHWM) and CPU seconds per 1 000 readings (startup excluded).
2. drain: the same readings already in the outbox (buffered during an outage); the
   gateway starts while the broker is down; timed from its connection (the online
   status) to the subscriber holding every reading.
3. baseline: a bare paho script publishing the same batch payloads at QoS 1 and
   waiting for every PUBACK: the least any publisher must spend.

Run: ``.venv/bin/python benchmarks/bench_gateway.py [--days 7 --fsync-readings 300]``
Goals: peak RSS <= 40 MB, drain of a week <= 60 s.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.servers

import paho.mqtt.client as paho

from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import (
    READINGS_SUBSCRIPTION,
    STATUS_SUBSCRIPTION,
    GatewayStatus,
    Reading,
    ReadingsBatch,
    decode,
)
from carewatch.records import ReadingRecord, write_jsonl
from gateway.outbox import Outbox
from tests.servers import Mosquitto

HOME = "home-001"
LOGS: dict[str, Path] = {}
BASELINE = """
import resource, sys, time, paho.mqtt.client as paho  # noqa: E401
from paho.mqtt.enums import CallbackAPIVersion
payloads = [bytes.fromhex(line) for line in open(sys.argv[3])]
client = paho.Client(CallbackAPIVersion.VERSION2, client_id="baseline", clean_session=False)
client.max_inflight_messages_set(22)
client.connect("127.0.0.1", int(sys.argv[1]))
began = time.perf_counter()
client.loop_start()
infos = [client.publish(sys.argv[2], p, qos=1) for p in payloads]
for info in infos:
    info.wait_for_publish()
elapsed = time.perf_counter() - began
client.disconnect(); client.loop_stop()
usage = resource.getrusage(resource.RUSAGE_SELF)  # ru_maxrss would count the parent's fork
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
print(elapsed, int(hwm) / 1024, usage.ru_utime + usage.ru_stime)
"""


class Subscriber:
    """Counts distinct readings and remembers when the gateway said it was online."""

    def __init__(self, port: int) -> None:
        self.readings: set[Reading] = set()
        self.online_at: float | None = None
        self.done = threading.Event()
        self.expected = 0
        self._client = make_client("bench-subscriber", BrokerAddress("127.0.0.1", port))
        self._client.on_connect = lambda c, *_: c.subscribe(
            [(READINGS_SUBSCRIPTION, 1), (STATUS_SUBSCRIPTION, 1)]
        )
        self._client.on_message = self._on_message
        self._client.connect_async("127.0.0.1", port)
        self._client.loop_start()

    def expect(self, count: int) -> None:
        self.readings.clear()
        self.online_at = None
        self.done.clear()
        self.expected = count

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def _on_message(self, _c: paho.Client, _u: object, message: paho.MQTTMessage) -> None:
        if message.topic.endswith("/status"):
            status = decode(bytes(message.payload), GatewayStatus)
            if status.state == "online" and self.online_at is None:
                self.online_at = time.perf_counter()
            return
        self.readings.update(decode(bytes(message.payload), ReadingsBatch).readings)
        if self.expected and len(self.readings) >= self.expected:
            self.done.set()


def days_of_readings(days: int) -> list[ReadingRecord]:
    from simulators import make_cohort, simulate_home  # the benchmark's data, not the gateway's

    start = (datetime.now(UTC) - timedelta(days=days + 1)).date()
    return simulate_home(make_cohort(1, seed=1)[0], days=days, seed=1, start=start).readings


def write_config(directory: Path, port: int, source: str) -> Path:
    path = directory / "gateway.toml"
    path.write_text(
        f'[gateway]\nid = "gw-bench"\nhome = "{HOME}"\ntz = "Europe/London"\n'
        f'data_dir = "{directory / "data"}"\n'
        f'[mqtt]\nurl = "mqtt://127.0.0.1:{port}"\n'
        f"[status]\ninterval_s = 60\n{source}"
    )
    return path


def start_gateway(config: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gateway", "run", "--config", str(config)]
    LOGS[str(config.parent)] = config.parent / "gateway.log"
    with LOGS[str(config.parent)].open("ab") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=config.parent)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)  # faulthandler: where is it stuck?
        time.sleep(1)
        process.kill()
        print(LOGS[str(Path(str(process.args[-1])).parent)].read_text()[-5000:])  # type: ignore[index]
        raise


def relay(work: Path, broker: Mosquitto, records: list[ReadingRecord], sub: Subscriber) -> float:
    """Relay the readings from a file; returns the gateway's peak RSS (MB)."""
    run = work / "relay"
    run.mkdir()
    with (run / "week.jsonl").open("wb") as out:
        write_jsonl(records, out)
    (run / "empty.jsonl").write_bytes(b"")
    # Startup alone (imports, connect, status) with an empty file, to subtract.
    idle = start_gateway(
        write_config(run, broker.port, f'[source.file]\npath = "{run / "empty.jsonl"}"\n')
    )
    sub.expect(0)
    while sub.online_at is None:
        time.sleep(0.01)
    time.sleep(0.5)
    startup_cpu = cpu_s(idle.pid)
    idle_rss = peak_rss_mb(idle.pid)
    stop(idle)

    config = write_config(
        run, broker.port, f'[source.file]\npath = "{run / "week.jsonl"}"\nspeed = 0\n'
    )
    sub.expect(len(records))
    began = time.perf_counter()
    gateway = start_gateway(config)
    if not sub.done.wait(300):
        raise RuntimeError(f"relay: only {len(sub.readings)} of {len(records)} readings arrived")
    elapsed = time.perf_counter() - began
    cpu, rss = cpu_s(gateway.pid), peak_rss_mb(gateway.pid)
    stop(gateway)
    per_1000 = (cpu - startup_cpu) / len(records) * 1000
    print(
        f"idle gateway (started, connected)   peak RSS {idle_rss:5.1f} MB, CPU {startup_cpu:.2f} s"
    )
    print(
        f"relay {len(records)} readings            peak RSS {rss:5.1f} MB, "
        f"CPU {per_1000 * 1000:.1f} ms per 1 000 readings (startup excluded), "
        f"{elapsed:.1f} s wall incl. startup and the last partial batch's 5 s age bound"
    )
    return rss


def drain(
    work: Path, broker: Mosquitto, records: list[ReadingRecord], sub: Subscriber
) -> tuple[float, float]:
    """Seconds from connect to the outbox drained, and the peak RSS (MB) meanwhile."""
    run = work / "drain"
    run.mkdir()
    (run / "empty.jsonl").write_bytes(b"")
    box = Outbox(run / "data" / "outbox.db")
    box.add(Reading(r.sensor, r.kind, r.ts, r.value, r.resident) for r in records)
    box.close()
    config = write_config(run, broker.port, f'[source.file]\npath = "{run / "empty.jsonl"}"\n')
    broker.stop()  # the outage: the gateway starts with a week buffered and no broker
    gateway = start_gateway(config)
    time.sleep(1.5)
    broker.start()
    sub.expect(len(records))
    broker_up = time.perf_counter()
    if not sub.done.wait(300):
        raise RuntimeError(f"drain: only {len(sub.readings)} of {len(records)} readings arrived")
    finished = time.perf_counter()
    online = sub.online_at or broker_up
    rss = peak_rss_mb(gateway.pid)
    stop(gateway)
    seconds = finished - online
    print(
        f"drain the outbox ({len(records)} readings)    peak RSS {rss:5.1f} MB, "
        f"{seconds:.2f} s from connect ({finished - broker_up:.2f} s from broker start, "
        "incl. reconnect backoff)"
    )
    return seconds, rss


def baseline(
    work: Path, broker: Mosquitto, records: list[ReadingRecord], sub: Subscriber
) -> tuple[float, float]:
    """A bare paho publisher's seconds to the last PUBACK, and its peak RSS (MB)."""
    run = work / "baseline"
    run.mkdir()
    box = Outbox(run / "outbox.db")  # the same batch payloads the gateway sends
    box.add(Reading(r.sensor, r.kind, r.ts, r.value, r.resident) for r in records)
    payloads = []
    while (batch := box.form_batch("gw-base", 500)) is not None:
        payloads.append(batch.payload.hex())
    box.close()
    (run / "payloads.hex").write_text("\n".join(payloads))
    (run / "publish.py").write_text(BASELINE)
    sub.expect(len(records))
    began = time.perf_counter()
    topic = f"carewatch/v1/{HOME}/gw-base/readings"
    output = subprocess.run(
        [sys.executable, run / "publish.py", str(broker.port), topic, run / "payloads.hex"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if not sub.done.wait(300):
        raise RuntimeError("baseline: readings missing")
    publish_s, rss, cpu = (float(field) for field in output.split())
    print(
        f"baseline bare paho, same {len(payloads)} messages  peak RSS {rss:5.1f} MB, "
        f"{publish_s:.2f} s connect to last PUBACK "
        f"({time.perf_counter() - began:.2f} s incl. interpreter start), CPU {cpu:.2f} s"
    )
    return publish_s, rss


def fsync_cost(work: Path, records: list[ReadingRecord], count: int = 300) -> None:
    """The outbox's price for durability: one reading per fsynced transaction."""
    readings = [Reading(r.sensor, r.kind, r.ts, r.value, r.resident) for r in records[:count]]
    timings = {}
    for synchronous in ("FULL", "NORMAL"):
        box = Outbox(work / f"fsync-{synchronous}.db")
        box._db.execute(f"PRAGMA synchronous={synchronous}")  # baseline: the one-line difference
        began = time.perf_counter()
        for reading in readings:
            box.add([reading])
        timings[synchronous] = (time.perf_counter() - began) / count * 1000
        box.close()
    full, normal = timings["FULL"], timings["NORMAL"]
    print(
        f"outbox add, one reading per commit: {full:.2f} ms with synchronous=FULL (used), "
        f"{normal:.2f} ms with NORMAL ({full / normal:.0f}x)"
    )


@dataclass
class GatewayFigures:
    """What the goals are judged on: the gateway's against the bare publisher's."""

    readings: int
    peak_rss_mb: float
    drain_s: float
    baseline_rss_mb: float
    baseline_s: float


def measure(days: int = 7, fsync_readings: int = 300) -> GatewayFigures:
    """Run every part (printing as it goes) against one Mosquitto."""
    records = days_of_readings(days)
    print(f"one resident, {days} days: {len(records)} readings")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fsync_cost(work, records, fsync_readings)
        broker = Mosquitto(work / "mosquitto")
        broker.start()
        sub = Subscriber(broker.port)
        try:
            relay_rss = relay(work, broker, records, sub)
            drained, drain_rss = drain(work, broker, records, sub)
            base, base_rss = baseline(work, broker, records, sub)
        finally:
            sub.close()
            broker.stop()
    print(f"drain / bare paho baseline: {drained / base:.2f}x  (goal: drain <= 60 s, RSS <= 40 MB)")
    return GatewayFigures(len(records), max(relay_rss, drain_rss), drained, base_rss, base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7, help="days of one resident's readings")
    parser.add_argument(
        "--fsync-readings", type=int, default=300, help="readings added one commit each"
    )
    args = parser.parse_args()
    measure(args.days, args.fsync_readings)


if __name__ == "__main__":
    main()
