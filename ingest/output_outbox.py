"""Alert and summary messages published and not yet confirmed by the API, on disk.

A table in ingest's state file: the exact bytes of each message (so every copy has
the same :func:`~carewatch.protocol.output_digest`), kept until the API's receipt.
Bounded in count and bytes: beyond either limit the oldest are given up, and the
caller counts them. A newer message with the same ``key`` (a day's summary computed
again) replaces an unconfirmed older one, so an old copy sent again can never
overwrite the newer one at the API.
"""

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from carewatch.errors import ConfigError
from carewatch.protocol import output_digest
from carewatch.sqlite import immediate_transaction

# AUTOINCREMENT: ids are never reused, so they order the messages by age for good.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS unconfirmed_outputs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    digest TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS unconfirmed_outputs_by_key ON unconfirmed_outputs (key);
"""


class Message(NamedTuple):
    """One alert or summary message as published, and what it replaces (see module)."""

    topic: str
    payload: bytes
    key: str


class OutputLimits(NamedTuple):
    """How many unconfirmed messages, and how many bytes of them, are kept at most."""

    messages: int
    bytes: int


class Added(NamedTuple):
    """What :meth:`OutputOutbox.add` did: the new row (``None`` if already kept) and removals."""

    id: int | None
    superseded: list[int]
    dropped: list[int]


class OutputOutbox:
    """The table; not thread-safe (the caller holds a lock around every call).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     box = OutputOutbox(Path(tmp) / "state.db", OutputLimits(messages=2, bytes=10**6))
    ...     print(box.add([Message("t", b"a", "day-1"), Message("t", b"b", "day-1")]))
    ...     print(box.add([Message("t", b"c", "day-2")]), box.add([Message("t", b"d", "day-3")]))
    ...     print(box.messages(box.ids()), box.size())
    ...     box.close()
    [Added(id=1, superseded=[], dropped=[]), Added(id=2, superseded=[1], dropped=[])]
    [Added(id=3, superseded=[], dropped=[])] [Added(id=4, superseded=[], dropped=[2])]
    [(3, 't', b'c'), (4, 't', b'd')] (2, 4)
    """

    def __init__(self, path: Path, limits: OutputLimits) -> None:
        self._limits = limits
        self._count = self._bytes = 0  # running totals, so no add has to sum the table
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, isolation_level=None, timeout=30, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # a power cut must not take one
            self._db.executescript(_SCHEMA)
            self._recount()
        except (OSError, sqlite3.Error) as error:
            raise ConfigError(
                f"CAREWATCH_INGEST_STATE_PATH: cannot use {path} as ingest's state file: {error}"
            ) from None

    def add(self, messages: Sequence[Message]) -> list[Added]:
        """Keep messages (each replacing an older one of its key) in one transaction.

        One fsync for all: at local midnight every home's summary comes at once.
        """
        try:
            with immediate_transaction(self._db):
                return [self._add(*message) for message in messages]
        except sqlite3.Error:
            self._recount()  # rolled back: the running totals must follow
            raise

    def _add(self, topic: str, payload: bytes, key: str) -> Added:
        size = len(payload) + len(topic.encode())
        superseded = self._delete("key = ?", [key])
        row = self._db.execute(
            "INSERT OR IGNORE INTO unconfirmed_outputs (digest, key, bytes, topic, payload) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (output_digest(payload), key, size, topic, payload),
        ).fetchone()
        if row is not None:
            self._count, self._bytes = self._count + 1, self._bytes + size
        return Added(None if row is None else int(row[0]), superseded, self._prune())

    def confirm(self, digests: list[str]) -> list[int]:
        """Delete the messages with these digests; their ids (unknown digests are skipped)."""
        marks = ",".join("?" * len(digests))
        try:
            with immediate_transaction(self._db):
                return self._delete(f"digest IN ({marks})", digests)
        except sqlite3.Error:
            self._recount()
            raise

    def ids(self) -> list[int]:
        """Every kept message's id, oldest first."""
        rows = self._db.execute("SELECT id FROM unconfirmed_outputs ORDER BY id")
        return [int(id_) for (id_,) in rows]

    def messages(self, ids: list[int]) -> list[tuple[int, str, bytes]]:
        """``(id, topic, payload)`` of those of ``ids`` still kept, oldest first."""
        found = []
        for id_ in sorted(ids):
            row = self._db.execute(
                "SELECT topic, payload FROM unconfirmed_outputs WHERE id = ?", (id_,)
            ).fetchone()
            if row is not None:
                found.append((id_, str(row[0]), bytes(row[1])))
        return found

    def size(self) -> tuple[int, int]:
        """How many messages are kept, and their bytes."""
        return self._count, self._bytes

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def _delete(self, where: str, parameters: list[str]) -> list[int]:
        rows = self._db.execute(
            f"DELETE FROM unconfirmed_outputs WHERE {where} RETURNING id, bytes",  # noqa: S608
            parameters,
        ).fetchall()
        self._count -= len(rows)
        self._bytes -= sum(size for _, size in rows)
        return sorted(id_ for id_, _ in rows)

    def _recount(self) -> None:
        count, size = self._db.execute(
            "SELECT count(*), coalesce(sum(bytes), 0) FROM unconfirmed_outputs"
        ).fetchone()
        self._count, self._bytes = int(count), int(size)

    def _prune(self) -> list[int]:
        """Delete the oldest until within both limits."""
        dropped: list[int] = []
        while self._count > self._limits.messages or self._bytes > self._limits.bytes:
            id_, size = self._db.execute(
                "SELECT id, bytes FROM unconfirmed_outputs ORDER BY id LIMIT 1"
            ).fetchone()
            self._db.execute("DELETE FROM unconfirmed_outputs WHERE id = ?", (id_,))
            self._count, self._bytes = self._count - 1, self._bytes - size
            dropped.append(int(id_))
        return dropped
