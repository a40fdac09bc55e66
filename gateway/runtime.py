"""The gateway's main loop: sources -> outbox (on disk) -> publisher -> broker.

Sources push into an in-memory queue from their own threads; the main thread
writes whatever arrived to the outbox in one fsynced transaction, then lets the
publisher form and send batches (bounded by size and age) while at most
``inflight_batches`` wait for their PUBACK.
"""

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol

import msgspec

from carewatch.clock import Clock, system_clock
from carewatch.protocol import GatewayStatus, ProtocolError, Reading, check_readings, encode
from gateway.config import GatewayConfig
from gateway.outbox import Outbox
from gateway.publisher import Publisher
from gateway.sources.base import Source, SourceContext, load_source
from gateway.status import Health, online_status

log = logging.getLogger(__name__)

_TICK_S = 0.05
decode_reading = msgspec.json.Decoder(Reading).decode


class StopFlag(Protocol):
    """Tells the loop to stop: a ``threading.Event`` or a signal-backed flag."""

    def is_set(self) -> bool:
        """Whether to stop now."""
        ...


class Gateway:
    """One gateway process: implements the sources' sink and runs the relay loop."""

    def __init__(
        self,
        config: GatewayConfig,
        *,
        clock: Clock = system_clock,
        monotonic: Callable[[], float] = time.monotonic,
        file: str = "gateway.toml",
    ) -> None:
        self.config = config
        self._clock = clock
        self._monotonic = monotonic
        self._file = file
        self.outbox = Outbox(
            config.outbox_path, max_readings=config.outbox.max_readings, clock=clock
        )
        self._inbox: queue.SimpleQueue[Reading | tuple[str, float]] = queue.SimpleQueue()
        self.problems: Counter[str] = Counter()
        self._problems_lock = threading.Lock()
        self._started = monotonic()
        self._pending = self.outbox.pending()
        self._pending_since = float("-inf") if self._pending else None
        self._batteries = self.outbox.battery()

    # -- the sink every source writes to (any thread) --------------------------------
    def reading(self, reading: Reading) -> None:
        """Queue a reading for the outbox, unless the server would refuse it.

        msgspec checks ids and timestamps only when decoding, so one bad reading (an
        unset clock, a bad sensor id) would get its whole batch dead-lettered.
        """
        try:
            checked = decode_reading(encode(reading))
            check_readings([checked], self._clock(), field="reading")
        except (msgspec.ValidationError, msgspec.DecodeError, ProtocolError) as error:
            self.problem("gateway", f"reading refused: {error}")
            return
        self._inbox.put(checked)

    def battery(self, sensor: str, percent: float) -> None:
        """Queue a battery level for the status."""
        self._inbox.put((sensor, percent))

    def problem(self, source: str, reason: str) -> None:
        """Count and log refused input; never fatal."""
        with self._problems_lock:
            self.problems[source] += 1
        log.warning("%s: %s", source, reason)

    # -- running -----------------------------------------------------------------------
    def build_sources(self) -> list[Source]:
        """Build every configured source (config errors surface here, before connecting)."""
        context = SourceContext(
            home=self.config.gateway.home,
            gateway=self.config.gateway.id,
            tz=self.config.gateway.tz,
            file=self._file,
            resume=self.outbox.last_seen(),
            clock=self._clock,
        )
        return [load_source(name, opts, context) for name, opts in self.config.source.items()]

    def run(self, sources: Sequence[Source], stop: StopFlag) -> None:
        """Relay until ``stop`` is set; then stop the sources and save what they sent."""
        publisher = Publisher(self.config, self.outbox, self._monotonic)
        publisher.start()
        for source in sources:
            source.start(self)
        next_status = 0.0
        try:
            while not stop.is_set():
                self._store(self._take(_TICK_S))
                publisher.settle_acks()
                if publisher.take_just_connected() or self._monotonic() >= next_status:
                    if publisher.connected:
                        publisher.publish_status(self.status())
                    next_status = self._monotonic() + self.config.status.interval_s
                self._send(publisher)
        finally:
            for source in sources:
                source.stop()
            self._store(self._take(0.0))
            publisher.settle_acks()
            publisher.stop()
            self.outbox.close()

    def status(self) -> GatewayStatus:
        """The current online status message."""
        box = self.outbox
        health = Health(
            uptime_s=self._monotonic() - self._started,
            outbox_depth=box.depth(),
            oldest_unsent_ts=box.oldest_ts(),
            next_seq=box.next_seq(),
            sensors_last_seen=box.last_seen(),
            battery=box.battery(),
        )
        return online_status(self.config.gateway.id, self.config.gateway.tz, self._clock(), health)

    def _take(self, wait: float) -> list[Reading | tuple[str, float]]:
        items: list[Reading | tuple[str, float]] = []
        try:
            items.append(self._inbox.get(timeout=wait) if wait else self._inbox.get_nowait())
            while len(items) < 10_000:
                items.append(self._inbox.get_nowait())
        except queue.Empty:
            pass
        return items

    def _store(self, items: list[Reading | tuple[str, float]]) -> None:
        readings = [item for item in items if isinstance(item, Reading)]
        if readings:
            thinned = self.outbox.add(readings)
            if self._pending == 0:
                self._pending_since = self._monotonic()
            self._pending += len(readings) - thinned
        for item in items:
            # zigbee2mqtt repeats the battery level in most payloads: store changes only
            if isinstance(item, tuple) and self._batteries.get(item[0]) != item[1]:
                self.outbox.set_battery(*item)
                self._batteries[item[0]] = item[1]

    def _send(self, publisher: Publisher) -> None:
        limits = self.config.outbox
        while publisher.connected and publisher.inflight < limits.inflight_batches:
            batch = publisher.next_resend()
            room = publisher.unsettled < limits.unconfirmed_batches
            if batch is None and room and self._batch_due():
                batch = self.outbox.form_batch(self.config.gateway.id, limits.batch_max_readings)
                if batch is not None:
                    self._pending -= batch.count
                if self._pending <= 0:
                    self._pending, self._pending_since = 0, None
            if batch is None:
                return
            if not publisher.send(batch):
                publisher.push_back(batch)
                return

    def _batch_due(self) -> bool:
        if self._pending <= 0 or self._pending_since is None:
            return False
        if self._pending >= self.config.outbox.batch_max_readings:
            return True
        return self._monotonic() - self._pending_since >= self.config.outbox.batch_max_age_s
