"""Guessing passwords is slow and loud: failed logins back off per account and per address,
and at most a few argon2 checks (64 MB each) run at once (decision D57)."""

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.audit import Audit
from api.i18n import ENGLISH, Words
from api.metrics import ApiMetrics
from api.models import Organisation, User
from api.security import verify_password
from api.settings import ApiSettings
from carewatch.clock import Clock

log = logging.getLogger(__name__)
MAX_REMEMBERED = 100_000  # accounts and addresses with recent failures; the oldest go first


Wording = Callable[[Words], str]
"""A sentence in a given language: the API's detail is its English, a page's the reader's."""


class LoginRefused(Exception):
    """Not now: ``retry_after`` seconds from now (HTTP 429 or 503 with ``Retry-After``)."""

    def __init__(self, status: int, retry_after: int, wording: Wording) -> None:
        super().__init__(wording(ENGLISH))
        self.status = status
        self.retry_after = retry_after
        self.wording = wording
        self.detail = wording(ENGLISH)


@dataclass
class _Failures:
    count: int
    last: float
    until: float  # locked until this time (the past when not locked)


class LoginGuard:
    """Checks credentials, counting failures per account and per address.

    ``free`` failures are allowed, then every further one locks the account (or the
    address) for ``backoff`` seconds, doubling up to ``max_backoff``; failures are
    forgotten ``memory`` seconds after the last one, and a success clears the account.
    """

    def __init__(
        self,
        settings: ApiSettings,
        clock: Clock,
        sessions: sessionmaker[Session],
        audit: Audit,
        metrics: ApiMetrics,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._sessions = sessions
        self._audit = audit
        self._metrics = metrics
        self._lock = threading.Lock()
        self._failures: OrderedDict[tuple[str, str], _Failures] = OrderedDict()
        self._hashing = threading.BoundedSemaphore(settings.login_hash_concurrency)

    def login(self, session: Session, username: str, password: str, address: str) -> User | None:
        """The active user with these credentials, ``None`` if wrong; raises
        :class:`LoginRefused` while locked out or when too many checks are running."""
        keys = [("account", username), ("address", address)]
        self._refuse_if_locked(keys)
        user = session.scalars(select(User).where(User.username == username)).first()
        with self._hash_slot():
            ok = verify_password(user.password_hash if user else None, password)
        if ok and user is not None and user.active:
            with self._lock:
                self._failures.pop(keys[0], None)
            self._metrics.logins.labels("ok").inc()
            return user
        self._metrics.logins.labels("wrong").inc()
        for key in keys:
            if notice := self._fail(key):
                log.warning("login: %s (from %s)", notice, address)
                # its own transaction: the refused request's is rolled back
                with self._sessions.begin() as own:
                    self._record_lockout(own, user, notice)
        return None

    def _refuse_if_locked(self, keys: list[tuple[str, str]]) -> None:
        now = self._clock()
        with self._lock:
            waits = [(f.until - now, key) for key in keys if (f := self._failures.get(key))]
        wait, (what, _) = max(waits, default=(0.0, ("", "")))
        if wait > 0:
            self._metrics.logins.labels("locked").inc()
            seconds = math.ceil(wait)
            raise LoginRefused(429, seconds, _locked_out(what, seconds))

    def _record_lockout(self, session: Session, user: User | None, notice: str) -> None:
        """Audit a lockout: an account's in its organisation; an address's (no account
        known) in every organisation, for it is locked out of the whole server."""
        if user is not None:
            self._audit.record(session, user, "lockout", "login", detail=notice)
            return
        for organisation in session.scalars(select(Organisation.id)):
            self._audit.record(
                session, None, "lockout", "login", detail=notice, organisation=organisation
            )

    def _fail(self, key: tuple[str, str]) -> str | None:
        """Count a failure; a notice for the audit log when it starts a lockout."""
        settings, now = self._settings, self._clock()
        free = (
            settings.login_account_failures
            if key[0] == "account"
            else (settings.login_address_failures)
        )
        with self._lock:
            old = self._failures.pop(key, None)
            if old is None or now - old.last > settings.login_memory_seconds:
                old = _Failures(0, now, now)
            entry = _Failures(old.count + 1, now, old.until)
            beyond = entry.count - free
            if beyond > 0:
                backoff = settings.login_backoff_seconds * 2 ** min(beyond - 1, 30)
                entry.until = now + min(backoff, settings.login_max_backoff_seconds)
            self._failures[key] = entry
            while len(self._failures) > MAX_REMEMBERED:
                self._failures.popitem(last=False)
        if beyond <= 0:
            return None
        return (
            f"{key[0]} {key[1]!r} locked for {entry.until - now:g} s "
            f"after {entry.count} failed logins"
        )

    @contextmanager
    def _hash_slot(self) -> Iterator[None]:
        wait = self._settings.login_hash_wait_seconds
        if not self._hashing.acquire(timeout=wait):
            self._metrics.logins.labels("busy").inc()
            raise LoginRefused(503, math.ceil(wait), _busy)
        try:
            yield
        finally:
            self._hashing.release()


def _locked_out(what: str, seconds: int) -> Wording:
    """Why a login is held back, and for how long, whichever is locked (account or address)."""

    def wording(words: Words) -> str:
        if what == "account":
            text = words.ngettext(
                "too many failed logins for this account: try again in %(num)s second, "
                "or ask an administrator to reset the password",
                "too many failed logins for this account: try again in %(num)s seconds, "
                "or ask an administrator to reset the password",
                seconds,
            )
        else:
            text = words.ngettext(
                "too many failed logins for your network address: try again in %(num)s "
                "second, or ask an administrator to reset the password",
                "too many failed logins for your network address: try again in %(num)s "
                "seconds, or ask an administrator to reset the password",
                seconds,
            )
        return text % {"num": seconds}

    return wording


def _busy(words: Words) -> str:
    return words.gettext("the server is busy checking other logins: try again shortly")
