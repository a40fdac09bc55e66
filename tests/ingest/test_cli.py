"""``carewatch ingest``: configuration errors, dead letters, and a SIGKILL mid-stream."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carewatch.errors import ConfigError
from carewatch.protocol import Kind, readings_topic
from carewatch.store.factory import open_store
from ingest.cli import app
from ingest.state import DeadLetter, IngestState
from tests.ingest.helpers import Publisher, expected_records, readings_message, wait_until
from tests.servers import InfluxDB, Mosquitto, free_port, free_ports

CAREWATCH = str(Path(sys.executable).parent / "carewatch")


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAREWATCH, "ingest", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bad_settings_refuse_to_start_naming_the_variable() -> None:
    result = run_cli({"CAREWATCH_INGEST_BATCH_SIZE": "-5"}, "run")
    assert result.returncode == 2
    assert "carewatch: CAREWATCH_INGEST_BATCH_SIZE" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("CAREWATCH_INGEST_STORE_URL", "postgres://db/readings", "sqlite:///"),
        ("CAREWATCH_INGEST_BROKER_URL", "amqp://broker", "mqtt://"),
        ("CAREWATCH_INGEST_BUFFER_LIMIT", "10", "CAREWATCH_INGEST_BATCH_SIZE"),
        ("CAREWATCH_INGEST_CA_FILE", "/nonexistent/ca.pem", "CAREWATCH_INGEST_CA_FILE"),
        ("CAREWATCH_INGEST_STATE_PATH", "/proc/no/state.db", "cannot use /proc/no/state.db"),
    ],
)
def test_each_bad_setting_is_named(tmp_path: Path, variable: str, value: str, hint: str) -> None:
    env = {
        "CAREWATCH_INGEST_STATE_PATH": str(tmp_path / "state.db"),
        "CAREWATCH_INGEST_BROKER_URL": "mqtt://127.0.0.1:9",
        "CAREWATCH_INGEST_STORE_URL": f"sqlite:///{tmp_path}/readings.db",
        variable: value,
    }
    result = CliRunner().invoke(app, ["run"], env=env)
    assert isinstance(result.exception, ConfigError)
    assert variable in str(result.exception) and hint in str(result.exception)


def test_dead_letters_lists_topic_reason_time_and_preview(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    state = IngestState(path)
    state.commit(
        [
            DeadLetter("carewatch/v1/h-1/gw-1/readings", b'{"gateway": ', "not JSON: x", 1.7e9),
            DeadLetter("carewatch/v1/h-1/gw-2/readings", b"x" * 500, "message too big", 1.7e9 + 1),
        ],
        {},
    )
    state.close()
    env = {"CAREWATCH_INGEST_STATE_PATH": str(path)}
    result = CliRunner().invoke(app, ["dead-letters"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2023-11-14T22:13:21+00:00  carewatch/v1/h-1/gw-2/readings")
    assert "message too big" in lines[0] and "x" * 80 + "…" in lines[0]
    assert "not JSON: x" in lines[1] and '{"gateway": ' in lines[1]
    result = CliRunner().invoke(app, ["dead-letters", "--limit", "1", "--json"], env=env)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {
            "topic": "carewatch/v1/h-1/gw-2/readings",
            "reason": "message too big",
            "received_at": 1.7e9 + 1,
            "bytes": 500,
            "preview": "x" * 80 + "…",
        }
    ]


def get_json(port: int, path: str) -> dict[str, object]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
        return json.load(response)  # type: ignore[no-any-return]


def written(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("carewatch_ingest_readings_written_total "):
                return float(line.split()[1])
    return 0.0


def responds(port: int) -> bool:
    try:
        return bool(get_json(port, "/health")["broker_connected"])
    except OSError:
        return False


@pytest.mark.parametrize("backend", ["sqlite", "influxdb"])
def test_sigkill_mid_stream_loses_nothing_and_doubles_nothing(
    mosquitto: Mosquitto, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    port = free_port()
    if backend == "influxdb":
        influxdb: InfluxDB = request.getfixturevalue("influxdb")
        store_url = f"influxdb://127.0.0.1:{influxdb.port}/carewatch"
    else:
        store_url = f"sqlite:///{tmp_path}/readings.db"
    env = {
        **os.environ,
        "CAREWATCH_INGEST_BROKER_URL": mosquitto.url,
        "CAREWATCH_INGEST_STORE_URL": store_url,
        "CAREWATCH_INGEST_STATE_PATH": str(tmp_path / "state.db"),
        "CAREWATCH_INGEST_HTTP_PORT": str(port),
        "CAREWATCH_INGEST_BATCH_SIZE": "1000",
        "CAREWATCH_INGEST_BATCH_MAX_AGE_S": "0.05",
    }
    log = (tmp_path / "ingest.log").open("wb")

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "ingest", "run"], env=env, stdout=log, stderr=log
        )
        wait_until(lambda: responds(port), timeout=30, what="ingest up")
        return process

    messages = [(gateway, seq) for seq in range(400) for gateway in ("gw-1", "gw-2")]
    publisher = Publisher(mosquitto.port)

    def publish() -> None:
        for index, (gateway, seq) in enumerate(messages):
            publisher.publish(readings_topic("home-1", gateway), readings_message(gateway, seq))
            if index % 40 == 39:
                time.sleep(0.05)  # a steady stream, so the kill lands mid-way
        publisher.flush()

    process = start()
    stream = threading.Thread(target=publish)
    stream.start()
    total = 50 * len(messages)
    wait_until(lambda: written(port) >= 5_000, what="some readings stored")
    process.kill()  # SIGKILL: no flush, no acknowledgement, no goodbye
    assert stream.is_alive(), "the stream should still be flowing when ingest is killed"
    process.wait()
    stream.join()
    process = start()
    try:
        wait_until(lambda: written(port) > 0, what="redelivered readings stored")
        store = open_store(store_url)
        try:
            wait_until(
                lambda: len(store.query("home-1", Kind.HEART_RATE, 0, 4e9)) >= total,
                what="every reading stored",
            )
            stored = store.query("home-1", Kind.HEART_RATE, 0, 4e9)
        finally:
            store.close()
        expected = [r for g, s in messages for r in expected_records("home-1", g, s)]
        key = lambda r: (r.ts, r.sensor)  # noqa: E731
        assert sorted(stored, key=key) == sorted(expected, key=key)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0  # a clean stop after SIGTERM
        publisher.close()
        log.close()
    assert "stopping" in (tmp_path / "ingest.log").read_text()


def embedded_env(tmp_path: Path, http_port: int, broker_port: int, choice: str) -> dict[str, str]:
    env = {
        **os.environ,
        "CAREWATCH_INGEST_EMBEDDED_BROKER_PORT": str(broker_port),
        "CAREWATCH_INGEST_EMBEDDED_BROKER": choice,
        "CAREWATCH_INGEST_STORE_URL": f"sqlite:///{tmp_path}/readings.db",
        "CAREWATCH_INGEST_STATE_PATH": str(tmp_path / "state.db"),
        "CAREWATCH_INGEST_HTTP_PORT": str(http_port),
    }
    env.pop("CAREWATCH_INGEST_BROKER_URL", None)
    return env


@pytest.mark.parametrize("choice", ["auto", "amqtt"])
def test_without_a_broker_url_run_starts_the_embedded_broker(tmp_path: Path, choice: str) -> None:
    port, broker_port = free_ports(2)
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", "run"],
        env=embedded_env(tmp_path, port, broker_port, choice),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: responds(port), timeout=30, what="ingest on the embedded broker")
        publisher = Publisher(broker_port)
        publisher.publish(readings_topic("home-1", "gw-1"), readings_message("gw-1", 0))
        publisher.close()
        wait_until(lambda: written(port) == 50, what="the readings stored")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    kind = "amqtt" if choice == "amqtt" else "mosquitto"  # mosquitto is installed here
    assert f"embedded MQTT broker at mqtt://127.0.0.1:{broker_port} ({kind})" in stderr
    assert stderr.count("for demos only and not crash-safe") == (kind == "amqtt")
    assert (tmp_path / "broker" / "mosquitto.db").exists() == (kind == "mosquitto")


def test_embedded_mosquitto_keeps_what_ingest_never_acknowledged_through_a_sigkill(
    tmp_path: Path,
) -> None:
    port, broker_port = free_ports(2)
    env = embedded_env(tmp_path, port, broker_port, "mosquitto")
    log = (tmp_path / "ingest.log").open("wb")

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "ingest", "run"], env=env, stdout=log, stderr=log
        )
        wait_until(lambda: responds(port), timeout=30, what="ingest up")
        return process

    process = start()
    process.send_signal(signal.SIGSTOP)  # frozen: takes messages from its socket, acks none
    publisher = Publisher(broker_port)
    messages = [("gw-1", seq) for seq in range(200)]
    for gateway, seq in messages:
        publisher.publish(readings_topic("home-1", gateway), readings_message(gateway, seq))
    publisher.close()  # the broker has acknowledged every one to the publisher
    process.kill()  # the broker child outlives it, holding the unacknowledged messages
    process.wait()
    process = start()  # stops the orphaned broker (which saves them) and starts a new one
    try:
        wait_until(lambda: written(port) >= 50 * len(messages), what="every reading stored")
        store = open_store(env["CAREWATCH_INGEST_STORE_URL"])
        stored = store.query("home-1", Kind.HEART_RATE, 0, 4e9)
        store.close()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        log.close()
    expected = [r for g, s in messages for r in expected_records("home-1", g, s)]
    assert sorted(stored, key=lambda r: r.ts) == sorted(expected, key=lambda r: r.ts)
