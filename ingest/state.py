"""Ingest's own durable state: dead letters and each gateway's sequence numbers.

One SQLite file (WAL). Dead letters keep the exact bytes with the reason, so
nothing invalid is dropped silently; sequence state survives a restart so a
restart reports no false gaps.
"""

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import msgspec

from carewatch.errors import ConfigError
from carewatch.sqlite import immediate_transaction
from ingest.sequences import GatewayKey, SequenceState

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    reason TEXT NOT NULL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (
    home TEXT NOT NULL,
    gateway TEXT NOT NULL,
    high INTEGER NOT NULL,
    missing TEXT NOT NULL,
    PRIMARY KEY (home, gateway)
);
"""

_MISSING = msgspec.json.Decoder(list[tuple[int, int]])


class DeadLetter(NamedTuple):
    """A message ingest could not accept, kept with why and when."""

    topic: str
    payload: bytes
    reason: str
    received_at: float


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

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
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
        with immediate_transaction(self._db):
            self._db.executemany(
                "INSERT INTO dead_letters (topic, payload, reason, received_at) VALUES (?,?,?,?)",
                dead_letters,
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO sequences (home, gateway, high, missing) VALUES (?,?,?,?)",
                [
                    (home, gateway, state.high, msgspec.json.encode(state.missing).decode())
                    for (home, gateway), state in sequences.items()
                ],
            )

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
