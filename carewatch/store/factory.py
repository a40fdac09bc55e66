"""Open the store a URL names: SQLite by default, InfluxDB by URL (see docs/storage.md)."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from carewatch.errors import ConfigError
from carewatch.store.base import Store

DEFAULT_SQLITE_PATH = Path("carewatch-data/readings.db")
"""Where readings go when no store URL is configured (relative to the working folder)."""

_FORMS = (
    "use sqlite:///relative/path.db, sqlite:////absolute/path.db, "
    "influxdb://[user:password@]host:port/database[?token=...] or influxdb+https://..."
)


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url``; ``None`` or ``""`` means the default SQLite file.

    Raises :class:`~carewatch.errors.ConfigError` for a URL it cannot use, saying
    which forms work. Opening does not contact a server: an InfluxDB that is down
    shows up as :class:`~carewatch.errors.RetryLater` on the first call.

    Examples
    --------
    >>> open_store("postgres://db/readings")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: store URL 'postgres://db/readings': scheme 'postgres' is not \
supported; use sqlite:///relative/path.db, sqlite:////absolute/path.db, \
influxdb://[user:password@]host:port/database[?token=...] or influxdb+https://...
    """
    if not url:
        return _sqlite(DEFAULT_SQLITE_PATH)
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return _sqlite(sqlite_path(url), _sqlite_synchronous(url))
    if scheme in ("influxdb", "influxdb+http", "influxdb+https"):
        from carewatch.store.influx import InfluxAddress, InfluxStore

        return InfluxStore(InfluxAddress.parse(url))
    shown = scheme or "(none)"
    raise ConfigError(f"store URL {redact(url)!r}: scheme {shown!r} is not supported; {_FORMS}")


def sqlite_path(url: str) -> Path:
    """The file a ``sqlite:///…`` URL names (SQLAlchemy's convention).

    Examples
    --------
    >>> sqlite_path("sqlite:///data/readings.db")
    PosixPath('data/readings.db')
    >>> sqlite_path("sqlite:////var/lib/carewatch/readings.db")
    PosixPath('/var/lib/carewatch/readings.db')
    >>> sqlite_path("sqlite://host/readings.db")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: store URL 'sqlite://host/readings.db': a SQLite URL \
has three slashes and a file path, e.g. sqlite:///carewatch-data/readings.db
    """
    prefix = "sqlite:///"
    path = url[len(prefix) :].split("?", 1)[0]
    if not url.startswith(prefix) or not path or path.endswith("/"):
        raise ConfigError(
            f"store URL {url!r}: a SQLite URL has three slashes and a file path, "
            "e.g. sqlite:///carewatch-data/readings.db"
        )
    return Path(path)


def redact(url: str) -> str:
    """``url`` with any password or token replaced by ``***``, for messages and logs.

    Examples
    --------
    >>> redact("influxdb://admin:s3cret@db:8086/carewatch?token=abc")
    'influxdb://admin:***@db:8086/carewatch?token=***'
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = "&".join(
        f"{k}=***" if k == "token" else f"{k}={v}"
        for k, _, v in (item.partition("=") for item in parts.query.split("&") if item)
    )
    return parts._replace(netloc=netloc, query=query).geturl()


def _sqlite(path: Path, synchronous: str = "FULL") -> Store:
    from carewatch.store.sqlite import SQLiteStore

    return SQLiteStore(path, synchronous=synchronous)


def _sqlite_synchronous(url: str) -> str:
    """The ``?synchronous=full|normal`` option of a SQLite URL (default full)."""
    options = parse_qs(urlsplit(url).query)
    unknown = set(options) - {"synchronous"}
    value = options.get("synchronous", ["full"])[-1].upper()
    if unknown or value not in ("FULL", "NORMAL"):
        raise ConfigError(
            f"store URL {url!r}: the only SQLite option is ?synchronous=full (default) or normal"
        )
    return value
