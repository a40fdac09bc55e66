"""The durable outbox: every reading is on disk before anything is sent.

SQLite in WAL mode with ``synchronous=FULL``: each transaction is fsynced when it
commits, so a reading acknowledged by :meth:`Outbox.add` survives SIGKILL and a
power cut (the volume is a few readings a minute, so the fsync costs nothing that
matters). Readings wait in ``pending`` until the publisher forms a batch: the batch
gets the next sequence number and its encoded payload is stored in the same
transaction, so a resend after a restart carries the same ``seq`` and the same
readings. A batch leaves only when ingest has confirmed storing it (:meth:`ack`;
docs/protocol.md, ``…/acks``).

When the outbox holds more than ``max_readings``, the oldest heart-rate and motion
readings are thinned to half their resolution (repeatedly, oldest first); chair,
bed, tap, toilet and door events are never dropped, even above the bound.
"""

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from carewatch.clock import Clock, system_clock
from carewatch.protocol import Kind, Reading, ReadingsBatch, encode
from carewatch.sqlite import immediate_transaction

log = logging.getLogger(__name__)

THINNABLE: Final = (Kind.HEART_RATE.value, Kind.MOTION.value)
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, kind TEXT NOT NULL,
    ts REAL NOT NULL, value REAL NOT NULL, resident TEXT);
CREATE INDEX IF NOT EXISTS pending_ts ON pending (ts, id);
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY, count INTEGER NOT NULL, oldest_ts REAL NOT NULL,
    payload BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sensors (sensor TEXT PRIMARY KEY, last_seen REAL, battery REAL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Batch:
    """A formed readings message waiting for the broker's acknowledgement."""

    seq: int
    count: int
    oldest_ts: float
    payload: bytes


class Outbox:
    """The on-disk queue of readings between the sources and the broker.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> box = Outbox(Path(tmp.name) / "outbox.db", clock=lambda: 1_700_000_100.0)
    >>> box.add([Reading("hr-1", Kind.HEART_RATE, 1_700_000_000.0, 72.0)])
    0
    >>> batch = box.form_batch("gw-1", max_readings=100)
    >>> batch.seq, batch.count, box.depth()
    (0, 1, 1)
    >>> box.ack(batch.seq)
    >>> box.depth(), box.next_seq()
    (0, 1)
    >>> box.close(); tmp.cleanup()
    """

    def __init__(
        self, path: Path, *, max_readings: int = 500_000, clock: Clock = system_clock
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)  # explicit transactions
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._max = max_readings
        self._clock = clock
        self.thinned = 0

    def close(self) -> None:
        """Close the database (everything committed is already on disk)."""
        self._db.close()

    def add(self, readings: Iterable[Reading]) -> int:
        """Store ``readings`` durably in one transaction; returns how many were thinned."""
        rows = [(r.sensor, r.kind.value, r.ts, r.value, r.resident) for r in readings]
        if not rows:
            return 0
        with immediate_transaction(self._db):
            self._db.executemany(
                "INSERT INTO pending (sensor, kind, ts, value, resident) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            self._db.executemany(
                "INSERT INTO sensors (sensor, last_seen) VALUES (?, ?) ON CONFLICT (sensor) "
                "DO UPDATE SET last_seen = max(coalesce(last_seen, 0), excluded.last_seen)",
                [(row[0], row[2]) for row in rows],
            )
            thinned = self._thin_if_full()
        self.thinned += thinned
        return thinned

    def set_battery(self, sensor: str, percent: float) -> None:
        """Remember a sensor's battery level (reported in the status)."""
        with immediate_transaction(self._db):
            self._db.execute(
                "INSERT INTO sensors (sensor, battery) VALUES (?, ?) "
                "ON CONFLICT (sensor) DO UPDATE SET battery = excluded.battery",
                (sensor, percent),
            )

    def form_batch(self, gateway: str, max_readings: int) -> Batch | None:
        """Take the oldest pending readings into a new batch with the next ``seq``."""
        with immediate_transaction(self._db):
            rows = self._db.execute(
                "SELECT id, sensor, kind, ts, value, resident FROM pending ORDER BY ts, id LIMIT ?",
                (max_readings,),
            ).fetchall()
            if not rows:
                return None
            seq = self.next_seq()
            readings = [Reading(s, Kind(k), ts, v, res) for _, s, k, ts, v, res in rows]
            message = ReadingsBatch(gateway=gateway, seq=seq, sent=self._clock(), readings=readings)
            batch = Batch(seq, len(rows), rows[0][3], encode(message))
            self._db.execute(
                "INSERT INTO batches (seq, count, oldest_ts, payload) VALUES (?, ?, ?, ?)",
                (batch.seq, batch.count, batch.oldest_ts, batch.payload),
            )
            self._db.executemany("DELETE FROM pending WHERE id = ?", [(r[0],) for r in rows])
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('next_seq', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (seq + 1,),
            )
        return batch

    def unacked(self) -> list[Batch]:
        """Batches formed but not yet acknowledged, oldest first (resent after a restart)."""
        rows = self._db.execute(
            "SELECT seq, count, oldest_ts, payload FROM batches ORDER BY seq"
        ).fetchall()
        return [Batch(seq, count, oldest, bytes(payload)) for seq, count, oldest, payload in rows]

    def batches(self, seqs: list[int]) -> list[Batch]:
        """The formed batches ``seqs`` still held (to send again), in the order asked."""
        found = []
        for seq in seqs:  # a few hundred at most, by primary key
            row = self._db.execute(
                "SELECT seq, count, oldest_ts, payload FROM batches WHERE seq = ?", (seq,)
            ).fetchone()
            if row is not None:
                found.append(Batch(row[0], row[1], row[2], bytes(row[3])))
        return found

    def ack(self, seq: int) -> None:
        """Ingest (or, with ``confirm_by = "broker"``, the broker) has the batch: forget it."""
        with immediate_transaction(self._db):
            self._db.execute("DELETE FROM batches WHERE seq = ?", (seq,))

    def next_seq(self) -> int:
        """The sequence number the next batch will get (persisted)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()
        return int(row[0]) if row else 0

    def pending(self) -> int:
        """Readings not yet in a batch."""
        return int(self._db.execute("SELECT count(*) FROM pending").fetchone()[0])

    def depth(self) -> int:
        """Readings not yet acknowledged by the broker (pending and in batches)."""
        in_batches = self._db.execute("SELECT coalesce(sum(count), 0) FROM batches").fetchone()
        return self.pending() + int(in_batches[0])

    def oldest_ts(self) -> float | None:
        """Measured time of the oldest unacknowledged reading."""
        row = self._db.execute(
            "SELECT min(ts) FROM (SELECT min(ts) AS ts FROM pending "
            "UNION ALL SELECT min(oldest_ts) FROM batches)"
        ).fetchone()
        return None if row[0] is None else float(row[0])

    def last_seen(self) -> dict[str, float]:
        """The newest measured ``ts`` stored per sensor (survives restarts)."""
        rows = self._db.execute(
            "SELECT sensor, last_seen FROM sensors WHERE last_seen IS NOT NULL"
        ).fetchall()
        return {sensor: float(ts) for sensor, ts in rows}

    def battery(self) -> dict[str, float]:
        """The last battery level reported per sensor."""
        rows = self._db.execute(
            "SELECT sensor, battery FROM sensors WHERE battery IS NOT NULL"
        ).fetchall()
        return {sensor: float(level) for sensor, level in rows}

    def _thin_if_full(self) -> int:
        excess = self.depth() - self._max
        if excess <= 0:
            return 0
        # Thin in chunks of a tenth of the bound so this runs rarely, not on every insert.
        limit = max(excess, self._max // 10)
        cursor = self._db.execute(
            "DELETE FROM pending WHERE id IN (SELECT id FROM ("
            " SELECT id, ts, row_number() OVER (PARTITION BY sensor ORDER BY ts, id) AS n"
            " FROM pending WHERE kind IN (?, ?)) WHERE n % 2 = 0 ORDER BY ts LIMIT ?)",
            (*THINNABLE, limit),
        )
        if cursor.rowcount == 0:
            log.warning("outbox over its bound of %d, only events left: kept", self._max)
        else:
            log.warning("outbox full: thinned %d heart-rate/motion readings", cursor.rowcount)
        return cursor.rowcount
