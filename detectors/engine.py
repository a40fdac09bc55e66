"""The detection engine: readings in event time in, alerts and daily summaries out.

Pure: no I/O and no wall clock. Ingest wraps it as a sink; ``carewatch replay`` feeds
it a file. Time only moves with the readings' own timestamps (per home) and with
:meth:`Engine.tick`, the watermark that lets silence be noticed.
"""

import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence

from carewatch.protocol import Alert, AlertKind, DailySummary, GatewayStatus, Kind
from carewatch.records import ReadingRecord, StatusRecord
from detectors import checkpoint
from detectors.config import EngineConfig
from detectors.home import Home
from detectors.view import Output
from detectors.watermark import REPLAY, watermark

DEFAULT_TZ = "UTC"
HEART_RATE = Kind.HEART_RATE  # a module global: one lookup on the hot path
INF = float("inf")  # never ticks


class Engine:
    """Per-home streaming detectors.

    Examples
    --------
    >>> from carewatch.records import ReadingRecord
    >>> engine = Engine()
    >>> engine.set_home_tz("h-1", "Europe/London")
    >>> engine.process(ReadingRecord("h-1", "bed", "bed", 1_767_571_200.0, 1.0))
    []
    >>> restored = Engine.from_bytes(engine.to_bytes())
    >>> restored.homes()
    ['h-1']
    """

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()
        self._homes: dict[str, Home] = {}
        self._tz: dict[str, str] = {}
        # consent and tuning told of before a home's first reading (D120, D122): no empty
        # home is made for them (it would hold event time back); its first reading takes them
        self._withheld_before: dict[str, frozenset[Kind]] = {}
        self._tuning_before: dict[str, Mapping[AlertKind, int]] = {}
        self._now = 0.0

    def homes(self) -> list[str]:
        """The homes seen so far."""
        return sorted(self._homes)

    def kinds(self, home: str) -> frozenset[Kind]:
        """The kinds of sensor heard from in a home so far (its kit, for carewatch.kit)."""
        state = self._homes.get(home)
        return state.kinds if state is not None else frozenset()

    def set_home_tz(self, home: str, tz: str) -> None:
        """Tell the engine a home's IANA zone (before its readings, ideally)."""
        self._tz[home] = tz
        state = self._homes.get(home)
        if state is not None:
            state.set_tz(tz)

    def _home(self, home: str) -> Home:
        state = self._homes.get(home)
        if state is None:
            state = self._homes[home] = Home(home, self._tz.get(home, DEFAULT_TZ), self.config)
            state.withheld = self._withheld_before.pop(home, frozenset())
            state.tune(self._tuning_before.pop(home, {}))
        return state

    def process(self, reading: ReadingRecord) -> list[Alert | DailySummary]:
        """Take one reading; return any alerts and daily summaries it completes."""
        return list(self._run((reading,), None))

    def replay(
        self,
        readings: Iterable[ReadingRecord],
        tick_every: float,
        statuses: Sequence[StatusRecord] = (),
    ) -> Iterator[Alert | DailySummary]:
        """Feed readings in arrival order, ticking the watermark each ``tick_every`` of event time.

        :meth:`process` and :meth:`tick` in one loop, as ``carewatch replay`` needs them:
        the watermark is the clock the latest tenth of the homes have reached
        (detectors/watermark.py), ticked once the latest clock has moved ``tick_every``
        past the last tick. No tick follows the
        last reading (a file's end is not an outage). ``statuses`` (in time order) are
        taken at the first tick at or after their time, as ingest takes them on arrival.
        """
        return self._run(readings, tick_every, statuses)

    def _run(
        self,
        readings: Iterable[ReadingRecord],
        tick_every: float | None,
        statuses: Sequence[StatusRecord] = (),
    ) -> Iterator[Alert | DailySummary]:
        """The one loop that takes readings (and ticks, unless ``tick_every`` is None).

        Its names bound once and one output list reused, with no call per reading
        beyond the home's own: a tenth of a replay's time is spent in this loop itself
        (decision D44).
        """
        homes, new_home = self._homes, self._home
        out: Output = []
        next_tick = 0.0 if tick_every is not None else INF
        pending = deque(statuses)
        now = self._now
        try:
            for reading in readings:
                state = homes.get(reading.home) or new_home(reading.home)
                if reading.kind is HEART_RATE:
                    state.beat(reading.sensor, reading.ts, reading.value, reading.resident, out)
                else:
                    state.process(
                        reading.sensor,
                        reading.kind,
                        reading.ts,
                        reading.value,
                        reading.resident,
                        out,
                    )
                if state.clock > now:
                    now = state.clock
                if out:
                    self._now = now
                    yield from out
                    out.clear()
                if now >= next_tick:
                    self._now = now
                    mark = self.watermark()
                    while pending and pending[0].ts <= mark:
                        yield from self._status_record(pending.popleft())
                    yield from self.tick(mark)
                    next_tick = max(mark, now) + (tick_every or 0.0)
        finally:
            self._now = now

    def now(self) -> float:
        """The latest home clock seen (cheap; tells a replay when to tick)."""
        return self._now

    def watermark(self, share: float = REPLAY) -> float:
        """Event time's "now" for :meth:`tick` (detectors/watermark.py; a replay's by default)."""
        return watermark([state.clock for state in self._homes.values()], share)

    def tick(self, now: float) -> list[Alert | DailySummary]:
        """Let time pass to ``now`` for silence-based checks (watermark or wall clock)."""
        out: Output = []
        for state in self._homes.values():
            if state.first_ts and now >= state.next_check:
                state.check(max(now, state.clock), out)
        return out

    def _status_record(self, record: StatusRecord) -> list[Alert]:
        status = GatewayStatus(gateway=record.gateway, state=record.state, ts=record.ts)
        return self.status(record.home, status, record.ts)

    def status(self, home: str, status: GatewayStatus, received_at: float) -> list[Alert]:
        """Take a gateway status message: offline/online, time zone, batteries."""
        if status.tz is not None:
            self.set_home_tz(home, status.tz)
        state = self._home(home)
        return [a for a in state.health.status(state, status, received_at) if isinstance(a, Alert)]

    def withheld(self, home: str) -> frozenset[Kind]:
        """The kinds ingest does not collect in ``home`` (as :meth:`withhold` said)."""
        state = self._homes.get(home)
        if state is None:
            return self._withheld_before.get(home, frozenset())
        return state.withheld

    def withhold(self, home: str, kinds: frozenset[Kind]) -> None:
        """No consent to collect ``kinds`` in ``home`` (from now on): their silence is not news."""
        state = self._homes.get(home)
        if state is not None:
            state.withheld = kinds
        else:
            self._withheld_before[home] = kinds

    def tuning(self, home: str) -> dict[AlertKind, int]:
        """The steps stricter per alert kind in ``home`` (as :meth:`tune` said; D122)."""
        state = self._homes.get(home)
        if state is None:
            return {kind: n for kind, n in self._tuning_before.get(home, {}).items() if n}
        return dict(state.tuning)

    def tune(self, home: str, steps: Mapping[AlertKind, int]) -> None:
        """Carers' feedback for ``home``: each alert kind's steps stricter (from now on)."""
        state = self._homes.get(home)
        if state is not None:
            state.tune(steps)
        else:
            self._tuning_before[home] = steps

    def to_bytes(self) -> bytes:
        """A checkpoint of every home's state (compressed; detectors/checkpoint.py)."""
        return zlib.compress(checkpoint.write(self.config, self._tz, self._homes), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Engine":
        """Restore an engine from :meth:`to_bytes` (a trusted, local checkpoint)."""
        config, tz, homes = checkpoint.read(zlib.decompress(data))
        for state in homes.values():
            state.cfg = config  # one object for all, as before the checkpoint
        engine = cls(config)
        engine._tz = tz
        engine._homes = homes
        engine._now = max((state.clock for state in homes.values()), default=0.0)
        return engine

    def home_bytes(self, home: str) -> int:
        """Checkpoint size of one home's state, in bytes (compressed)."""
        return len(zlib.compress(checkpoint.dumps(self._homes[home]), 6))
