"""Dead letters stay bounded: per gateway and in total, by count and by bytes.

A broken or compromised gateway can send junk as fast as the broker lets it. Every
invalid message is kept (exact bytes and the reason) until its gateway's share or the
total would be exceeded; then the oldest go first, and every drop is counted: in the
state file (``carewatch ingest dead-letters`` lists them), in the metric
``carewatch_ingest_dead_letters_dropped_total``, in ``/health`` and in a warning per
gateway at most once a minute (decision D56).
"""

import logging
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from prometheus_client import Counter

from carewatch.clock import Clock

log = logging.getLogger(__name__)
MAX_SOURCE_CHARS = 140  # two id levels and a slash, with room for invalid ones
MAX_SOURCES = 1_000  # gateways remembered as having flooded; the least recent go first
WARN_EVERY_S = 60.0
RECENT_S = 3_600.0  # a flood shows in /health for an hour after its last drop


@dataclass(frozen=True)
class DeadLetterLimits:
    """How many dead letters, and how many bytes of them, are kept."""

    per_gateway: int = 1_000
    per_gateway_bytes: int = 16 * 2**20
    total: int = 20_000
    total_bytes: int = 256 * 2**20


class Dropped(NamedTuple):
    """Dead letters of one gateway deleted in one commit to stay within the limits."""

    source: str
    letters: int
    bytes: int


def source_of(topic: str) -> str:
    """Who sent a message: ``home/gateway`` of a v1 topic as sent (invalid ids too).

    >>> source_of("carewatch/v1/h-1/gw-1/readings"), source_of("carewatch/v1/h-1/alerts")
    ('h-1/gw-1', 'h-1')
    >>> source_of("elsewhere/x"), source_of("(store)")
    ('(other)', '(store)')
    """
    if topic.startswith("("):
        return topic[:MAX_SOURCE_CHARS]
    parts = topic.split("/", 5)
    if parts[:2] != ["carewatch", "v1"] or len(parts) < 4:
        return "(other)"
    return "/".join(parts[2 : 4 if len(parts) >= 5 else 3])[:MAX_SOURCE_CHARS]


_EXCESS = """
SELECT id, source, bytes FROM (
    SELECT id, source, bytes,
           count(*) OVER newest AS n, sum(bytes) OVER newest AS held
    FROM dead_letters {where}
    WINDOW newest AS (ORDER BY id DESC ROWS UNBOUNDED PRECEDING)
) WHERE n > ? OR held > ?
"""
_RECORD_DROPS = """
INSERT INTO dead_letter_drops (source, letters, bytes, first_at, last_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (source) DO UPDATE SET letters = letters + excluded.letters,
    bytes = bytes + excluded.bytes, last_at = excluded.last_at
"""


def prune(
    db: sqlite3.Connection, sources: set[str], limits: DeadLetterLimits, now: float
) -> list[Dropped]:
    """Delete the oldest dead letters beyond the limits (in the caller's transaction)
    and add them to each gateway's drop count; returns what was dropped."""
    excess: dict[int, tuple[str, int]] = {}
    for source in sources:
        rows = db.execute(
            _EXCESS.format(where="WHERE source = ?"),
            (source, limits.per_gateway, limits.per_gateway_bytes),
        )
        excess.update((row_id, (src, size)) for row_id, src, size in rows)
    rows = db.execute(_EXCESS.format(where=""), (limits.total, limits.total_bytes))
    excess.update((row_id, (src, size)) for row_id, src, size in rows)
    if not excess:
        return []
    db.executemany("DELETE FROM dead_letters WHERE id = ?", [(row_id,) for row_id in excess])
    totals: dict[str, tuple[int, int]] = {}
    for source, size in excess.values():
        count, held = totals.get(source, (0, 0))
        totals[source] = (count + 1, held + size)
    db.executemany(_RECORD_DROPS, [(s, n, b, now, now) for s, (n, b) in totals.items()])
    db.execute(
        "DELETE FROM dead_letter_drops WHERE source NOT IN "
        "(SELECT source FROM dead_letter_drops ORDER BY last_at DESC LIMIT ?)",
        (MAX_SOURCES,),
    )
    return [Dropped(source, n, b) for source, (n, b) in totals.items()]


class FloodWatch:
    """Tells engineers which gateways flood ingest: a metric, a warning, and ``recent()``."""

    def __init__(self, limits: DeadLetterLimits, dropped: Counter, clock: Clock) -> None:
        self.limits = limits
        self._dropped = dropped
        self._clock = clock
        self._lock = threading.Lock()
        self._floods: OrderedDict[str, tuple[int, int, float]] = OrderedDict()
        self._warned: dict[str, float] = {}

    def report(self, drops: list[Dropped]) -> None:
        """Count committed drops; warn about each flooding gateway at most once a minute."""
        now = self._clock()
        for drop in drops:
            self._dropped.inc(drop.letters)
            with self._lock:
                count, size, _ = self._floods.pop(drop.source, (0, 0, now))
                self._floods[drop.source] = (count + drop.letters, size + drop.bytes, now)
                while len(self._floods) > MAX_SOURCES:
                    self._warned.pop(self._floods.popitem(last=False)[0], None)
                due = now - self._warned.get(drop.source, -WARN_EVERY_S) >= WARN_EVERY_S
                if due:
                    self._warned[drop.source] = now
            if due:
                log.warning(
                    "gateway %r is flooding ingest with invalid messages: %d oldest dead "
                    "letters dropped (%d in all since ingest started) to stay within "
                    "%d and %d MB per gateway; see `carewatch ingest dead-letters`",
                    drop.source,
                    drop.letters,
                    count + drop.letters,
                    self.limits.per_gateway,
                    self.limits.per_gateway_bytes // 2**20,
                )

    def recent(self) -> dict[str, dict[str, float]]:
        """Gateways whose dead letters were dropped in the last hour, for ``/health``."""
        since = self._clock() - RECENT_S
        with self._lock:
            return {
                source: {"dropped": count, "dropped_bytes": size, "last_drop_at": last}
                for source, (count, size, last) in self._floods.items()
                if last >= since
            }
