"""The consent gate: readings of streams nobody agreed to be collected never go further.

The API publishes each home's :class:`~carewatch.protocol.ConsentPolicy`, retained, on
``carewatch/v1/<home>/policy`` (decision D107). The gate keeps the newest policy of
each home (in memory and in a small file beside ingest's state, so a restart knows the
policies before the broker sends them again) and drops the withheld kinds' readings as
they are decoded: they are counted by kind (metric) and by home (``/health``), never
stored and never shown to the detectors. The message carrying them is still
acknowledged and confirmed to its gateway, so the gateway's outbox lets them go too.
The same policy carries how much stricter carers' feedback made the home's detectors
(decision D122): the gate keeps it for the detector thread.

A home whose policy ingest has not heard follows ``default``: ``collect`` (what ingest
did before consent existed; simulators, replays and single-machine demos publish no
policy) or ``withhold`` (deployments whose API publishes every home's policy when the
home is created, before its gateway is given its login).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from prometheus_client import CollectorRegistry
>>> from carewatch.protocol import ConsentPolicy, Reading, encode
>>> gate = ConsentGate(Path(tempfile.mkdtemp()) / "consent.json", "collect", CollectorRegistry())
>>> hr = Reading("hr-1", "heart_rate", 1_767_571_200.0, 61.0)
>>> tap = Reading("tap-1", "tap", 1_767_571_200.0, 0.2)
>>> len(gate.keep("h-1", [hr, tap]))  # no policy yet: collected
2
>>> gate.apply("h-1", encode(ConsentPolicy("h-1", 1, 1_767_571_200.0, ["heart_rate"])))
True
>>> gate.keep("h-1", [hr, tap]) == [tap], gate.withheld_by_home()
(True, {'h-1': 1})
"""

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import msgspec
from prometheus_client import CollectorRegistry, Counter

from carewatch.errors import ConfigError
from carewatch.protocol import AlertKind, ConsentPolicy, Kind, ProtocolError, Reading, decode

log = logging.getLogger(__name__)

ConsentDefault = Literal["collect", "withhold"]
_EVERYTHING = frozenset(Kind)


class ConsentGate:
    """Each home's withheld kinds; drops their readings and counts them."""

    def __init__(self, path: Path, default: ConsentDefault, registry: CollectorRegistry) -> None:
        self._path = path
        self._default = frozenset() if default == "collect" else _EVERYTHING
        self._policies: dict[str, ConsentPolicy] = _load(path)
        self._withheld = {home: frozenset(p.withheld) for home, p in self._policies.items()}
        self._by_home: dict[str, int] = {}
        self._lock = threading.Lock()  # /health reads the counts from another thread
        self._dropped = Counter(
            "carewatch_ingest_readings_withheld",
            "Readings dropped because consent to collect their kind is withheld",
            ["kind"],
            registry=registry,
        )
        self._policies_received = Counter(
            "carewatch_ingest_consent_policies",
            "Consent policies received, by outcome (applied, stale, malformed, cleared)",
            ["outcome"],
            registry=registry,
        )

    def apply(self, home: str, payload: bytes) -> bool:
        """Take a policy message for ``home``; whether it changed what is collected or
        the detectors' tuning.

        An empty payload (the retained policy cleared: the home was removed) forgets the
        home's policy; an older version than the one held is ignored; a malformed one is
        logged and counted, and the policy held stays.
        """
        if not payload:
            self._policies_received.labels("cleared").inc()
            return self._store(home, None)
        try:
            policy = decode(payload, ConsentPolicy)
            if policy.home != home:
                raise ProtocolError("home", f"payload says {policy.home!r}, topic says {home!r}")
        except ProtocolError as error:
            log.error("ignored a malformed consent policy for %s: %s", home, error)
            self._policies_received.labels("malformed").inc()
            return False
        held = self._policies.get(home)
        if held is not None and policy.version <= held.version:
            self._policies_received.labels("stale").inc()
            return False
        self._policies_received.labels("applied").inc()
        return self._store(home, policy)

    def keep(self, home: str, readings: Sequence[Reading]) -> Sequence[Reading]:
        """The readings of ``home`` that may be collected (all of them, mostly: no copy)."""
        withheld = self._withheld.get(home, self._default)
        if not withheld:
            return readings
        kept = [r for r in readings if r.kind not in withheld]
        if len(kept) < len(readings):
            self._count(home, [r.kind for r in readings if r.kind in withheld])
        return kept

    def withheld(self, home: str) -> frozenset[Kind]:
        """The kinds not collected in ``home`` now."""
        return self._withheld.get(home, self._default)

    def stricter(self, home: str) -> dict[AlertKind, int]:
        """The detectors' steps stricter per alert kind in ``home`` (none without a policy)."""
        policy = self._policies.get(home)
        return dict(policy.stricter) if policy is not None else {}

    def tunings(self) -> dict[str, dict[AlertKind, int]]:
        """:meth:`stricter` of each home whose policy ingest holds."""
        return {home: dict(policy.stricter) for home, policy in self._policies.items()}

    def policies(self) -> dict[str, frozenset[Kind]]:
        """The kinds not collected in each home whose policy ingest holds."""
        return dict(self._withheld)

    def withheld_by_home(self) -> dict[str, int]:
        """Readings dropped per home since ingest started."""
        with self._lock:
            return dict(self._by_home)

    def _count(self, home: str, kinds: list[Kind]) -> None:
        for kind in set(kinds):
            self._dropped.labels(Kind(kind).value).inc(kinds.count(kind))
        with self._lock:
            self._by_home[home] = self._by_home.get(home, 0) + len(kinds)

    def _store(self, home: str, policy: ConsentPolicy | None) -> bool:
        before = self._withheld.get(home, self._default)
        tuned = self.stricter(home)
        if policy is None:
            self._policies.pop(home, None)
            self._withheld.pop(home, None)
        else:
            self._policies[home] = policy
            self._withheld[home] = frozenset(policy.withheld)
        _save(self._path, self._policies)
        after = self._withheld.get(home, self._default)
        if after != before:
            log.info("home %s: withheld streams now %s", home, sorted(after) or "none")
        return after != before or self.stricter(home) != tuned


def _load(path: Path) -> dict[str, ConsentPolicy]:
    if not path.exists():
        return {}
    try:
        return msgspec.json.decode(path.read_bytes(), type=dict[str, ConsentPolicy])
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        # refuse to guess: collecting a withheld stream would be worse than not starting
        raise ConfigError(
            f"consent policies file {path}: {error}; remove it and the broker sends them again"
        ) from None


def _save(path: Path, policies: dict[str, ConsentPolicy]) -> None:
    """Atomically, fsynced: a policy acknowledged to the broker must survive a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        handle.write(msgspec.json.encode(policies))
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
