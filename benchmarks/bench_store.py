"""Store write throughput against raw baselines measured in the same run.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_store [--readings 200000]

Prints rows/s for:
- SQLite baseline: raw ``sqlite3`` ``executemany`` of 5 000-row batches into a plain
  table (WAL, synchronous=NORMAL, one transaction per batch) - the SQLite part of
  the "minimal pipeline" ingest is measured against;
- ``SQLiteStore.write`` in 5 000-reading batches (de-duplicating primary key, upsert,
  last-seen upkeep, fsync per batch), the same batches again (all duplicates, as
  after a redelivery), and with ``synchronous=NORMAL``;
- InfluxDB baseline: raw ``/write`` of pre-built 5 000-point line-protocol bodies;
- ``InfluxStore.write`` in 5 000-reading batches (line protocol built per call).
It starts its own influxd (tests.servers.InfluxDB) on a free port with temporary data.
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import httpx

from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store.influx import InfluxAddress, InfluxStore
from carewatch.store.sqlite import SQLiteStore
from tests.servers import InfluxDB

BATCH = 5_000


def readings(count: int, seed: int = 1) -> list[ReadingRecord]:
    """A realistic mix: 50 homes, a few sensors each, time moving forward."""
    rng = random.Random(seed)
    kinds: list[tuple[Kind, Callable[[], float]]] = [
        (Kind.HEART_RATE, lambda: float(rng.randint(50, 110))),
        (Kind.TAP, lambda: 0.3),
        (Kind.MOTION, lambda: 1.0),
        (Kind.CHAIR, lambda: float(rng.randint(0, 1))),
    ]
    start = 1_700_000_000.0
    out = []
    for i in range(count):
        kind, value = kinds[i % len(kinds)]
        home = f"home-{rng.randrange(50):02d}"
        out.append(
            ReadingRecord(
                home=home,
                sensor=f"{kind.value[:3]}-{rng.randrange(3)}",
                kind=kind,
                ts=start + i * 0.01 + rng.random() / 1000,
                value=value(),
            )
        )
    return out


def batches(items: Sequence[ReadingRecord]) -> list[Sequence[ReadingRecord]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def timed(count: int, run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


def compare(rounds: int, count: int, runs: dict[str, Callable[[int], None]]) -> dict[str, float]:
    """Median rows/s of each run; the runs alternate within each round so that load
    from other processes on the machine hits them alike."""
    rates: dict[str, list[float]] = {label: [] for label in runs}
    for round_no in range(rounds):
        for label, run in runs.items():
            rates[label].append(timed(count, partial(run, round_no)))
    medians = {label: statistics.median(values) for label, values in rates.items()}
    for label, per_s in medians.items():
        spread = ", ".join(f"{v:,.0f}" for v in rates[label])
        print(f"  {label:<48} {per_s:>10,.0f} rows/s  (rounds: {spread})")
    return medians


def sqlite_baseline(path: Path, data: Sequence[ReadingRecord]) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE readings (home TEXT, sensor TEXT, kind TEXT, ts REAL, value REAL)")
    for batch in batches(data):
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO readings VALUES (?, ?, ?, ?, ?)",
            [(r.home, r.sensor, r.kind.value, r.ts, r.value) for r in batch],
        )
        db.execute("COMMIT")
    db.close()


def store_writes(store: SQLiteStore | InfluxStore, data: Sequence[ReadingRecord]) -> None:
    for batch in batches(data):
        store.write(batch)
    store.close()


def influx_baseline(url: str, database: str, bodies: list[bytes]) -> None:
    with httpx.Client(base_url=url) as client:
        client.post("/query", data={"q": f'CREATE DATABASE "{database}"'}).raise_for_status()
        for body in bodies:
            client.post(
                "/write", params={"db": database, "precision": "u"}, content=body
            ).raise_for_status()


def line_bodies(data: Sequence[ReadingRecord]) -> list[bytes]:
    return [
        "\n".join(
            f"reading,home={r.home},kind={r.kind.value},sensor={r.sensor} "
            f"value={r.value!r} {round(r.ts * 1e6)}"
            for r in batch
        ).encode()
        for batch in batches(data)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    count, rounds = args.readings, args.rounds
    data = readings(count)
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    print(f"{count:,} readings in batches of {BATCH:,}, median of {rounds} rounds")
    try:
        sqlite_figures(work, data, rounds)
        influx_figures(work, data, rounds)
    finally:
        shutil.rmtree(work)


def sqlite_figures(work: Path, data: Sequence[ReadingRecord], rounds: int) -> None:
    print("SQLite")
    rates = compare(rounds, len(data), {
        "baseline: sqlite3 executemany, plain table": lambda n: sqlite_baseline(
            work / f"baseline-{n}.db", data),
        "SQLiteStore.write (default: synchronous=FULL)": lambda n: store_writes(
            SQLiteStore(work / f"store-{n}.db"), data),
        "SQLiteStore.write again: all duplicates": lambda n: store_writes(
            SQLiteStore(work / f"store-{n}.db"), data),
        "SQLiteStore.write (synchronous=NORMAL)": lambda n: store_writes(
            SQLiteStore(work / f"normal-{n}.db", synchronous="NORMAL"), data),
    })  # fmt: skip
    base = rates["baseline: sqlite3 executemany, plain table"]
    for label, per_s in list(rates.items())[1:]:
        print(f"  ratio {label} / baseline: {per_s / base:.2f}x")


def influx_figures(work: Path, data: Sequence[ReadingRecord], rounds: int) -> None:
    server = InfluxDB(work / "influxdb")
    server.start()
    try:
        print(f"InfluxDB ({server.command[0]})")
        bodies = line_bodies(data)
        url = f"influxdb://127.0.0.1:{server.port}"
        rates = compare(rounds, len(data), {
            "baseline: raw /write of pre-built line protocol": lambda n: influx_baseline(
                server.url, f"baseline{n}", bodies),
            "InfluxStore.write (builds line protocol)": lambda n: store_writes(
                InfluxStore(InfluxAddress.parse(f"{url}/store{n}")), data),
        })  # fmt: skip
        base, ours = rates.values()
        print(f"  ratio InfluxStore.write / baseline: {ours / base:.2f}x")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
