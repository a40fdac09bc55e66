"""What every SQLite file of ours (store, outbox, ingest state) does the same way."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

    IMMEDIATE takes the write lock at the start, so a writer waits (busy_timeout) up
    front instead of failing half-way through a batch.

    Examples
    --------
    >>> db = sqlite3.connect(":memory:", isolation_level=None)
    >>> _ = db.execute("CREATE TABLE t (x)")
    >>> with immediate_transaction(db):
    ...     _ = db.execute("INSERT INTO t VALUES (1)")
    >>> try:
    ...     with immediate_transaction(db):
    ...         _ = db.execute("INSERT INTO t VALUES (2)")
    ...         raise RuntimeError("power cut")
    ... except RuntimeError:
    ...     pass
    >>> db.execute("SELECT x FROM t").fetchall()
    [(1,)]
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
