"""The relational database: engine, sessions, and migrations run by alembic."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api import tenancy
from carewatch.errors import ConfigError, RetryLater


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and foreign keys, as a server database would.

    >>> make_engine("nosuchdb://x")
    Traceback (most recent call last):
    ...
    carewatch.errors.ConfigError: CAREWATCH_API_DATABASE_URL: cannot use 'nosuchdb://x'
    """
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError):
        raise ConfigError(f"CAREWATCH_API_DATABASE_URL: cannot use {url!r}") from None


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (alembic scripts in ``api/migrations``)."""
    config = Config()
    config.set_main_option("script_location", "api:migrations")
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":  # batch mode rebuilds tables under their
                connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # references; a no-op
                connection.commit()  # inside a transaction, so before the first one
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                _check_references(connection)
    except OperationalError as error:
        raise RetryLater(f"database unavailable: {error.orig}") from None
    finally:
        engine.dispose()  # its SQLite connection had foreign keys off: no pooled one keeps them so


def _check_references(connection: Connection) -> None:
    """Refuse a migration that left a row pointing at nothing (SQLite checks none during it)."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left rows referring to nothing: {broken[:5]}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit, each kept inside the
    organisation it is confined to (:mod:`api.tenancy`)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    tenancy.install(sessions)
    return sessions


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with sessions.begin() as session:
        yield session
