"""The gateway logs in over TLS with a username and a password from the environment."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.support import Collector, GatewayProcess, write_config
from tests.servers import Mosquitto, free_port, require_binary

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto" / "make-test-ca.sh"


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[tuple[Mosquitto, int, Path]]:
    require_binary("openssl", "openssl")
    passwd = require_binary("mosquitto_passwd", "mosquitto")
    certs = tmp_path / "certs"
    subprocess.run(["sh", str(SCRIPT), str(certs), "localhost"], check=True, capture_output=True)
    subprocess.run([passwd, "-c", "-b", str(tmp_path / "passwd"), "gw-1", "s3cret"], check=True)
    tls_port = free_port()
    broker = Mosquitto(
        tmp_path / "mosquitto",
        extra_config=(
            f"password_file {tmp_path / 'passwd'}\n"
            f"listener {tls_port} 127.0.0.1\n"
            f"cafile {certs / 'ca.crt'}\ncertfile {certs / 'server.crt'}\n"
            f"keyfile {certs / 'server.key'}\n"
        ),
    )
    broker.start()
    yield broker, tls_port, certs / "ca.crt"
    broker.stop()


@pytest.mark.parametrize(("password", "delivered"), [("s3cret", True), ("wrong", False)])
def test_tls_and_password(
    tls_broker: tuple[Mosquitto, int, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    password: str,
    delivered: bool,
) -> None:
    broker, tls_port, ca = tls_broker
    monkeypatch.setenv("CAREWATCH_GATEWAY_MQTT_PASSWORD", password)  # inherited by the child
    (tmp_path / "empty.jsonl").write_text("")
    config = write_config(
        tmp_path,
        f"mqtts://localhost:{tls_port}",
        f'[source.file]\npath = "{tmp_path / "empty.jsonl"}"\n',
        mqtt=f'username = "gw-1"\nca_file = "{ca}"\n',
    )
    collector = Collector(broker.url)  # anonymous, on the plain listener
    gateway = GatewayProcess(config)
    try:
        gateway.start()
        if delivered:
            collector.wait(lambda: collector.last_state() == "online", 20, "online over TLS")
        else:
            deadline_log = "broker refused the connection"
            collector.wait(lambda: deadline_log in gateway.log.read_text(), 20, "refusal")
            assert collector.last_state() is None
        assert gateway.terminate() == 0
    finally:
        gateway.ensure_dead()
        collector.close()
