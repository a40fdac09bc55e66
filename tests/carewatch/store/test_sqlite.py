"""What only the SQLite backend has: the file, its lock, two processes sharing it."""

import sqlite3
import threading
from pathlib import Path

import pytest

from carewatch.errors import ConfigError, RetryLater
from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store import DEFAULT_SQLITE_PATH, open_store
from carewatch.store.sqlite import SCHEMA_VERSION, SQLiteStore

T0 = 1_700_000_000.0


def hr(ts: float) -> ReadingRecord:
    return ReadingRecord(home="h-1", sensor="hr-1", kind=Kind.HEART_RATE, ts=ts, value=60.0)


def test_no_url_means_the_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store(None)
    store.write([hr(T0)])
    store.close()

    assert (tmp_path / DEFAULT_SQLITE_PATH).exists()
    assert len(open_store("").query("h-1", Kind.HEART_RATE, 0, 2e9)) == 1


def test_file_is_in_wal_mode(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "r.db").close()
    with sqlite3.connect(tmp_path / "r.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


@pytest.mark.parametrize(("option", "level"), [("", 2), ("?synchronous=normal", 1)])
def test_synchronous_from_the_url(tmp_path: Path, option: str, level: int) -> None:
    store = open_store(f"sqlite:///{tmp_path}/r.db{option}")
    assert isinstance(store, SQLiteStore)
    with store._session() as db:  # the store's own connection: pragmas are per connection
        assert db.execute("PRAGMA synchronous").fetchone() == (level,)
    store.close()


def test_a_writer_holding_the_lock_means_retry_later_then_it_works(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db", busy_timeout_s=0.05)
    other = sqlite3.connect(tmp_path / "r.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process mid-transaction

    with pytest.raises(RetryLater, match="locked"):
        store.write([hr(T0)])
    other.execute("ROLLBACK")
    other.close()
    store.write([hr(T0)])

    assert len(store.query("h-1", Kind.HEART_RATE, 0, 2e9)) == 1


def test_reader_and_writer_on_separate_connections(tmp_path: Path) -> None:
    writer = open_store(f"sqlite:///{tmp_path}/r.db")
    reader = open_store(f"sqlite:///{tmp_path}/r.db")
    errors: list[Exception] = []

    def write() -> None:
        try:
            for batch in range(50):
                writer.write([hr(T0 + batch * 100 + i) for i in range(100)])
        except Exception as error:  # reported below: the test must see it
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    counts = []
    while thread.is_alive():
        counts.append(len(reader.query("h-1", Kind.HEART_RATE, 0, 2e9)))
    thread.join()

    assert errors == []
    assert counts == sorted(counts)  # a reader never sees a half-written batch vanish
    assert all(c % 100 == 0 for c in counts)  # ...nor half a batch
    assert len(reader.query("h-1", Kind.HEART_RATE, 0, 2e9)) == 5000


def test_a_file_that_is_not_a_database_refuses_to_open(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n" * 200)

    with pytest.raises(ConfigError, match=r"notes\.db"):
        open_store(f"sqlite:///{path}")


def test_a_newer_schema_refuses_to_open(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "r.db") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    with pytest.raises(ConfigError, match="newer"):
        SQLiteStore(tmp_path / "r.db")


def test_closed_store_says_retry_later(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    store.close()

    with pytest.raises(RetryLater, match="closed"):
        store.write([hr(T0)])


def test_two_writers_share_series_ids(tmp_path: Path) -> None:
    # ingest and, say, an import job write the same file; each caches ids it has seen
    first = SQLiteStore(tmp_path / "r.db")
    second = SQLiteStore(tmp_path / "r.db")
    tap = ReadingRecord(home="h-2", sensor="tap-1", kind=Kind.TAP, ts=T0, value=0.5)

    first.write([hr(T0)])
    second.write([hr(T0 + 1), tap])
    first.write([hr(T0 + 2), tap])

    for store in (first, second):
        assert [r.ts for r in store.query("h-1", Kind.HEART_RATE, 0, 2e9)] == [T0, T0 + 1, T0 + 2]
        assert store.query("h-2", Kind.TAP, 0, 2e9) == [tap]
        assert [(s.home, s.sensor) for s in store.sensors()] == [("h-1", "hr-1"), ("h-2", "tap-1")]
