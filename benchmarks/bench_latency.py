"""Latency from a reading published to its alert at the API, under a 10 000-home load.

The real stack, as deployed: Mosquitto, ``carewatch ingest run`` (detectors on, the
default settings) and ``carewatch api serve`` as child processes. This process plays
the gateways: one MQTT message per home per minute (the heart rate, every 60 s, plus
an event now and then), spread evenly, for ``--seconds``. Meanwhile, every
``--trigger-every`` seconds a fresh *trigger home* gets a heart rate of 170 bpm
stamped 125 and 65 s ago, then one stamped now: the detectors' absolute bound
(above 140 bpm sustained for 2 minutes of event time) alerts on that last reading.
Latency is from just before that reading is published to the API's server-sent event
(``GET /api/v1/events``, as an admin) announcing the alert.

Baseline in the same run: the same triggers with no other load, first.
Memory: ingest's RSS before any reading (0 homes) and after the load (N homes' detector
state), and the detectors' checkpoint (written on ingest's clean stop) per home.

Run: ``.venv/bin/python benchmarks/bench_latency.py [--homes 10000 --seconds 90]``
"""

import argparse
import random
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.servers

import httpx
import msgspec
import paho.mqtt.client as paho
import psutil  # type: ignore[import-untyped]
from paho.mqtt.enums import CallbackAPIVersion

from carewatch.protocol import Kind, Reading, ReadingsBatch, encode, readings_topic
from simulators.demo.services import Service
from tests.servers import Mosquitto

HR_TRIGGER = 170.0  # above the detectors' absolute bound of 140 bpm
EVENT_KINDS = ((Kind.MOTION, "pir-1", 1.0), (Kind.DOOR, "door-1", 1.0), (Kind.TAP, "tap-1", 0.3))


@dataclass
class Stack:
    """Mosquitto, ingest and the API in ``work``; an admin's token."""

    work: Path
    store_url: str | None = None
    broker: Mosquitto | None = None
    services: list[Service] = field(default_factory=list)
    api_url: str = ""
    token: str = ""
    ingest: Service | None = None

    def start(self) -> None:
        self.broker = Mosquitto(self.work / "mosquitto")
        self.broker.start()
        broker_url = self.broker.url
        store = self.store_url or f"sqlite:///{self.work / 'readings.db'}"
        api_port, ingest_port = _free_port(), _free_port()
        api_env = {
            "CAREWATCH_API_DATABASE_URL": f"sqlite:///{self.work / 'api.sqlite3'}",
            "CAREWATCH_API_STORE_URL": store,
            "CAREWATCH_API_BROKER_URL": broker_url,
            "CAREWATCH_API_JWT_SECRET": secrets.token_hex(32),
            "CAREWATCH_API_SECURE_COOKIES": "false",
            "CAREWATCH_API_HOST": "127.0.0.1",
            "CAREWATCH_API_PORT": str(api_port),
        }
        password = secrets.token_urlsafe(16)
        setup = {**api_env, "CAREWATCH_API_ADMIN_PASSWORD": password}
        self._service("api-setup", ["api", "create-admin", "--username", "bench"], setup).run_once()
        api = self._service("api", ["api", "serve"], api_env)
        api.start()
        self.api_url = f"http://127.0.0.1:{api_port}"
        api.wait_healthy(f"{self.api_url}/health")
        ingest_env = {
            "CAREWATCH_INGEST_BROKER_URL": broker_url,
            "CAREWATCH_INGEST_STORE_URL": store,
            "CAREWATCH_INGEST_STATE_PATH": str(self.work / "ingest.db"),
            "CAREWATCH_INGEST_HTTP_PORT": str(ingest_port),
            "CAREWATCH_INGEST_DETECTOR_CHECKPOINT_PATH": str(self.checkpoint),
        }
        self.ingest = self._service("ingest", ["ingest", "run"], ingest_env)
        self.ingest.start()
        self.ingest.wait_healthy(f"http://127.0.0.1:{ingest_port}/health")
        answer = httpx.post(
            f"{self.api_url}/api/v1/auth/token", data={"username": "bench", "password": password}
        )
        answer.raise_for_status()
        self.token = answer.json()["access_token"]

    @property
    def checkpoint(self) -> Path:
        return self.work / "detectors.ckpt"

    def ingest_rss(self) -> int:
        assert self.ingest is not None and self.ingest.process is not None
        return int(psutil.Process(self.ingest.process.pid).memory_info().rss)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop(timeout=60)
        if self.broker is not None:
            self.broker.stop()

    def _service(self, name: str, args: list[str], env: dict[str, str]) -> Service:
        service = Service(name, args, env, self.work / f"{name}.log")
        if name != "api-setup":
            self.services.append(service)
        return service


class AlertWatch:
    """Listens to the API's event stream; records when each alert id was announced."""

    def __init__(self, api_url: str, token: str) -> None:
        self.seen: dict[int, float] = {}
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._client = httpx.Client(
            base_url=api_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(10.0, read=None),  # the event stream is quiet for long
        )
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        assert self.ready.wait(30), "no 'ready' event from /api/v1/events"

    def stop(self) -> None:
        self._stop.set()
        self._client.close()  # ends the blocked read

    def _run(self) -> None:
        while not self._stop.is_set():  # the stream ends after its lifetime: reconnect
            try:
                self._listen()
            except (httpx.HTTPError, RuntimeError):
                if self._stop.is_set():
                    return
                time.sleep(0.1)

    def _listen(self) -> None:
        with self._client.stream("GET", "/api/v1/events") as response:
            event = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                    if event == "ready":
                        self.ready.set()
                elif line.startswith("data:") and event == "alert":
                    arrived = time.time()
                    alert_id = msgspec.json.decode(line[5:].strip())["alert_id"]
                    self.seen.setdefault(alert_id, arrived)

    def alert_homes(self) -> dict[int, str]:
        """Alert id -> home, for every stress alert the API holds."""
        answer = self._client.get("/api/v1/alerts", params={"kind": "stress", "limit": 1000})
        answer.raise_for_status()
        return {row["id"]: row["home_id"] for row in answer.json()}


class Gateways:
    """Publishes like ``homes`` gateways (one message a minute each) plus trigger homes."""

    def __init__(self, port: int, homes: int, events_per_minute: float, seed: int = 1) -> None:
        self.homes = homes
        self.events_per_minute = events_per_minute
        self.published_readings = 0
        self.triggered: dict[str, float] = {}  # trigger home -> wall time before publishing
        self._rng = random.Random(seed)
        self._seq: dict[int, int] = {}
        self._client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"bench-gateways-{seed}",
            protocol=paho.MQTTv311,
        )
        self._client.max_inflight_messages_set(1000)
        self._client.max_queued_messages_set(0)
        self._client.connect("127.0.0.1", port)
        self._client.loop_start()

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def load(self, seconds: float, trigger_every_s: float) -> None:
        """One message per home per minute, evenly spread, and a trigger every so often."""
        rate = self.homes / 60.0
        started = time.perf_counter()
        next_trigger = 0.0
        sent = 0
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(elapsed * rate) + 1
            while sent < due:
                self._home_message(sent % self.homes)
                sent += 1
            if trigger_every_s and elapsed >= next_trigger:
                self.trigger()
                next_trigger += trigger_every_s
            time.sleep(min(1.0 / rate, 0.01))

    def idle_triggers(self, count: int, every_s: float) -> None:
        for _ in range(count):
            self.trigger()
            time.sleep(every_s)

    def trigger(self) -> None:
        index = len(self.triggered)
        home, gateway = f"trig-{index}", f"tgw-{index}"
        now = time.time()
        history = [self._hr(now - 125, HR_TRIGGER, index), self._hr(now - 65, HR_TRIGGER, index)]
        self._publish(home, gateway, 0, now, history)
        self.triggered[home] = time.time()
        self._publish(home, gateway, 1, time.time(), [self._hr(time.time(), HR_TRIGGER, index)])

    def _home_message(self, index: int) -> None:
        now = time.time()
        readings = [self._hr(now, self._rng.gauss(72, 4), index)]
        events = self.events_per_minute
        while events > 0 and self._rng.random() < events:  # ~events_per_minute on average
            kind, sensor, value = self._rng.choice(EVENT_KINDS)
            readings.append(Reading(sensor, kind, now - self._rng.random() * 30, value))
            events -= 1
        seq = self._seq.get(index, 0)
        self._seq[index] = seq + 1
        self._publish(f"home-{index}", f"gw-{index}", seq, now, readings)

    def _hr(self, ts: float, bpm: float, index: int) -> Reading:
        return Reading("hr-1", Kind.HEART_RATE, ts, round(bpm, 1), f"r-{index}")

    def _publish(
        self, home: str, gateway: str, seq: int, sent: float, readings: list[Reading]
    ) -> None:
        batch = ReadingsBatch(gateway, seq, sent, sorted(readings, key=lambda r: r.ts))
        info = self._client.publish(readings_topic(home, gateway), encode(batch), qos=1)
        if info.rc != paho.MQTT_ERR_SUCCESS:
            raise RuntimeError(paho.error_string(info.rc))
        self.published_readings += len(readings)


@dataclass
class LatencyResult:
    homes: int
    seconds: float
    readings_per_s: float
    idle_ms: list[float]
    loaded_ms: list[float]
    missed: int
    rss_empty: int
    rss_loaded: int
    checkpoint_bytes: int

    def lines(self) -> list[str]:
        homes = self.homes + len(self.idle_ms) + len(self.loaded_ms) + self.missed
        return [
            f"alert latency, no load (baseline): {_percentiles(self.idle_ms)}",
            f"alert latency, {self.homes:,} homes ({self.readings_per_s:,.0f} readings/s "
            f"for {self.seconds:.0f} s): {_percentiles(self.loaded_ms)}"
            + (f"; {self.missed} triggers without an alert" if self.missed else ""),
            f"ingest RSS: {self.rss_empty / 1e6:,.1f} MB with 0 homes, "
            f"{self.rss_loaded / 1e6:,.1f} MB with {homes:,} homes: "
            f"{(self.rss_loaded - self.rss_empty) / homes:,.0f} bytes per home",
            f"detector checkpoint: {self.checkpoint_bytes / homes:,.0f} bytes per home "
            f"(compressed, {homes:,} homes of {self.seconds / 60:.1f} min history)",
        ]


def measure(
    homes: int = 10_000,
    seconds: float = 90.0,
    trigger_every_s: float = 0.5,
    idle_triggers: int = 20,
    events_per_minute: float = 0.4,
    store_url: str | None = None,
) -> LatencyResult:
    """Start the stack, run the baseline then the load, and measure."""
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp), store_url)
        try:
            stack.start()
            time.sleep(2)  # let ingest settle before taking its empty-state RSS
            rss_empty = stack.ingest_rss()
            watch = AlertWatch(stack.api_url, stack.token)
            watch.start()
            assert stack.broker is not None
            gateways = Gateways(stack.broker.port, homes, events_per_minute)
            gateways.idle_triggers(idle_triggers, 1.0)
            idle = set(gateways.triggered)
            started = time.perf_counter()
            gateways.load(seconds, trigger_every_s)
            took = time.perf_counter() - started
            readings_per_s = gateways.published_readings / took
            _wait_for(lambda: len(watch.seen) >= len(gateways.triggered), 30)
            rss_loaded = stack.ingest_rss()
            homes_of = watch.alert_homes()
            watch.stop()
            gateways.close()
            assert stack.ingest is not None
            stack.ingest.stop(timeout=120)  # a clean stop writes the checkpoint
            checkpoint = stack.checkpoint.stat().st_size if stack.checkpoint.exists() else 0
        finally:
            stack.stop()
    announced = {home: watch.seen[i] for i, home in homes_of.items() if i in watch.seen}
    latency = {
        home: (announced[home] - sent) * 1000
        for home, sent in gateways.triggered.items()
        if home in announced
    }
    return LatencyResult(
        homes=homes,
        seconds=took,
        readings_per_s=readings_per_s,
        idle_ms=[ms for home, ms in latency.items() if home in idle],
        loaded_ms=[ms for home, ms in latency.items() if home not in idle],
        missed=len(gateways.triggered) - len(latency),
        rss_empty=rss_empty,
        rss_loaded=rss_loaded,
        checkpoint_bytes=checkpoint,
    )


def _percentiles(ms: list[float]) -> str:
    if len(ms) < 2:
        return f"{len(ms)} alerts: too few"
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return (
        f"p50 {cuts[49]:,.0f} ms, p99 {cuts[98]:,.0f} ms, max {max(ms):,.0f} ms ({len(ms)} alerts)"
    )


def _wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--trigger-every", type=float, default=0.5, help="seconds")
    parser.add_argument("--store", default=None, help="store URL (default: SQLite)")
    args = parser.parse_args()
    result = measure(args.homes, args.seconds, args.trigger_every, store_url=args.store)
    for line in result.lines():
        print(line)


if __name__ == "__main__":
    main()
