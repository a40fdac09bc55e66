"""Messages handed to the broker that their consumer has not yet confirmed storing.

A broker's PUBACK only says the message reached the broker's memory: a broker crash
before its next save loses it (docs/deployment.md). So the sender keeps a message until
its consumer's receipt says it is stored (a gateway's batches until ingest's ``…/acks``,
ingest's alerts and summaries until the API's ``…/receipts``), and these rules decide
when to send one again without flooding a broker whose consumer is simply down:

- after every reconnection, everything sent but unconfirmed (the broker that
  acknowledged it may have crashed);
- when a receipt confirms a message, every message sent *before* it and still
  unconfirmed (the consumer handles one sender's messages in order, so those were lost);
- when no receipt came for ``timeout_s``, only the oldest message, as a probe, with the
  wait doubling up to :data:`MAX_PROBE_WAIT_S` (its receipt then brings the rest back
  by the rule above).

Messages are numbered by the sender, oldest lowest (a batch's seq, an outbox row id).
"""

from collections.abc import Callable, Iterable
from typing import Final

MAX_PROBE_WAIT_S: Final = 600.0


class Confirmations:
    """The numbers of sent messages waiting for their receipt (the sender's outbox has them).

    Examples
    --------
    >>> now = [0.0]
    >>> waiting = Confirmations(timeout_s=60.0, monotonic=lambda: now[0])
    >>> for seq in (1, 2, 3):
    ...     waiting.acknowledged(seq)
    >>> waiting.confirmed([2])  # 1 went out before 2: lost on the way
    [1]
    >>> now[0] = 60.0
    >>> waiting.overdue(), waiting.overdue(), len(waiting)
    (3, None, 0)
    """

    def __init__(self, timeout_s: float, monotonic: Callable[[], float]) -> None:
        self._timeout_s = timeout_s
        self._wait_s = timeout_s
        self._monotonic = monotonic
        self._waiting: dict[int, int] = {}  # seq -> order in which the broker acknowledged it
        self._order = 0
        self._probe_at: float | None = None

    def __len__(self) -> int:
        return len(self._waiting)

    def acknowledged(self, seq: int) -> None:
        """The broker has message ``seq`` (or will have): wait for its receipt."""
        if not self._waiting:
            self._probe_at = self._monotonic() + self._wait_s
        self._order += 1
        self._waiting[seq] = self._order

    def confirmed(self, seqs: Iterable[int]) -> list[int]:
        """Forget ``seqs``; returns those acknowledged before them, now known lost."""
        orders = [order for seq in seqs if (order := self._waiting.pop(seq, None)) is not None]
        if not orders:
            return []
        latest = max(orders)
        lost = sorted(seq for seq, order in self._waiting.items() if order < latest)
        for seq in lost:
            del self._waiting[seq]
        self._wait_s = self._timeout_s  # ingest answers: back to the short wait
        self._probe_at = self._monotonic() + self._wait_s
        return lost

    def forget(self, seqs: Iterable[int]) -> None:
        """Stop waiting for ``seqs`` (the sender gave them up), without sending anything."""
        for seq in seqs:
            self._waiting.pop(seq, None)

    def all_back(self) -> list[int]:
        """Everything waiting, oldest first (after a reconnection, to send again)."""
        seqs = sorted(self._waiting)
        self._waiting.clear()
        return seqs

    def overdue(self) -> int | None:
        """The oldest waiting seq, once no receipt has come for the current wait."""
        if not self._waiting or self._probe_at is None or self._monotonic() < self._probe_at:
            return None
        oldest = min(self._waiting)
        self._wait_s = min(2 * self._wait_s, MAX_PROBE_WAIT_S)
        self._probe_at = self._monotonic() + self._wait_s
        del self._waiting[oldest]
        return oldest
