"""Ingest's own durable state: dead letters and each gateway's sequence numbers.

One SQLite file (WAL). Dead letters keep the exact bytes with the reason, so
nothing invalid is dropped silently; they are bounded per gateway and in total, the
oldest going first and every drop counted (:mod:`ingest.dead_letters`). Sequence
state survives a restart so a restart reports no false gaps.
"""

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import msgspec

from carewatch.errors import ConfigError
from carewatch.sqlite import immediate_transaction
from ingest.dead_letters import DeadLetterLimits, Dropped, FloodWatch, prune, source_of
from ingest.sequences import GatewayKey, SequenceState

# The payload is the last column, so counting and pruning never read it.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL DEFAULT '',
    bytes INTEGER NOT NULL DEFAULT 0,
    topic TEXT NOT NULL,
    reason TEXT NOT NULL,
    received_at REAL NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letter_drops (
    source TEXT PRIMARY KEY,
    letters INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    first_at REAL NOT NULL,
    last_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (
    home TEXT NOT NULL,
    gateway TEXT NOT NULL,
    high INTEGER NOT NULL,
    missing TEXT NOT NULL,
    PRIMARY KEY (home, gateway)
);
"""

_INDEX = "CREATE INDEX IF NOT EXISTS dead_letters_by_source ON dead_letters (source, id)"
_INSERT = (
    "INSERT INTO dead_letters (source, bytes, topic, reason, received_at, payload) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_MISSING = msgspec.json.Decoder(list[tuple[int, int]])


class DeadLetter(NamedTuple):
    """A message ingest could not accept, kept with why and when."""

    topic: str
    payload: bytes
    reason: str
    received_at: float

    @property
    def size(self) -> int:
        """Bytes it takes in the state file (what the byte limits count)."""
        return len(self.payload) + len(self.topic.encode()) + len(self.reason.encode())


class DropCount(NamedTuple):
    """Dead letters of one gateway dropped so far to stay within the limits."""

    source: str
    letters: int
    bytes: int
    first_at: float
    last_at: float


class IngestState:
    """The state file; one instance per thread (SQLite connections are per thread).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     state = IngestState(Path(tmp) / "state.db")
    ...     state.commit([DeadLetter("t", b"{", "not JSON", 1.0)], {("h", "g"): SequenceState(7)})
    ...     print(state.dead_letters())
    ...     print(state.load_sequences())
    ...     state.close()
    [DeadLetter(topic='t', payload=b'{', reason='not JSON', received_at=1.0)]
    {('h', 'g'): SequenceState(high=7, missing=())}
    """

    def __init__(self, path: Path, watch: FloodWatch | None = None) -> None:
        self._watch = watch
        self._limits = watch.limits if watch else DeadLetterLimits()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA journal_size_limit=67108864")  # WAL back to 64 MB
            self._db.executescript(_SCHEMA)
            _upgrade(self._db)
            self._db.execute(_INDEX)
        except (OSError, sqlite3.Error) as error:
            raise ConfigError(
                f"CAREWATCH_INGEST_STATE_PATH: cannot use {path} as ingest's state file: {error}"
            ) from None

    def commit(
        self, dead_letters: Sequence[DeadLetter], sequences: dict[GatewayKey, SequenceState]
    ) -> None:
        """Record dead letters and sequence states in one transaction.

        Dead letters are synced to disk before this returns (they are acknowledged
        next, so a power cut must not take them); sequence states alone are not
        (after a power cut, losing the last ones only reports a false gap), sparing an fsync
        per batch.
        """
        sync = "FULL" if dead_letters else "NORMAL"
        self._db.execute(f"PRAGMA synchronous={sync}")
        drops: list[Dropped] = []
        with immediate_transaction(self._db):
            rows = [(source_of(d.topic), d.size, d.topic, d.reason, d.received_at, d.payload)
                    for d in dead_letters]  # fmt: skip
            self._db.executemany(_INSERT, rows)
            if rows:
                now = max(d.received_at for d in dead_letters)
                drops = prune(self._db, {row[0] for row in rows}, self._limits, now)
            self._db.executemany(
                "INSERT OR REPLACE INTO sequences (home, gateway, high, missing) VALUES (?,?,?,?)",
                [
                    (home, gateway, state.high, msgspec.json.encode(state.missing).decode())
                    for (home, gateway), state in sequences.items()
                ],
            )
        if drops and self._watch is not None:
            self._watch.report(drops)

    def dead_letters(self, limit: int | None = None) -> list[DeadLetter]:
        """Dead letters, newest first."""
        rows = self._db.execute(
            "SELECT topic, payload, reason, received_at FROM dead_letters ORDER BY id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [DeadLetter(*row) for row in rows]

    def dead_letter_count(self) -> int:
        """How many dead letters are kept."""
        return int(self._db.execute("SELECT count(*) FROM dead_letters").fetchone()[0])

    def drop_counts(self) -> list[DropCount]:
        """Gateways whose oldest dead letters were dropped, most recent first."""
        rows = self._db.execute(
            "SELECT source, letters, bytes, first_at, last_at FROM dead_letter_drops "
            "ORDER BY last_at DESC"
        )
        return [DropCount(*row) for row in rows]

    def load_sequences(self) -> dict[GatewayKey, SequenceState]:
        """Each gateway's last durably written sequence state."""
        rows = self._db.execute("SELECT home, gateway, high, missing FROM sequences")
        return {
            (home, gateway): SequenceState(high, tuple(_MISSING.decode(missing)))
            for home, gateway, high, missing in rows
        }

    def close(self) -> None:
        """Close the file."""
        self._db.close()


def _upgrade(db: sqlite3.Connection) -> None:
    """Give a state file from before the limits its ``source`` and ``bytes`` columns."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(dead_letters)")}
    if "source" in columns:
        return
    db.create_function("source_of", 1, source_of, deterministic=True)
    with immediate_transaction(db):
        db.execute("ALTER TABLE dead_letters ADD COLUMN source TEXT NOT NULL DEFAULT ''")
        db.execute("ALTER TABLE dead_letters ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0")
        db.execute(
            "UPDATE dead_letters SET source = source_of(topic), "
            "bytes = length(CAST(payload AS BLOB)) + length(CAST(topic AS BLOB)) "
            "+ length(CAST(reason AS BLOB))"
        )
