"""``mqtts://`` with a private CA and a password, against a real Mosquitto TLS listener."""

import subprocess
from pathlib import Path

from carewatch.protocol import Kind, readings_topic
from carewatch.store.factory import open_store
from ingest.service import IngestService
from tests.ingest.helpers import (
    Publisher,
    metric,
    readings_message,
    running,
    settings_for,
    wait_until,
)
from tests.servers import Mosquitto, free_port, require_binary


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    openssl = require_binary("openssl", "openssl")
    ca_key, ca, key, csr, cert = (
        folder / n for n in ("ca.key", "ca.pem", "s.key", "s.csr", "s.pem")
    )

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca),
        "-days", "1", "-subj", "/CN=carewatch-test-ca")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1")  # fmt: skip
    ext = folder / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(cert), "-days", "1", "-extfile", str(ext))  # fmt: skip
    return ca, cert, key


def test_ingest_over_mqtts_with_a_private_ca_and_credentials(tmp_path: Path) -> None:
    ca, cert, key = make_ca_and_server_cert(tmp_path)
    passwords = tmp_path / "passwords"
    passwords.write_text("ingest:s3cret\npublisher:pub\n")
    mosquitto_passwd = require_binary("mosquitto_passwd", "mosquitto")
    subprocess.run([mosquitto_passwd, "-U", str(passwords)], check=True)
    tls_port = free_port()
    broker = Mosquitto(
        tmp_path / "mosquitto",
        extra_config=(
            f"listener {tls_port} 127.0.0.1\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\n"
            f"password_file {passwords}\nallow_anonymous false\n"
        ),
    )
    broker.start()
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    try:
        settings = settings_for(f"mqtts://ingest:s3cret@127.0.0.1:{tls_port}", tmp_path, ca_file=ca)
        with running(settings, store) as service:
            publisher = Publisher(broker.port, auth=("publisher", "pub"))  # plain listener
            publisher.publish(readings_topic("home-1", "gw-1"), readings_message("gw-1", 0))
            publisher.close()
            wait_until(lambda: metric(service, "carewatch_ingest_readings_written_total") == 50)
        assert len(store.query("home-1", Kind.HEART_RATE, 0, 4e9)) == 50
        wrong = settings.model_copy(
            update={"broker_url": f"mqtts://ingest:wrong@127.0.0.1:{tls_port}"}
        )
        refused = IngestService(wrong, store)
        refused.start()
        try:
            assert not refused.wait_connected(3)  # the broker really checks the password
            assert refused.health()[1]["broker_connected"] is False
        finally:
            refused.stop()
    finally:
        store.close()
        broker.stop()
