"""The fault matrix, end to end on real servers (see tests/e2e/README.md for every row).

Each test runs a small demo stack (two homes, ten days replayed in about 20 s) against
the real Mosquitto and influxd fixtures, breaks one thing while the homes replay, and
checks that InfluxDB ends up with exactly what the gateways replayed.
"""

import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from carewatch.protocol import AlertKind, Kind, ReadingsBatch, encode, readings_topic
from carewatch.protocol.messages import Reading
from carewatch.records import LabelRecord
from carewatch.store import Store
from carewatch.store.factory import open_store
from detectors.evaluation import GRACE
from simulators.demo import DemoStack
from tests.e2e.support import (
    Alert,
    ApiUser,
    demo,
    eventually,
    labels_of,
    of_kind,
    sent,
    simulation,
    stored,
)
from tests.ingest.helpers import Publisher
from tests.servers import InfluxDB, Mosquitto

pytestmark = pytest.mark.e2e

DAYS = 10
OUTAGE_S = 5.0  # how long a server stays down (wall clock; the replay runs on meanwhile)


@contextmanager
def small_stack(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB, **options: Any
) -> Iterator[tuple[DemoStack, Store]]:
    # short client-side retries, so an outage reaches ingest's own backoff quickly
    store_url = f"influxdb://127.0.0.1:{influxdb.port}/carewatch?retry=0.5&timeout=2"
    settings: dict[str, Any] = {
        "homes": 2,
        "days": DAYS,
        "catch_up_s": 20.0,
        "learning_days": 3.0,
        "scenarios": ((), ()),
        "broker_url": mosquitto.url,
        "store_url": store_url,
        "ingest_env": {"CAREWATCH_INGEST_RETRY_MAX_WAIT_S": "1"},
    }
    settings.update(options)
    with demo(tmp_path / "demo", **settings) as stack:
        store = open_store(store_url)
        try:
            yield stack, store
        finally:
            store.close()


def written(stack: DemoStack) -> float:
    """Readings ingest has written since it (last) started, from its metrics."""
    try:
        text = httpx.get(f"{stack.ingest_url}/metrics", timeout=5).text
    except httpx.TransportError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("carewatch_ingest_readings_written_total "):
            return float(line.split()[1])
    return 0.0


def mid_stream(stack: DemoStack, fraction: float = 0.3) -> None:
    """Wait until ingest has written ``fraction`` of all the readings the homes replay."""
    total = sum(len(simulation(stack, i).readings) for i in range(len(stack.homes)))
    eventually(lambda: written(stack) >= fraction * total, f"{fraction:.0%} written", every=0.2)


def nothing_lost(stack: DemoStack, store: Store) -> None:
    """Every home's stored readings end up exactly what its gateway replayed."""
    for index, home in enumerate(stack.homes):
        expected = sent(simulation(stack, index))
        eventually(
            lambda: len(stored(store, home.home)) >= len(expected),  # noqa: B023
            f"{home.home}'s {len(expected)} readings in InfluxDB",
            timeout=240,
            every=3,
        )
        assert stored(store, home.home) == expected


def test_broker_restart_mid_stream_loses_nothing(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB
) -> None:
    with small_stack(tmp_path, mosquitto, influxdb) as (stack, store):
        mid_stream(stack)
        mosquitto.stop()
        time.sleep(OUTAGE_S)
        mosquitto.start()
        nothing_lost(stack, store)


# Mosquitto acknowledges a QoS 1 message from memory and saves to disk only now and then
# (the fixture: every 30 min; shipped: every 60 s), so `kill -9` loses what it acknowledged
# since. The gateways' outboxes keep every batch until ingest's receipt (docs/protocol.md);
# with confirm_by = "broker" (deleted on PUBACK) the first of these tests loses readings.
RECEIPT_WAIT = {"confirm_timeout_s": 2.0}


def test_broker_sigkill_with_ingest_down_loses_nothing(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB
) -> None:
    with small_stack(tmp_path, mosquitto, influxdb, gateway_outbox=RECEIPT_WAIT) as (
        stack,
        store,
    ):
        mid_stream(stack)
        ingest = stack.service("ingest")
        ingest.stop()  # the broker queues for ingest's session and acknowledges the gateways
        time.sleep(OUTAGE_S)
        mosquitto.kill()  # a power cut of the broker: its queue was never saved
        mosquitto.start()
        ingest.start()
        ingest.wait_healthy(f"{stack.ingest_url}/health")
        nothing_lost(stack, store)


def test_broker_sigkill_with_ingest_up_loses_nothing(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB
) -> None:
    with small_stack(tmp_path, mosquitto, influxdb, gateway_outbox=RECEIPT_WAIT) as (
        stack,
        store,
    ):
        mid_stream(stack)
        mosquitto.kill()
        time.sleep(OUTAGE_S)
        mosquitto.start()
        nothing_lost(stack, store)


def test_influxdb_down_for_a_while_loses_nothing(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB
) -> None:
    with small_stack(tmp_path, mosquitto, influxdb) as (stack, store):
        mid_stream(stack)
        influxdb.stop()
        eventually(lambda: not _healthy(stack), "ingest to report the store down", every=0.2)
        time.sleep(OUTAGE_S)
        influxdb.start()
        eventually(lambda: _healthy(stack), "ingest healthy again")
        nothing_lost(stack, store)


def _healthy(stack: DemoStack) -> bool:
    try:
        return httpx.get(f"{stack.ingest_url}/health", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def test_ingest_sigkill_mid_stream_loses_and_doubles_nothing(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB
) -> None:
    options = {
        "scenarios": (("night_wandering",), ("stress",)),
        "ingest_env": {
            "CAREWATCH_INGEST_RETRY_MAX_WAIT_S": "1",
            "CAREWATCH_INGEST_DETECTOR_CHECKPOINT_EVERY_S": "2",
        },
    }
    with small_stack(tmp_path, mosquitto, influxdb, **options) as (stack, store):
        ingest = stack.service("ingest")
        carer = ApiUser(stack, "carer")
        # Killed just after an alert went out: the readings behind it may come again.
        first = eventually(carer.alerts, "a first alert", every=0.2)
        assert ingest.process is not None
        ingest.process.kill()  # SIGKILL: no flush, no checkpoint, no goodbye
        ingest.process.wait()
        time.sleep(OUTAGE_S)
        ingest.start()
        ingest.wait_healthy(f"{stack.ingest_url}/health")
        nothing_lost(stack, store)

        sims = [simulation(stack, i) for i in range(2)]
        episodes = labels_of(sims[0], "night_wandering") + labels_of(sims[1], "stress")
        assert episodes

        def found() -> list[Alert]:
            alerts = carer.alerts()
            return alerts if all(any(_finds(a, e) for a in alerts) for e in episodes) else []

        alerts = eventually(found, f"alerts for {episodes}")
        assert {a["id"] for a in first} <= {a["id"] for a in alerts}
        keys = Counter((a["home_id"], a["kind"], a["resident_id"], a["start"]) for a in alerts)
        assert max(keys.values()) == 1, f"an alert stored twice: {alerts}"
        # A replayed alert would come again within minutes, about the same person or sensor.
        for a, b in itertools.combinations(alerts, 2):
            if _about(a) == _about(b):
                assert abs(a["detected_at"] - b["detected_at"]) >= 600, f"raised twice: {a}, {b}"
        carer.close()


def _about(alert: Alert) -> tuple[str, str, str | None, str | None]:
    subject = alert["evidence"].get("subject")
    return (alert["home_id"], alert["kind"], alert["resident_id"], subject)


def _finds(alert: Alert, label: LabelRecord) -> bool:
    return bool(
        alert["home_id"] == label.home
        and alert["kind"] == label.kind
        and label.start <= alert["detected_at"] <= label.end + GRACE[AlertKind(label.kind)]
    )


def test_malformed_and_oversized_messages_are_dead_lettered_with_reasons(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB
) -> None:
    with small_stack(tmp_path, mosquitto, influxdb) as (stack, store):
        home = stack.homes[0]
        topic = readings_topic(home.home, home.gateway)
        good = encode(
            ReadingsBatch(
                gateway=home.gateway,
                seq=10**9,
                sent=1e9,
                readings=[Reading(sensor="tap", kind=Kind.TAP, ts=1e9, value=1.0)],
            )
        )
        bad = {
            good[:-5]: "JSON",
            good.replace(b'"kind":"tap"', b'"kind":"faucet"', 1): "kind",
            good.replace(home.gateway.encode(), b"gw-other", 1): "differs from topic gateway",
            good + b" " * (300 * 1024): "exceeds",
        }
        mid_stream(stack)
        publisher = Publisher(mosquitto.port, client_id="intruder-test")
        for payload in bad:
            publisher.publish(topic, payload)
        publisher.close()
        nothing_lost(stack, store)
        letters = [json.loads(line) for line in _dead_letters(stack).splitlines()]
        assert len(letters) == len(bad)
        by_size = {letter["bytes"]: letter for letter in letters}
        for payload, reason in bad.items():
            letter = by_size[len(payload)]
            assert letter["topic"] == topic
            assert reason in letter["reason"], letter


def _dead_letters(stack: DemoStack) -> str:
    env = {**os.environ, **stack.service("ingest").env}
    done = subprocess.run(
        [sys.executable, "-m", "carewatch", "ingest", "dead-letters", "--json"],
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout.decode()


def test_gateway_offline_for_hours_backfills_without_a_false_inactivity_alert(
    tmp_path: Path, mosquitto: Mosquitto, influxdb: InfluxDB
) -> None:
    # The simulator's fault: 2-8 hours of readings held back, then sent after later ones.
    options = {"scenarios": (("gateway_offline",), ())}
    with small_stack(tmp_path, mosquitto, influxdb, **options) as (stack, store):
        nothing_lost(stack, store)
        (outage,) = labels_of(simulation(stack, 0), "gateway_offline")
        assert outage.end - outage.start >= 2 * 3600
        home = stack.homes[0].home
        carer = ApiUser(stack, "carer")

        def during(kind: str, grace_h: float) -> list[Alert]:
            return [
                a
                for a in of_kind(carer.alerts(), home, kind)
                if outage.start <= a["detected_at"] <= outage.end + grace_h * 3600
            ]

        # Everything is stored, so the detectors have seen it: alerts are on their way.
        health = _settled(lambda: during("sensor_health", 6))
        assert not during("inactivity", 2), "a gateway outage taken for inactivity"
        carer.close()
        assert health, "the outage itself was not reported as a sensor_health alert"


def _settled(alerts: Callable[[], list[Alert]], timeout: float = 15.0) -> list[Alert]:
    """Alerts once some arrive or ``timeout`` passes (they are published as readings are stored)."""
    deadline = time.monotonic() + timeout
    while not (found := alerts()) and time.monotonic() < deadline:
        time.sleep(1.0)
    return found
