"""Open the store a URL names: SQLite by default, InfluxDB by URL (see docs/storage.md)."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from carewatch.errors import ConfigError
from carewatch.store.base import Store
from carewatch.store.urls import redact

DEFAULT_SQLITE_PATH = Path("carewatch-data/readings.db")
"""Where readings go when no store URL is configured (relative to the working folder)."""

_FORMS = (
    "use sqlite:///relative/path.db, sqlite:////absolute/path.db, "
    "influxdb://[user:password@]host:port/database[?token=...] or influxdb+https://..."
)


def open_store(url: str | None = None, create: bool = True) -> Store:
    """Open the store at ``url``; ``None`` or ``""`` means the default SQLite file.

    With ``create=False`` a SQLite file that does not exist is a
    :class:`~carewatch.errors.ConfigError` (a mistyped path), not a new empty store.

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
        return _sqlite(_existing(DEFAULT_SQLITE_PATH, create))
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return _sqlite(_existing(sqlite_path(url), create), _sqlite_synchronous(url))
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


def _existing(path: Path, create: bool) -> Path:
    if not create and not path.is_file():
        raise ConfigError(
            f"no store at {str(path)!r} (the file does not exist): check the path in --store "
            "or CAREWATCH_STORE_URL; ingest creates the file when it first stores readings"
        )
    return path


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
