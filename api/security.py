"""Passwords (argon2), short-lived access tokens (JWT) and form tokens against CSRF."""

import hashlib
import hmac
import secrets

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from carewatch.clock import Clock
from carewatch.errors import BadData

_HASHER = PasswordHasher()
# Verified against when the username is unknown, so both failures take as long.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``; refuses passwords that are too short.

    >>> verify_password(hash_password("correct horse battery"), "correct horse battery")
    True
    >>> hash_password("short")
    Traceback (most recent call last):
    ...
    carewatch.errors.BadData: password must be at least 12 characters
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadData(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``None`` (no such user) costs the same and fails."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


class Tokens:
    """Issues and checks access tokens signed with the service's secret.

    Examples
    --------
    >>> from carewatch.clock import ManualClock
    >>> clock = ManualClock(1_700_000_000.0)
    >>> tokens = Tokens("x" * 32, minutes=15, clock=clock)
    >>> tokens.subject(tokens.issue(7))
    7
    >>> clock.advance(16 * 60)
    >>> tokens.subject(tokens.issue(7)) is not None, tokens.subject("not-a-token")
    (True, None)
    """

    def __init__(self, secret: str, *, minutes: int, clock: Clock) -> None:
        self._secret = secret
        self.seconds = minutes * 60
        self._clock = clock

    def issue(self, user_id: int) -> str:
        """A token for ``user_id`` that expires after the configured minutes."""
        now = int(self._clock())
        claims = {"sub": str(user_id), "iat": now, "exp": now + self.seconds}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def subject(self, token: str) -> int | None:
        """The user id of a valid, unexpired token, else ``None``."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": ["sub", "exp", "iat"], "verify_exp": False},
            )
            if int(claims["exp"]) <= self._clock():  # our clock, so tests need not sleep
                return None
            return int(claims["sub"])
        except (jwt.PyJWTError, ValueError, TypeError):
            return None

    def form_token(self, token: str) -> str:
        """The anti-CSRF token forms must echo: bound to this session's access token."""
        digest = hmac.new(self._secret.encode(), b"form:" + token.encode(), hashlib.sha256)
        return digest.hexdigest()

    def check_form_token(self, token: str, form_token: str) -> bool:
        """Whether ``form_token`` belongs to the session ``token``."""
        return hmac.compare_digest(self.form_token(token), form_token)
