"""The broker CareWatch runs itself: Mosquitto as a child process when installed, else amqtt."""

import socket
from pathlib import Path

import pytest

from carewatch.embedded_broker import EmbeddedBroker
from carewatch.errors import ConfigError
from carewatch.local_broker import local_broker
from carewatch.mosquitto_child import MosquittoChild
from tests.servers import require_binary


def test_auto_is_mosquitto_when_installed_and_amqtt_only_when_asked(tmp_path: Path) -> None:
    require_binary("mosquitto", "mosquitto")
    chosen = local_broker(tmp_path, 0)
    assert isinstance(chosen, MosquittoChild) and chosen.crash_safe
    fallback = local_broker(tmp_path, 0, "amqtt")
    assert isinstance(fallback, EmbeddedBroker) and not fallback.crash_safe


def test_a_taken_port_is_a_config_error_naming_it(tmp_path: Path) -> None:
    require_binary("mosquitto", "mosquitto")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            MosquittoChild(tmp_path, port=port).start()
    assert not (tmp_path / "mosquitto.pid").exists()


def test_the_config_and_saved_queue_live_in_the_given_directory(tmp_path: Path) -> None:
    require_binary("mosquitto", "mosquitto")
    with MosquittoChild(tmp_path / "broker", port=0) as broker:
        config = (tmp_path / "broker" / "mosquitto.conf").read_text()
        assert f"listener {broker.port} 127.0.0.1\n" in config
        assert "persistence true\n" in config and "max_queued_messages 0\n" in config
    assert (tmp_path / "broker" / "mosquitto.db").exists()  # saved on the clean stop
