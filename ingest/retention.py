"""Ingest's retention job: readings in the store (per kind) and its own dead letters.

Scheduled by :class:`carewatch.retention.RetentionJob` on its own thread of the ingest
service (decision D108), apart from the writer: a long delete in the store holds the
store's lock like a write does, and the writer waits its turn.
"""

import sqlite3
from pathlib import Path

from carewatch.clock import Clock
from carewatch.errors import RetryLater
from carewatch.retention import ReadingsSweep, RetentionJob, Sweep
from carewatch.sqlite import immediate_transaction
from carewatch.store import Store
from ingest.settings import IngestSettings


class DeadLettersSweep:
    """Dead letters received more than ``keep_s`` ago, from ingest's state file.

    Examples
    --------
    >>> import tempfile
    >>> from ingest.state import DeadLetter, IngestState
    >>> path = Path(tempfile.mkdtemp()) / "ingest.db"
    >>> state = IngestState(path)
    >>> state.commit([DeadLetter("t", b"x", "bad", 100.0), DeadLetter("t", b"y", "bad", 200.0)], {})
    >>> DeadLettersSweep(path, keep_s=50.0).sweep(now=200.0)
    {'dead_letters': 1}
    >>> [letter.payload for letter in state.dead_letters()]
    [b'y']
    >>> state.close()
    """

    def __init__(self, state_path: Path, keep_s: float) -> None:
        self._path = state_path
        self._keep_s = keep_s

    def sweep(self, now: float) -> dict[str, int]:
        """Delete the dead letters received before ``now - keep_s``."""
        if not self._path.exists():
            return {"dead_letters": 0}
        try:
            db = sqlite3.connect(self._path, timeout=5.0, isolation_level=None)
            try:
                with immediate_transaction(db):
                    cursor = db.execute(
                        "DELETE FROM dead_letters WHERE received_at < ?", (now - self._keep_s,)
                    )
                return {"dead_letters": max(cursor.rowcount, 0)}
            finally:
                db.close()
        except sqlite3.OperationalError as error:  # locked for long, disk full: next run
            raise RetryLater(f"ingest state file {self._path}: {error}") from error


def retention_job(settings: IngestSettings, store: Store, clock: Clock) -> RetentionJob | None:
    """The job the settings ask for, or ``None`` when everything is kept for ever."""
    sweeps: list[Sweep] = []
    if settings.retention_readings is not None or settings.retention_readings_by_kind:
        by_kind = dict(settings.retention_readings_by_kind)
        sweeps.append(ReadingsSweep(store, settings.retention_readings, by_kind))
    if settings.retention_dead_letters is not None:
        sweeps.append(DeadLettersSweep(settings.state_path, settings.retention_dead_letters))
    if not sweeps:
        return None
    return RetentionJob(sweeps, every_s=settings.retention_every, clock=clock)
