"""Tells ingest which streams not to collect in each home (decision D107), and how much
stricter carers' feedback made its detectors (decision D122, api/tuning.py).

The consent records live in the API's database; ingest must not import the API (data
flows one way). So the API publishes each home's :class:`~carewatch.protocol.ConsentPolicy`
retained on ``carewatch/v1/<home>/policy``: ingest receives every home's latest on
subscribing, and each change as it is published. The publisher recomputes the policies
on the API's background tick (and at once after a consent is recorded), so a consent
that begins or ends at a set time takes effect within one tick; it publishes only what
changed, and everything again after each reconnection to the broker. A home removed
gets its retained policy cleared.

Examples
--------
>>> sent = []
>>> publisher = PolicyPublisher(lambda: 1_767_571_200.0, lambda t, p: sent.append((t, p)) or True)
>>> publisher.publish({"h-1": HomePolicy(frozenset({Kind.HEART_RATE}))})
1
>>> sent[0]
('carewatch/v1/h-1/policy', b'{"home":"h-1","version":1767571200000,\
"issued_at":1767571200.0,"withheld":["heart_rate"]}')
>>> publisher.publish({"h-1": HomePolicy(frozenset({Kind.HEART_RATE}))})  # unchanged: none
0
>>> publisher.publish({}), sent[-1]  # the home is gone: its retained policy cleared
(1, ('carewatch/v1/h-1/policy', b''))
"""

import logging
import threading
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from api.consent import withheld_by_home
from api.tuning import tuning_by_home
from carewatch.clock import Clock
from carewatch.protocol import AlertKind, ConsentPolicy, Kind, encode, policy_topic

log = logging.getLogger(__name__)

Publish = Callable[[str, bytes], bool]
"""Publish retained at QoS 1; ``False`` when the message could not be queued."""


class HomePolicy(NamedTuple):
    """What one home's policy says: the streams withheld, the steps stricter per kind."""

    withheld: frozenset[Kind]
    stricter: tuple[tuple[AlertKind, int], ...] = ()


class PolicyPublisher:
    """Publishes each home's withheld streams when they change."""

    def __init__(self, clock: Clock, publish: Publish) -> None:
        self._clock = clock
        self._publish = publish
        self._sent: dict[str, HomePolicy] = {}
        self._version = 0
        self._lock = threading.Lock()  # the tick thread and the broker's reconnection

    def forget(self) -> None:
        """Send every policy again at the next :meth:`publish` (after a reconnection)."""
        with self._lock:
            self._sent = {}

    def publish(self, homes: dict[str, HomePolicy]) -> int:
        """Publish the policies of ``homes`` that changed, clear those of homes gone;
        returns how many messages went."""
        with self._lock:
            sent = 0
            for home in sorted(set(self._sent) - set(homes)):
                if self._publish(policy_topic(home), b""):
                    del self._sent[home]
                    sent += 1
            for home, policy in sorted(homes.items()):
                if self._sent.get(home) == policy:
                    continue
                if self._publish(policy_topic(home), encode(self._policy(home, policy))):
                    self._sent[home] = policy
                    sent += 1
            return sent

    def _policy(self, home: str, policy: HomePolicy) -> ConsentPolicy:
        now = self._clock()
        self._version = max(self._version + 1, round(now * 1000))  # only ever grows
        return ConsentPolicy(
            home, self._version, now, sorted(policy.withheld), dict(policy.stricter)
        )


class PolicyTicker:
    """Reads the consent in force and the tuning from the database for a publisher."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, publisher: PolicyPublisher
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.publisher = publisher

    def tick(self) -> int:
        """Publish what changed since the last tick; returns how many messages went."""
        with self._sessions() as session:
            withheld = withheld_by_home(session, self._clock())
            tuned = tuning_by_home(session)
        homes = {
            home: HomePolicy(kinds, tuple(sorted(tuned.get(home, {}).items())))
            for home, kinds in withheld.items()
        }
        sent = self.publisher.publish(homes)
        if sent:
            log.info("published %d consent policies", sent)
        return sent
