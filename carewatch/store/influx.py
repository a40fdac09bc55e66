"""InfluxDB through its v1-compatible HTTP API: line protocol on ``/write``, InfluxQL on ``/query``.

InfluxDB 1.x serves these natively and 2.x / 3.x for compatibility, so one code
path reaches every generation. All readings go to one measurement, ``reading``,
tagged ``home``, ``kind`` and ``sensor`` with the float field ``value`` (and the
string field ``resident`` when known); timestamps are written in microseconds.
A point is identified by measurement + tags + time, so rewriting a reading
overwrites it: writes are idempotent with no extra work. Reasons in docs/storage.md.

Line protocol comes from influxdb-client's :class:`~influxdb_client.Point`, which
does the escaping; because building a ``Point`` per reading costs ~8 µs, the
escaped series part is built once per series and cached, and only the float
value and integer time are appended per reading.
"""

import json
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
from influxdb_client.client.write.point import Point
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
)

from carewatch.errors import BadData, ConfigError, RetryLater
from carewatch.protocol.kinds import Kind
from carewatch.protocol.messages import EARLIEST_TS, ID_PATTERN, LATEST_TS, Reading
from carewatch.records import ReadingRecord
from carewatch.store.base import SensorSeen, Window, WindowAggregate
from carewatch.store.urls import redact
from carewatch.store.windows import WIDTH_S, Partial, merge, segments, window_start, zone

MEASUREMENT = "reading"
US = 1_000_000  # write precision: microseconds
_DB_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # fullmatch
_ID = re.compile(ID_PATTERN)
_KINDS = {kind.value: kind for kind in Kind}
_MAX_PREFIXES = 100_000  # cached series; cleared when exceeded (ids are bounded in practice)
T = TypeVar("T")
_Point: Any = Point  # influxdb-client's Point is untyped


@dataclass(frozen=True)
class InfluxAddress:
    """Where an InfluxDB is, which database, and how to log in.

    Examples
    --------
    >>> a = InfluxAddress.parse("influxdb://admin:s3cret@db.local:8087/carewatch")
    >>> a.base_url, a.database, a.username
    ('http://db.local:8087', 'carewatch', 'admin')
    >>> a
    InfluxAddress(base_url='http://db.local:8087', database='carewatch', username='admin', \
password='***', token=None, retention_policy=None, timeout_s=10.0, retry_s=5.0)
    >>> InfluxAddress.parse("influxdb+https://influx.example/prod?token=T0K&rp=week").base_url
    'https://influx.example:8086'
    >>> InfluxAddress.parse("influxdb://db.local:8086")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: store URL 'influxdb://db.local:8086': name the database \
as the path, e.g. influxdb://host:8086/carewatch
    """

    base_url: str
    database: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    retention_policy: str | None = None
    timeout_s: float = 10.0
    retry_s: float = 5.0

    @classmethod
    def parse(cls, url: str) -> "InfluxAddress":
        """Parse ``influxdb[+http|+https]://[user:pass@]host[:port]/database[?options]``.

        Options: ``token`` (sent as ``Authorization: Token …``), ``rp`` (retention
        policy), ``timeout`` (seconds per request), ``retry`` (seconds a write keeps
        retrying before :class:`RetryLater`).
        """
        shown = redact(url)
        parts = urlsplit(url)
        scheme = "https" if parts.scheme == "influxdb+https" else "http"
        try:
            port = parts.port or 8086
        except ValueError:
            raise ConfigError(f"store URL {shown!r}: port must be a number 1-65535") from None
        if not parts.hostname:
            raise ConfigError(f"store URL {shown!r}: no host, e.g. influxdb://host:8086/carewatch")
        *prefix, database = parts.path.split("/") if parts.path else [""]
        if not database:
            raise ConfigError(
                f"store URL {shown!r}: name the database as the path, "
                "e.g. influxdb://host:8086/carewatch"
            )
        if not _DB_NAME.fullmatch(database):
            raise ConfigError(f"store URL {shown!r}: database name may use A-Z a-z 0-9 _ . -")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(options) - {"token", "rp", "timeout", "retry"}
        if unknown:
            raise ConfigError(
                f"store URL {shown!r}: unknown option(s) {', '.join(sorted(unknown))}; "
                "known: token, rp, timeout, retry"
            )
        try:
            timeout_s = float(options.get("timeout", 10.0))
            retry_s = float(options.get("retry", 5.0))
        except ValueError:
            raise ConfigError(f"store URL {shown!r}: timeout and retry are seconds") from None
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return cls(
            base_url=f"{scheme}://{host}:{port}{'/'.join(prefix)}",
            database=database,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            token=options.get("token"),
            retention_policy=options.get("rp"),
            timeout_s=timeout_s,
            retry_s=retry_s,
        )

    def __repr__(self) -> str:  # never print a secret into a log
        return (
            f"InfluxAddress(base_url={self.base_url!r}, database={self.database!r}, "
            f"username={self.username!r}, password={'***' if self.password else None!r}, "
            f"token={'***' if self.token else None!r}, "
            f"retention_policy={self.retention_policy!r}, timeout_s={self.timeout_s}, "
            f"retry_s={self.retry_s})"
        )


class InfluxStore:
    """Readings in InfluxDB; safe to share between threads.

    Opening contacts nothing; the database is created on the first write that
    finds it missing. A write retries with exponential backoff for up to
    ``address.retry_s`` seconds, then raises :class:`RetryLater` so the caller
    can hold its data and apply backpressure.
    """

    def __init__(self, address: InfluxAddress) -> None:
        self.address = address
        headers = {"Authorization": f"Token {address.token}"} if address.token else {}
        auth = (address.username, address.password or "") if address.username else None
        self._http = httpx.Client(
            base_url=address.base_url, headers=headers, auth=auth, timeout=address.timeout_s
        )
        self._write_params = {"db": address.database, "precision": "u"}
        if address.retention_policy:
            self._write_params["rp"] = address.retention_policy
        self._prefixes: dict[tuple[str, Kind, str, str | None], str] = {}
        self._retrying = Retrying(
            retry=retry_if_exception_type(RetryLater),
            stop=stop_after_delay(address.retry_s) | stop_after_attempt(20),
            wait=wait_exponential(multiplier=0.1, max=2.0),
            reraise=True,
        )

    def write(self, readings: Sequence[ReadingRecord]) -> None:
        """Write a batch as line protocol; rewriting a reading overwrites its value."""
        if not readings:
            return
        known, make = self._prefixes.get, self._series_prefix
        lines = [  # a comprehension, not a call per reading: this is ingest's hot path
            f"{prefix}{float(r.value)!r} {round(r.ts * US)}"
            for r in readings
            if (prefix := known((r.home, r.kind, r.sensor, r.resident)))
            or (prefix := make((r.home, r.kind, r.sensor, r.resident)))
        ]
        self._write_lines(lines)

    def write_grouped(self, groups: Sequence[tuple[str, Sequence[Reading]]]) -> None:
        """:meth:`write` for wire readings grouped by home, as ingest receives them.

        Saves building a :class:`ReadingRecord` per reading (about 1 µs each).
        """
        self.write_body(self.encode_grouped(groups))

    def encode_grouped(self, groups: Sequence[tuple[str, Sequence[Reading]]]) -> bytes:
        """The line-protocol body :meth:`write_grouped` sends; pass it to :meth:`write_body`.

        Split from the sending so a caller can encode the next batch while the
        previous one is in flight (ingest's writer does).
        """
        known, make = self._prefixes.get, self._series_prefix
        lines = [
            f"{prefix}{float(r.value)!r} {round(r.ts * US)}"
            for home, readings in groups
            for r in readings
            if (prefix := known((home, r.kind, r.sensor, r.resident)))
            or (prefix := make((home, r.kind, r.sensor, r.resident)))
        ]
        return "\n".join(lines).encode()

    def write_body(self, body: bytes) -> None:
        """Send a body from :meth:`encode_grouped`, with :meth:`write`'s retries and errors."""
        if body:
            self._retry(lambda: self._post_write(body))

    def _write_lines(self, lines: list[str]) -> None:
        self.write_body("\n".join(lines).encode())

    def query(
        self,
        home: str,
        kind: Kind,
        start: float,
        end: float,
        *,
        sensors: Collection[str] | None = None,
    ) -> list[ReadingRecord]:
        """One home's readings of ``kind`` with ``start <= ts < end``, oldest first
        (only from ``sensors`` when given)."""
        if sensors is not None and not sensors:
            return []
        statement = (
            f'SELECT "value", "resident", "sensor" FROM "{MEASUREMENT}" '  # noqa: S608
            f"WHERE {_where(home, kind, start, end, sensors)}"
        )
        readings = [
            ReadingRecord(
                home=home, sensor=sensor, kind=kind, ts=t / US, value=float(v), resident=res
            )
            for result in self._query(statement)
            for series in result.get("series", [])
            for t, v, res, sensor in series["values"]
        ]
        return sorted(readings, key=lambda r: (r.ts, r.sensor))

    def aggregate(
        self,
        home: str,
        kind: Kind,
        start: float,
        end: float,
        window: Window,
        tz: str = "UTC",
        *,
        sensors: Collection[str] | None = None,
    ) -> list[WindowAggregate]:
        """count, sum, mean, min and max per window of ``[start, end)``; empty ones left out
        (only ``sensors``' readings count when given)."""
        zone_info = zone(tz)
        width = WIDTH_S[window]
        if sensors is not None and not sensors:
            return []
        bounds = self._time_bounds(
            home, kind, max(start, EARLIEST_TS), min(end, LATEST_TS), sensors
        )
        if bounds is None:
            return []
        parts = segments(*bounds, zone_info)
        # one statement per constant-offset segment, shifted so windows start at local time
        statements = ";".join(
            'SELECT count("value"), sum("value"), min("value"), max("value") '  # noqa: S608
            f'FROM "{MEASUREMENT}" WHERE {_where(home, kind, seg.start, seg.end, sensors)} '
            f"GROUP BY time({width}s, {(-seg.offset) % width}s) fill(none)"
            for seg in parts
        )
        rows: dict[int, list[list[Any]]] = {}
        for result in self._query(statements):  # chunks of one statement share its id
            for series in result.get("series", []):
                rows.setdefault(result.get("statement_id", 0), []).extend(series["values"])
        partials = [
            Partial(
                window_start((t // US + seg.offset) // width, window, seg.offset, zone_info),
                n,
                float(total),
                float(low),
                float(high),
            )
            for i, seg in enumerate(parts)
            for t, n, total, low, high in rows.get(i, [])
        ]
        return merge(partials)

    def _time_bounds(
        self, home: str, kind: Kind, start: float, end: float, sensors: Collection[str] | None
    ) -> tuple[float, float] | None:
        """First and just after the last reading in ``[start, end)``: segments only span data."""
        if start >= end:
            return None
        where = _where(home, kind, start, end, sensors)
        statements = (
            f'SELECT first("value") FROM "{MEASUREMENT}" WHERE {where};'  # noqa: S608
            f'SELECT last("value") FROM "{MEASUREMENT}" WHERE {where}'
        )
        times = [
            series["values"][0][0]
            for result in self._query(statements)
            for series in result.get("series", [])
        ]
        return (min(times) / US, max(times) / US + 1e-6) if times else None

    def sensors(self, home: str | None = None) -> list[SensorSeen]:
        """Every sensor seen (in ``home``, or anywhere), with its last reading time."""
        where = f' WHERE "home" = {_literal(_id(home, "home"))}' if home is not None else ""
        group = 'GROUP BY "home", "sensor", "kind"'
        statement = f'SELECT last("value") FROM "{MEASUREMENT}"{where} {group}'  # noqa: S608
        seen = [
            SensorSeen(tags["home"], tags["sensor"], _KINDS[tags["kind"]], values[0][0] / US)
            for result in self._query(statement)
            for series in result.get("series", [])
            for tags, values in [(series.get("tags", {}), series["values"])]
            if tags.get("kind") in _KINDS
        ]
        return sorted(seen, key=lambda s: (s.home, s.sensor, s.kind))

    def delete_before(self, cutoff: float, kind: Kind | None = None) -> int:
        """Delete readings with ``ts < cutoff`` (of ``kind`` only, when given); returns how
        many there were just before."""
        before = f"time < {round(cutoff * US)}u"
        if kind is not None:
            before += f' AND "kind" = {_literal(Kind(kind).value)}'  # a tag: DELETE takes it
        count = f'SELECT count("value") FROM "{MEASUREMENT}" WHERE {before}'  # noqa: S608
        results = self._retry(lambda: list(self._query(count)))
        deleted = sum(
            int(row[1])
            for result in results
            for series in result.get("series", [])
            for row in series["values"]
        )
        statement = f'DELETE FROM "{MEASUREMENT}" WHERE {before}'  # noqa: S608
        self._retry(lambda: list(self._query(statement)))
        return deleted

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def _series_prefix(self, key: tuple[str, Kind, str, str | None]) -> str:
        """``reading,home=…,kind=…,sensor=… [resident="…",]value=`` escaped by influxdb-client."""
        home, kind, sensor, resident = key
        point = _Point(MEASUREMENT).tag("home", home).tag("kind", kind.value).tag("sensor", sensor)
        point.field("value", 0.0)
        if resident is not None:
            point.field("resident", resident)  # sorts before "value": the prefix keeps it
        line: str = point.to_line_protocol()
        if not line.endswith("value=0"):  # the library's format changed: fail loudly
            raise RuntimeError(f"unexpected line protocol from influxdb-client: {line!r}")
        if len(self._prefixes) >= _MAX_PREFIXES:
            self._prefixes.clear()
        self._prefixes[key] = prefix = line[: -len("0")]
        return prefix

    def _retry(self, call: Callable[[], T]) -> T:
        return self._retrying.copy()(call)

    def _post_write(self, body: bytes) -> None:
        response = self._request("POST", "/write", params=self._write_params, content=body)
        if response.status_code == 404 and "database not found" in response.text:
            self._create_database()
            response = self._request("POST", "/write", params=self._write_params, content=body)
        self._check(response, "write")

    def _create_database(self) -> None:
        name = self.address.database
        response = self._request("POST", "/query", data={"q": f'CREATE DATABASE "{name}"'})
        if 400 <= response.status_code < 500 and response.status_code not in (401, 403):
            raise ConfigError(  # e.g. InfluxDB 2.x/3.x: databases are buckets made there
                f"InfluxDB could not create database {name!r} (HTTP {response.status_code}: "
                f"{response.text.strip()[:200]}); create it, or on InfluxDB 2.x/3.x a bucket "
                "with a DBRP mapping, then retry"
            )
        self._check(response, "create database")

    def _query(self, statement: str) -> Iterator[dict[str, Any]]:
        """Run InfluxQL (POST: long statements fit); yield each statement's results."""
        params = {"db": self.address.database, "epoch": "u", "chunked": "true"}
        if self.address.retention_policy:
            params["rp"] = self.address.retention_policy
        response = self._request("POST", "/query", params=params, data={"q": statement})
        self._check(response, "query")
        for line in response.text.splitlines():
            if not line.strip():
                continue
            for result in json.loads(line).get("results", []):
                if str(result.get("error", "")).startswith("database not found"):
                    return  # nothing written yet: an empty answer, not an error
                if "error" in result:
                    raise BadData(f"InfluxDB refused the query: {result['error']}")
                yield result

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise RetryLater(f"InfluxDB at {self.address.base_url} unreachable: {error}") from error

    def _check(self, response: httpx.Response, action: str) -> None:
        status = response.status_code
        if status < 300:
            return
        detail = f"InfluxDB {action} failed (HTTP {status}): {response.text.strip()[:300]}"
        if "retention policy not found" in response.text:
            raise ConfigError(f"{detail}; create it or fix the ?rp= option of the store URL")
        if status == 404:  # e.g. a 2.x/3.x bucket without a DBRP mapping, or a wrong prefix
            raise ConfigError(f"{detail}; check the database name and path in the store URL")
        if status in (401, 403):
            raise ConfigError(
                f"{detail}; check the user:password or ?token= in the store URL "
                f"for {self.address.base_url}"
            )
        if status >= 500 or status == 429:
            raise RetryLater(detail)
        raise BadData(detail)


def _where(
    home: str, kind: Kind, start: float, end: float, sensors: Collection[str] | None = None
) -> str:
    """The filter every read uses; ids are checked and literals escaped (hence the noqa S608)."""
    where = (
        f'"home" = {_literal(_id(home, "home"))} AND "kind" = {_literal(kind.value)} '
        f"AND time >= {round(start * US)}u AND time < {round(end * US)}u"
    )
    if sensors is None:
        return where
    chosen = " OR ".join(f'"sensor" = {_literal(_id(s, "sensor"))}' for s in sorted(sensors))
    return f"{where} AND ({chosen})"


def _id(value: str, name: str) -> str:
    if not _ID.match(value):
        raise BadData(f"{name} {value!r} is not an id ([a-z0-9-], up to 64 characters)")
    return value


def _literal(text: str) -> str:
    """An InfluxQL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
