"""Ingest keeps alerts and summaries until the API's receipt, and sends them again (rules).

A real state file; the broker is a list of what was published, and time is a manual
clock. The same rules through a real broker and a real API: tests/e2e/test_alert_receipts.py.
"""

from pathlib import Path

import pytest

from carewatch.clock import ManualClock
from carewatch.protocol import (
    Alert,
    AlertKind,
    DailySummary,
    OutputReceipt,
    Severity,
    decode,
    encode,
    output_digest,
)
from ingest.deliveries import Deliveries
from ingest.metrics import IngestMetrics
from ingest.output_outbox import OutputLimits, OutputOutbox

T0 = 1_767_571_200.0
TIMEOUT_S = 60.0
ROOMY = OutputLimits(1_000, 2**20)
Published = list[tuple[str, bytes]]


def alert(n: int, home: str = "h-1") -> Alert:
    return Alert(
        home=home,
        kind=AlertKind.STRESS,
        detected_at=T0 + n * 3600 + 60,
        start=T0 + n * 3600,
        severity=Severity.MEDIUM,
        explanation=f"Heart rate raised at rest ({n}).",
    )


def summary(date: str, litres: float) -> DailySummary:
    return DailySummary("h-1", date, litres, 5, 4, 1, 200.0)


class World:
    """Deliveries on a real state file, publishing into a list, on a manual clock."""

    def __init__(self, path: Path, limits: OutputLimits = ROOMY) -> None:
        self.path = path
        self.clock = ManualClock(0.0)
        self.published: Published = []
        self.metrics = IngestMetrics()
        self.outbox = OutputOutbox(path, limits)
        self.deliveries = Deliveries(
            self.outbox,
            lambda topic, payload: self.published.append((topic, payload)),
            self.metrics,
            timeout_s=TIMEOUT_S,
            monotonic=self.clock,
        )

    def take(self) -> Published:
        taken, self.published = self.published, []
        return taken

    def confirm(self, *payloads: bytes) -> None:
        receipt = OutputReceipt([output_digest(payload) for payload in payloads])
        self.deliveries.receipt(encode(receipt))

    def metric(self, name: str) -> float | None:
        return self.metrics.registry.get_sample_value(name)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "state.db")


def test_kept_until_confirmed_and_those_sent_before_a_confirmed_one_go_again(
    world: World,
) -> None:
    alerts = [alert(n) for n in range(4)]
    world.deliveries.send(alerts)
    sent = world.take()
    assert sent == [("carewatch/v1/h-1/alerts", encode(a)) for a in alerts]
    assert world.metric("carewatch_ingest_outputs_unconfirmed") == 4
    world.confirm(sent[0][1])
    assert world.take() == []  # the oldest first: nothing was lost
    world.confirm(sent[2][1])  # 1 went out before 2 and is unconfirmed: lost on the way
    assert world.take() == [sent[1]]
    world.confirm(sent[2][1], b"not ours either")  # a repeat, and an unknown digest: no-op
    assert world.take() == []
    assert world.outbox.size()[0] == 2
    assert world.metric("carewatch_ingest_outputs_resent_total") == 1
    assert world.metric("carewatch_ingest_outputs_published_total") == 4


def test_a_reconnection_sends_everything_unconfirmed_again_oldest_first(world: World) -> None:
    world.deliveries.send([alert(1), summary("2026-01-05", 1.5), alert(2)])
    sent = world.take()
    world.confirm(sent[0][1])
    world.deliveries.reconnected()  # the broker may have crashed with the rest
    assert world.take() == sent[1:]
    world.deliveries.reconnected()
    assert world.take() == sent[1:]  # still unconfirmed: again after every reconnection


def test_a_silent_api_gets_one_probe_at_a_doubling_wait_not_everything(world: World) -> None:
    world.deliveries.send([alert(n) for n in range(50)])
    sent = world.take()
    probes: list[tuple[float, bytes]] = []
    while world.clock() < 3600:
        world.clock.advance(1.0)
        world.deliveries.poll()
        probes += [(world.clock(), payload) for _, payload in world.take()]
    assert [t for t, _ in probes][:4] == [60.0, 180.0, 420.0, 900.0]
    assert all(payload == sent[0][1] for _, payload in probes)  # the oldest, unchanged
    assert len(probes) <= 10  # an hour of API downtime: a handful of copies, not 50 a minute
    # The API is back and its broker had lost everything: the probe's receipt brings the rest.
    world.confirm(sent[0][1])
    assert world.take() == sent[1:]


def test_what_was_kept_is_sent_again_after_a_restart_with_the_same_bytes(
    tmp_path: Path,
) -> None:
    first = World(tmp_path / "state.db")
    first.deliveries.send([alert(1), alert(2)])
    sent = first.take()
    first.confirm(sent[0][1])
    first.outbox.close()  # as a kill -9 would leave it: each send was committed first
    second = World(tmp_path / "state.db")
    second.deliveries.reconnected()  # what the service does on its first connection
    assert second.take() == sent[1:]
    second.confirm(sent[1][1])
    assert second.outbox.size() == (0, 0)


def test_a_newer_summary_of_the_same_day_replaces_the_unconfirmed_older_one(
    world: World,
) -> None:
    world.deliveries.send([summary("2026-01-05", 1.0), summary("2026-01-06", 2.0)])
    world.deliveries.send([summary("2026-01-05", 1.25)])  # the day computed again
    old, _, new = (payload for _, payload in world.take())
    world.confirm(old)  # the old copy's receipt does not settle the new one
    assert decode(new, DailySummary).tap_litres == 1.25
    world.deliveries.reconnected()
    assert [decode(p, DailySummary).tap_litres for _, p in world.take()] == [2.0, 1.25]


def test_beyond_the_limits_the_oldest_are_given_up_and_counted(tmp_path: Path) -> None:
    world = World(tmp_path / "state.db", OutputLimits(messages=3, bytes=2**20))
    world.deliveries.send([alert(n) for n in range(5)])
    sent = world.take()
    assert len(sent) == 5  # every one is published at least once
    assert world.metric("carewatch_ingest_outputs_dropped_total") == 2
    assert world.metric("carewatch_ingest_outputs_unconfirmed") == 3
    world.deliveries.reconnected()
    assert world.take() == sent[2:]
    one = len(sent[0][1]) + len(sent[0][0])
    by_bytes = World(tmp_path / "bytes.db", OutputLimits(messages=100, bytes=2 * one + 1))
    by_bytes.deliveries.send([alert(n) for n in range(4)])
    assert by_bytes.metric("carewatch_ingest_outputs_dropped_total") == 2
    assert by_bytes.metric("carewatch_ingest_outputs_unconfirmed_bytes") == 2 * one
    by_bytes.clock.advance(TIMEOUT_S)
    by_bytes.deliveries.poll()  # the probe is the oldest still kept, not a given-up one
    assert by_bytes.take()[-1][1] == encode(alert(2))


def test_a_malformed_receipt_is_ignored(world: World) -> None:
    world.deliveries.send([alert(1)])
    for bad in (b"", b"{", b'{"digests": []}', b'{"digests": ["NOT-HEX"]}', b'{"x": 1}'):
        world.deliveries.receipt(bad)
    assert world.outbox.size()[0] == 1
