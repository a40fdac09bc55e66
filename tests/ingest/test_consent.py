"""Withheld streams never get past ingest: real Mosquitto, real SQLite store, real detectors."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from carewatch.errors import ConfigError
from carewatch.protocol import (
    AlertKind,
    ConsentPolicy,
    Kind,
    Reading,
    ReadingsBatch,
    encode,
    policy_topic,
    readings_topic,
)
from carewatch.store import Store, open_store
from detectors import Engine
from ingest.consent import ConsentGate
from ingest.detector_sink import DetectorSink
from ingest.service import IngestService
from tests.ingest.helpers import Publisher, metric, running, settings_for, wait_until
from tests.servers import Mosquitto

T0 = 1_767_571_200.0  # 2026-01-05 00:00 UTC
KINDS = (Kind.HEART_RATE, Kind.TAP, Kind.BED)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path}/readings.db")
    yield store
    store.close()


def batch(seq: int, start: float) -> bytes:
    values = {Kind.HEART_RATE: 70.0, Kind.TAP: 0.2, Kind.BED: 1.0}
    readings = [
        Reading(f"{kind.value.replace('_', '-')}-1", kind, start + i, values[kind])
        for i in range(10)
        for kind in KINDS
    ]
    return encode(ReadingsBatch("gw-1", seq, start + 10, readings))


def stored(store: Store, home: str, kind: Kind) -> int:
    return len(store.query(home, kind, T0 - 3600, T0 + 86_400))


def test_a_withheld_stream_is_absent_from_the_store_and_the_detectors(
    mosquitto: Mosquitto, store: Store, tmp_path: Path
) -> None:
    publisher = Publisher(mosquitto.port)
    policy = ConsentPolicy("home-1", 1, T0, [Kind.HEART_RATE], {AlertKind.STRESS: 2})
    publisher.publish(policy_topic("home-1"), encode(policy), retain=True)  # before ingest runs
    publisher.flush()
    sink = DetectorSink(Engine())
    settings = settings_for(mosquitto.url, tmp_path)
    with running(settings, store, sink=sink) as service:
        wait_until(lambda: _applied(service), what="the retained policy applied")
        publisher.publish(readings_topic("home-1", "gw-1"), batch(0, T0))
        publisher.publish(readings_topic("home-2", "gw-1"), batch(0, T0))  # no policy: collected
        publisher.flush()
        wait_until(lambda: stored(store, "home-2", Kind.BED) == 10, what="home-2 stored")
        wait_until(lambda: stored(store, "home-1", Kind.BED) == 10, what="home-1 stored")
        health = service.health()[1]
        withheld_metric = metric(
            service, "carewatch_ingest_readings_withheld_total", kind="heart_rate"
        )
    publisher.close()
    assert stored(store, "home-1", Kind.HEART_RATE) == 0
    assert stored(store, "home-1", Kind.TAP) == 10
    assert "heart_rate" not in {s.kind for s in store.sensors("home-1")}
    assert stored(store, "home-2", Kind.HEART_RATE) == 10
    assert Kind.HEART_RATE not in sink.engine.kinds("home-1")  # the detectors never saw it
    assert sink.engine.kinds("home-1") == {Kind.TAP, Kind.BED}
    assert Kind.HEART_RATE in sink.engine.kinds("home-2")
    assert sink.engine.withheld("home-1") == {Kind.HEART_RATE}  # its silence is not news
    assert sink.engine.withheld("home-2") == frozenset()
    assert sink.engine.tuning("home-1") == {AlertKind.STRESS: 2}  # carers' feedback (D122)
    assert sink.engine.tuning("home-2") == {}
    assert health["readings_withheld"] == {"home-1": 10}
    assert withheld_metric == 10


def _applied(service: IngestService) -> bool:
    return metric(service, "carewatch_ingest_consent_policies_total", outcome="applied") >= 1


def test_policies_survive_a_restart_and_older_versions_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "consent.json"
    gate = ConsentGate(path, "collect", CollectorRegistry())
    assert gate.apply("h-1", encode(ConsentPolicy("h-1", 5, T0, [Kind.TAP])))
    assert not gate.apply("h-1", encode(ConsentPolicy("h-1", 4, T0, [])))  # stale
    assert not gate.apply("h-1", b'{"home": "h-2", "version": 9, "issued_at": 1767571200}')
    restarted = ConsentGate(path, "collect", CollectorRegistry())
    tap = Reading("tap-1", Kind.TAP, T0, 0.3)
    assert list(restarted.keep("h-1", [tap])) == []
    assert restarted.apply("h-1", b"")  # cleared: the home was removed
    assert list(restarted.keep("h-1", [tap])) == [tap]


def test_a_policy_that_changes_only_the_tuning_is_news_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "consent.json"
    gate = ConsentGate(path, "collect", CollectorRegistry())
    assert gate.apply("h-1", encode(ConsentPolicy("h-1", 1, T0, [Kind.TAP])))
    assert gate.apply("h-1", encode(ConsentPolicy("h-1", 2, T0, [Kind.TAP], {AlertKind.STRESS: 1})))
    assert not gate.apply(
        "h-1", encode(ConsentPolicy("h-1", 3, T0, [Kind.TAP], {AlertKind.STRESS: 1}))
    )
    restarted = ConsentGate(path, "collect", CollectorRegistry())
    assert restarted.tunings() == {"h-1": {AlertKind.STRESS: 1}}
    assert restarted.stricter("h-2") == {}


def test_withhold_by_default_drops_homes_without_a_policy(tmp_path: Path) -> None:
    gate = ConsentGate(tmp_path / "consent.json", "withhold", CollectorRegistry())
    bed = Reading("bed-1", Kind.BED, T0, 1.0)
    assert list(gate.keep("h-9", [bed])) == []
    assert gate.withheld_by_home() == {"h-9": 1}
    gate.apply("h-9", encode(ConsentPolicy("h-9", 1, T0, [])))
    assert list(gate.keep("h-9", [bed])) == [bed]


def test_a_corrupt_policies_file_refuses_to_start_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "consent.json"
    path.write_bytes(b"{not json")
    with pytest.raises(ConfigError, match=r"consent\.json"):
        ConsentGate(path, "collect", CollectorRegistry())
