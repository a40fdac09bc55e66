"""The embedded default store: one SQLite file in WAL mode, zero set-up.

Layout, chosen for ingest throughput (measured in benchmarks/bench_store.py,
reasons in docs/storage.md):

- ``series`` names each (home, sensor, kind) once with a small integer id and
  keeps its last-seen time; ``homes`` does the same for homes;
- ``readings`` is a ``WITHOUT ROWID`` table keyed ``(home, ts, series)``, all
  integers (``ts`` in microseconds). Time moves forward, so a batch appends at
  one place per home instead of one per sensor: keyed per sensor first, every
  batch dirtied a page per sensor and wrote 3-4x slower. The key is also the
  de-duplication key and the index every read uses (one home, a time range).

A batch is one transaction, fsynced by default (``synchronous=FULL``: one fsync
per batch, which measured no slower here), so a batch that ``write`` accepted
survives a power cut; ``NORMAL`` is an option (survives process crashes only).
Each store object owns one connection, so an API process reading and an ingest
process writing the same file each open their own; ``busy_timeout`` makes them
wait for each other.
"""

import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from carewatch.errors import BadData, ConfigError, RetryLater
from carewatch.protocol.kinds import Kind
from carewatch.protocol.messages import Reading
from carewatch.records import ReadingRecord
from carewatch.sqlite import immediate_transaction
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
    "CREATE TABLE IF NOT EXISTS homes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    """CREATE TABLE IF NOT EXISTS series (
        id INTEGER PRIMARY KEY,
        home INTEGER NOT NULL REFERENCES homes (id),
        sensor TEXT NOT NULL,
        kind INTEGER NOT NULL REFERENCES kinds (code),
        last_seen INTEGER NOT NULL,
        UNIQUE (home, kind, sensor)
    )""",
    """CREATE TABLE IF NOT EXISTS readings (
        home INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        series INTEGER NOT NULL,
        value REAL NOT NULL,
        resident TEXT,
        PRIMARY KEY (home, ts, series)
    ) WITHOUT ROWID""",
    # for people reading the file with the sqlite3 shell
    "CREATE TABLE IF NOT EXISTS kinds (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    # readings before this were deleted (retention): their sensors are no longer listed
    "CREATE TABLE IF NOT EXISTS pruned (id INTEGER PRIMARY KEY CHECK (id = 1), before INTEGER)",
)
# Retention per kind (D108): readings of that kind before this were deleted. Made in files
# of schema 1 too (an added table changes nothing older code reads).
_PRUNED_KINDS = "CREATE TABLE IF NOT EXISTS pruned_kinds (kind INTEGER PRIMARY KEY, before INTEGER)"

# Last write wins, like InfluxDB; a missing resident keeps the stored one (InfluxDB
# merges fields the same way), so both backends give the same answer to a rewrite.
_INSERT = """
INSERT INTO readings (home, ts, series, value, resident) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (home, ts, series) DO UPDATE
SET value = excluded.value, resident = coalesce(excluded.resident, resident)
"""
_SEEN = "UPDATE series SET last_seen = max(last_seen, ?) WHERE id = ?"

Row = tuple[int, int, int, float, str | None]
SeriesKey = tuple[str, str, Kind]

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
        ``"FULL"`` (default: fsync per batch, durable across a power cut) or
        ``"NORMAL"`` (durable across a process crash; a power cut may lose the
        last batches).

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
        self, path: Path, *, busy_timeout_s: float = 5.0, synchronous: str = "FULL"
    ) -> None:
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
        self.path = path
        self._lock = threading.Lock()
        # ids never change once given (retention deletes readings, not series)
        self._series: dict[SeriesKey, tuple[int, int]] = {}
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
            db.execute("PRAGMA cache_size = -65536")  # 64 MiB: the hot end of each home
            with immediate_transaction(db):
                _create_schema(db)
                db.execute(_PRUNED_KINDS)

    @_retry
    def write(self, readings: Sequence[ReadingRecord]) -> None:
        """Store a batch in one transaction; rewriting a reading replaces its value."""
        if not readings:
            return
        with self._session() as db, immediate_transaction(db):
            self._insert(db, self._rows(db, readings))

    def write_grouped(self, groups: Sequence[tuple[str, Sequence[Reading]]]) -> None:
        """:meth:`write` for wire readings grouped by home, as ingest receives them.

        Saves building a :class:`ReadingRecord` per reading (about 1 µs each).
        """
        if not any(readings for _, readings in groups):
            return
        with self._session() as db, immediate_transaction(db):
            known, register = self._series.get, self._register
            rows = [
                (ids[0], round(r.ts * US), ids[1], r.value, r.resident)
                for home, readings in groups
                for r in readings
                if (ids := known((home, r.sensor, r.kind)) or register(db, home, r.sensor, r.kind))
            ]
            self._insert(db, rows)

    def _insert(self, db: sqlite3.Connection, rows: list[Row]) -> None:
        db.executemany(_INSERT, rows)
        db.executemany(_SEEN, _last_seen(rows))

    def query(
        self,
        home: str,
        kind: Kind,
        start: float,
        end: float,
        *,
        sensors: Collection[str] | None = None,
    ) -> list[ReadingRecord]:
        """One home's readings of ``kind`` with ``start <= ts < end``, oldest first
        (only from ``sensors`` when given)."""
        with self._session() as db:
            home_id, series = _series_of(db, home, kind, sensors)
            if not series:
                return []
            marks = ", ".join("?" * len(series))
            rows = db.execute(
                "SELECT ts, series, value, resident FROM readings "  # noqa: S608 (marks are "?")
                f"WHERE home = ? AND ts >= ? AND ts < ? AND series IN ({marks})",
                (home_id, _us(start), _us(end), *series),
            ).fetchall()
        readings = [
            ReadingRecord(home=home, sensor=series[s], kind=kind, ts=ts / US, value=v, resident=r)
            for ts, s, v, r in rows
        ]
        readings.sort(key=lambda r: (r.ts, r.sensor))
        return readings

    def aggregate(
        self,
        home: str,
        kind: Kind,
        start: float,
        end: float,
        window: Window,
        tz: str = "UTC",
        *,
        sensors: Collection[str] | None = None,
    ) -> list[WindowAggregate]:
        """count, sum, mean, min and max per window of ``[start, end)``; empty ones left out
        (only ``sensors``' readings count when given)."""
        zone_info = zone(tz)
        width = WIDTH_S[window] * US
        with self._session() as db:
            home_id, series = _series_of(db, home, kind, sensors)
            if not series:
                return []
            marks = ", ".join("?" * len(series))
            where = f"home = ? AND ts >= ? AND ts < ? AND series IN ({marks})"
            low, high = db.execute(
                f"SELECT min(ts), max(ts) FROM readings WHERE {where}",  # noqa: S608
                (home_id, _us(start), _us(end), *series),
            ).fetchone()
            if low is None:
                return []
            parts: list[Partial] = []
            for seg in segments(low / US, high / US + 1e-6, zone_info):
                rows = db.execute(
                    "SELECT (ts + ?) / ? AS g, count(*), sum(value), min(value), max(value) "  # noqa: S608
                    f"FROM readings WHERE {where} GROUP BY g ORDER BY g",
                    (seg.offset * US, width, home_id, _us(seg.start), _us(seg.end), *series),
                )
                parts.extend(
                    Partial(window_start(g, window, seg.offset, zone_info), n, s, lo, hi)
                    for g, n, s, lo, hi in rows
                )
        return merge(parts)

    def sensors(self, home: str | None = None) -> list[SensorSeen]:
        """Every sensor seen (in ``home``, or anywhere), with its last reading time."""
        sql = (
            "SELECT h.name, s.sensor, s.kind, s.last_seen FROM series s "
            "JOIN homes h ON h.id = s.home "
            "LEFT JOIN pruned_kinds p ON p.kind = s.kind "
            "WHERE s.last_seen >= max(coalesce((SELECT before FROM pruned), 0), "
            "coalesce(p.before, 0))"
        )
        params: tuple[str, ...] = ()
        if home is not None:
            sql, params = sql + " AND h.name = ?", (home,)
        with self._session() as db:
            rows = db.execute(sql + " ORDER BY h.name, s.sensor, s.kind", params).fetchall()
        return [SensorSeen(h, s, KINDS_BY_CODE[k], last / US) for h, s, k, last in rows]

    @_retry
    def delete_before(self, cutoff: float, kind: Kind | None = None) -> int:
        """Delete readings with ``ts < cutoff`` (of ``kind`` only, when given); sensors with
        none left are no longer listed."""
        if kind is not None:
            return self._delete_kind_before(_us(cutoff), KIND_CODES[Kind(kind)])
        limit = _us(cutoff)
        with self._session() as db, immediate_transaction(db):
            homes = db.execute("SELECT id FROM homes").fetchall()
            # per home so each delete is a range scan of the primary key
            deleted = db.executemany(
                "DELETE FROM readings WHERE home = ? AND ts < ?", [(h, limit) for (h,) in homes]
            ).rowcount  # summed over the homes by sqlite3
            db.execute(
                "INSERT INTO pruned (id, before) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET before = max(before, excluded.before)",
                (limit,),
            )
        return max(deleted, 0)

    def _delete_kind_before(self, limit: int, code: int) -> int:
        with self._session() as db, immediate_transaction(db):
            series = db.execute("SELECT home, id FROM series WHERE kind = ?", (code,)).fetchall()
            # per series so each delete is a range scan of the primary key's (home, ts) prefix
            deleted = db.executemany(
                "DELETE FROM readings WHERE home = ? AND ts < ? AND series = ?",
                [(home, limit, series_id) for home, series_id in series],
            ).rowcount
            db.execute(
                "INSERT INTO pruned_kinds (kind, before) VALUES (?, ?) "
                "ON CONFLICT (kind) DO UPDATE SET before = max(before, excluded.before)",
                (code, limit),
            )
        return max(deleted, 0)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when it is the last one)."""
        with self._lock:
            self._db.close()

    def _rows(self, db: sqlite3.Connection, readings: Sequence[ReadingRecord]) -> list[Row]:
        known, register = self._series.get, self._register
        return [  # a comprehension, not a loop: this is ingest's hot path
            (ids[0], round(r.ts * US), ids[1], r.value, r.resident)
            for r in readings
            if (ids := known((r.home, r.sensor, r.kind)) or register(db, r.home, r.sensor, r.kind))
        ]

    def _register(
        self, db: sqlite3.Connection, home: str, sensor: str, kind: Kind
    ) -> tuple[int, int]:
        """Ids of a series new to this connection (made if new to the file), in the write lock."""
        db.execute("INSERT OR IGNORE INTO homes (name) VALUES (?)", (home,))
        (home_id,) = db.execute("SELECT id FROM homes WHERE name = ?", (home,)).fetchone()
        code = KIND_CODES[kind]
        db.execute(
            "INSERT OR IGNORE INTO series (home, sensor, kind, last_seen) VALUES (?, ?, ?, 0)",
            (home_id, sensor, code),
        )
        (series_id,) = db.execute(
            "SELECT id FROM series WHERE home = ? AND kind = ? AND sensor = ?",
            (home_id, code, sensor),
        ).fetchone()
        self._series[(home, sensor, kind)] = ids = (int(home_id), int(series_id))
        return ids

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


def _series_of(
    db: sqlite3.Connection, home: str, kind: Kind, wanted: Collection[str] | None = None
) -> tuple[int, dict[int, str]]:
    """The home's id and its series of ``kind`` as {series id: sensor}, only ``wanted``
    sensors when given."""
    rows = db.execute(
        "SELECT s.home, s.id, s.sensor FROM series s JOIN homes h ON h.id = s.home "
        "WHERE h.name = ? AND s.kind = ?",
        (home, KIND_CODES[kind]),
    ).fetchall()
    return (rows[0][0] if rows else -1), {
        series: sensor for _, series, sensor in rows if wanted is None or sensor in wanted
    }


def _last_seen(rows: list[Row]) -> list[tuple[int, int]]:
    """Each series' latest ts in the batch: one update per sensor, not per reading."""
    latest: dict[int, int] = {}
    for _home, ts, series, _value, _resident in rows:
        if ts > latest.get(series, -1):
            latest[series] = ts
    return [(ts, series) for series, ts in latest.items()]


def _us(ts: float) -> int:
    return round(ts * US)
