"""The embedded default store: one SQLite file in WAL mode, zero set-up.

Schema and pragmas are chosen for ingest throughput (see docs/storage.md):
readings live in a ``WITHOUT ROWID`` table whose primary key
``(home, kind, ts, sensor)`` is both the de-duplication key and the index every
read uses; ``kind`` is a one-byte code and ``ts`` integer microseconds. A batch
is one transaction; ``synchronous=NORMAL`` in WAL mode survives a process crash
and loses at most the last transactions on a power cut. Each store object owns
one connection, so an API process reading and an ingest process writing the same
file each open their own; ``busy_timeout`` makes them wait for each other.
"""

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from carewatch.errors import BadData, ConfigError, RetryLater
from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store.base import SensorSeen, Window, WindowAggregate
from carewatch.store.windows import WIDTH_S, Partial, merge, segments, window_start, zone

# Stored codes: append only, never renumber (files on disk depend on them).
KIND_CODES: dict[Kind, int] = {
    Kind.CHAIR: 1,
    Kind.BED: 2,
    Kind.TAP: 3,
    Kind.TOILET: 4,
    Kind.HEART_RATE: 5,
    Kind.MOTION: 6,
    Kind.DOOR: 7,
}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
SCHEMA_VERSION = 1
US = 1_000_000  # stored timestamps are integer microseconds

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS readings (
        home TEXT NOT NULL,
        kind INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        sensor TEXT NOT NULL,
        value REAL NOT NULL,
        resident TEXT,
        PRIMARY KEY (home, kind, ts, sensor)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS sensors (
        home TEXT NOT NULL,
        sensor TEXT NOT NULL,
        kind INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (home, sensor, kind)
    ) WITHOUT ROWID""",
    # for people reading the file with the sqlite3 shell
    "CREATE TABLE IF NOT EXISTS kinds (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
)

# Last write wins, like InfluxDB; a missing resident keeps the stored one (InfluxDB
# merges fields the same way), so both backends give the same answer to a rewrite.
_INSERT = """
INSERT INTO readings (home, kind, ts, sensor, value, resident) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (home, kind, ts, sensor) DO UPDATE
SET value = excluded.value, resident = coalesce(excluded.resident, resident)
"""
_SEEN = """
INSERT INTO sensors (home, sensor, kind, last_seen) VALUES (?, ?, ?, ?)
ON CONFLICT (home, sensor, kind) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)
"""

Row = tuple[str, int, int, str, float, str | None]
_retry = retry(
    retry=retry_if_exception_type(RetryLater),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.05, max=1.0),
    reraise=True,
)


class SQLiteStore:
    """Readings in one SQLite file; safe to share between threads of one process.

    Parameters
    ----------
    path
        The database file; its folder is created when missing.
    busy_timeout_s
        How long to wait for another process holding the write lock before a
        call fails with :class:`RetryLater`.
    synchronous
        ``"NORMAL"`` (default; durable across a process crash, the last
        transactions may be lost on power loss) or ``"FULL"`` (fsync per batch).

    Examples
    --------
    >>> import tempfile
    >>> from carewatch.protocol.kinds import Kind
    >>> store = SQLiteStore(Path(tempfile.mkdtemp()) / "readings.db")
    >>> r = ReadingRecord(home="h-1", sensor="hr-1", kind=Kind.HEART_RATE, ts=1.7e9, value=61.0)
    >>> store.write([r, r])
    >>> store.query("h-1", Kind.HEART_RATE, 0, 2e9) == [r]
    True
    >>> store.close()
    """

    def __init__(
        self, path: Path, *, busy_timeout_s: float = 5.0, synchronous: str = "NORMAL"
    ) -> None:
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            raise ConfigError(f"cannot open SQLite store {path}: {error}") from error
        try:
            self._prepare(synchronous)
        except RetryLater as error:
            self._db.close()
            if "locked" in str(error):
                raise
            raise ConfigError(f"{error} (is it a CareWatch readings file?)") from error
        except ConfigError:
            self._db.close()
            raise

    def _prepare(self, synchronous: str) -> None:
        with self._session() as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA synchronous = {synchronous}")
            db.execute("PRAGMA temp_store = MEMORY")
            db.execute("PRAGMA cache_size = -65536")  # 64 MiB: the hot end of the key
            with _transaction(db):
                _create_schema(db)

    @_retry
    def write(self, readings: Sequence[ReadingRecord]) -> None:
        """Store a batch in one transaction; rewriting a reading replaces its value."""
        if not readings:
            return
        codes = KIND_CODES
        rows: list[Row] = [
            (r.home, codes[r.kind], round(r.ts * US), r.sensor, r.value, r.resident)
            for r in readings
        ]
        with self._session() as db, _transaction(db):
            db.executemany(_INSERT, rows)
            db.executemany(_SEEN, _last_seen(rows))

    def query(self, home: str, kind: Kind, start: float, end: float) -> list[ReadingRecord]:
        """One home's readings of ``kind`` with ``start <= ts < end``, oldest first."""
        sql = (
            "SELECT sensor, ts, value, resident FROM readings "
            "WHERE home = ? AND kind = ? AND ts >= ? AND ts < ? ORDER BY ts, sensor"
        )
        with self._session() as db:
            rows = db.execute(sql, (home, KIND_CODES[kind], _us(start), _us(end))).fetchall()
        return [
            ReadingRecord(home=home, sensor=s, kind=kind, ts=ts / US, value=v, resident=res)
            for s, ts, v, res in rows
        ]

    def aggregate(
        self, home: str, kind: Kind, start: float, end: float, window: Window, tz: str = "UTC"
    ) -> list[WindowAggregate]:
        """count, sum, mean, min and max per window of ``[start, end)``; empty ones left out."""
        zone_info = zone(tz)
        width = WIDTH_S[window] * US
        key = (home, KIND_CODES[kind])
        with self._session() as db:
            low, high = db.execute(
                "SELECT min(ts), max(ts) FROM readings "
                "WHERE home = ? AND kind = ? AND ts >= ? AND ts < ?",
                (*key, _us(start), _us(end)),
            ).fetchone()
            if low is None:
                return []
            parts: list[Partial] = []
            for seg in segments(low / US, high / US + 1e-6, zone_info):
                rows = db.execute(
                    "SELECT (ts + ?) / ? AS g, count(*), sum(value), min(value), max(value) "
                    "FROM readings WHERE home = ? AND kind = ? AND ts >= ? AND ts < ? "
                    "GROUP BY g ORDER BY g",
                    (seg.offset * US, width, *key, _us(seg.start), _us(seg.end)),
                )
                parts.extend(
                    Partial(window_start(g, window, seg.offset, zone_info), n, s, lo, hi)
                    for g, n, s, lo, hi in rows
                )
        return merge(parts)

    def sensors(self, home: str | None = None) -> list[SensorSeen]:
        """Every sensor seen (in ``home``, or anywhere), with its last reading time."""
        sql = "SELECT home, sensor, kind, last_seen FROM sensors"
        params: tuple[str, ...] = ()
        if home is not None:
            sql, params = sql + " WHERE home = ?", (home,)
        with self._session() as db:
            rows = db.execute(sql + " ORDER BY home, sensor, kind", params).fetchall()
        return [SensorSeen(h, s, KINDS_BY_CODE[k], last / US) for h, s, k, last in rows]

    @_retry
    def delete_before(self, cutoff: float) -> None:
        """Delete readings with ``ts < cutoff``, and sensors with nothing left."""
        limit = _us(cutoff)
        with self._session() as db, _transaction(db):
            pairs = db.execute("SELECT DISTINCT home, kind FROM sensors").fetchall()
            # per (home, kind) so each delete is a range scan of the primary key
            db.executemany(
                "DELETE FROM readings WHERE home = ? AND kind = ? AND ts < ?",
                [(h, k, limit) for h, k in pairs],
            )
            db.execute("DELETE FROM sensors WHERE last_seen < ?", (limit,))

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when it is the last one)."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _session(self) -> Iterator[sqlite3.Connection]:
        """The connection, for one thread at a time, with errors translated."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.IntegrityError as error:
                raise BadData(f"SQLite store {self.path} refused the data: {error}") from error
            except (sqlite3.InterfaceError, sqlite3.ProgrammingError) as error:
                if "closed" in str(error):
                    raise RetryLater(f"SQLite store {self.path} is closed") from error
                raise BadData(f"SQLite store {self.path} refused the data: {error}") from error
            except sqlite3.Error as error:  # locked, disk full, I/O: may pass later
                raise RetryLater(f"SQLite store {self.path}: {error}") from error


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-batch
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _create_schema(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ConfigError(
            f"SQLite store schema {version} is newer than this CareWatch's "
            f"({SCHEMA_VERSION}): upgrade CareWatch or point the store URL at another file"
        )
    if version == SCHEMA_VERSION:
        return
    for statement in _SCHEMA:
        db.execute(statement)
    db.executemany(
        "INSERT OR IGNORE INTO kinds VALUES (?, ?)", [(c, k.value) for k, c in KIND_CODES.items()]
    )
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _last_seen(rows: list[Row]) -> list[tuple[str, str, int, int]]:
    """Each sensor's latest ts in the batch: one upsert per sensor, not per reading."""
    latest: dict[tuple[str, str, int], int] = {}
    for home, kind, ts, sensor, _value, _resident in rows:
        key = (home, sensor, kind)
        if ts > latest.get(key, -1):
            latest[key] = ts
    return [(h, s, k, ts) for (h, s, k), ts in latest.items()]


def _us(ts: float) -> int:
    return round(ts * US)
