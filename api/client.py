"""A small client of the CareWatch API for commands that consume it (export, HA bridge).

It logs in like any user (``/api/v1/auth/token``), so what it can read is exactly what
that user is granted, and it logs in again when its short-lived token expires. Failures
become :class:`~carewatch.errors.BadData` (a refusal to fix) or
:class:`~carewatch.errors.RetryLater` (the API is down or busy).
"""

import os
from pathlib import Path
from typing import Any

import httpx

from carewatch.errors import BadData, ConfigError, RetryLater

TIMEOUT = 30.0


class ApiClient:
    """Logged-in GETs against one API; ``close()`` when done."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"API URL {base_url!r}: must start with http:// or https://")
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT)
        self._credentials = {"username": username, "password": password}
        self._token: str | None = None

    def get(self, path: str, **params: Any) -> httpx.Response:
        """GET ``path``; raise unless the answer is a success."""
        response = self._send(path, params)
        if response.status_code == 401:  # the token expired: log in once more
            self._token = None
            response = self._send(path, params)
        _raise_for(response, path)
        return response

    def get_json(self, path: str, **params: Any) -> Any:
        """GET ``path`` and decode the JSON answer."""
        return self.get(path, **params).json()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _send(self, path: str, params: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._login()}"}
        return self._call(lambda: self._http.get(path, params=params, headers=headers))

    def _login(self) -> str:
        if self._token is None:
            response = self._call(
                lambda: self._http.post("/api/v1/auth/token", data=self._credentials)
            )
            if response.status_code in (400, 401):
                raise BadData(f"logging in as {self._credentials['username']!r}: refused")
            _raise_for(response, "/api/v1/auth/token")
            self._token = str(response.json()["access_token"])
        return self._token

    def _call(self, send: Any) -> httpx.Response:
        try:
            response: httpx.Response = send()
        except httpx.HTTPError as error:
            raise RetryLater(f"API {self._http.base_url}: {error}") from None
        return response


def _raise_for(response: httpx.Response, path: str) -> None:
    if response.status_code in (429, 502, 503, 504):
        raise RetryLater(f"{path}: the API answered {response.status_code}; try again later")
    if response.status_code == 404:
        raise BadData(f"{path}: not found, or not granted to this user")
    if response.is_error:
        raise BadData(f"{path}: the API answered {response.status_code}: {response.text[:300]}")


def read_password(password_file: Path | None, env_name: str) -> str:
    """The password from ``password_file``, else from ``$env_name``; a ConfigError if neither.

    >>> read_password(None, "CAREWATCH_NO_SUCH_VARIABLE")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: give --password-file or set $CAREWATCH_NO_SUCH_VARIABLE
    """
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").rstrip("\n")
        except OSError as error:
            raise ConfigError(f"--password-file {password_file}: {error}") from None
    from_env = os.environ.get(env_name)
    if not from_env:
        raise ConfigError(f"give --password-file or set ${env_name}")
    return from_env
