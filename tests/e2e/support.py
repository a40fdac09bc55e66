"""Shared by tests/e2e and tests/simulators/test_demo.py: the demo stack, its API, its data.

The stack is :class:`simulators.demo.DemoStack` (real gateways in threads, ingest and the
API as ``python -m carewatch`` processes); these helpers log in as its demo people, wait
for what other processes do, and recompute exactly what each gateway replays.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx

from carewatch.protocol import Kind
from carewatch.records import LabelRecord, ReadingRecord
from carewatch.store import Store
from simulators import HomeSimulation, simulate_home
from simulators.demo import DemoOptions, DemoStack

T = TypeVar("T")
Alert = dict[str, Any]


def eventually(
    condition: Callable[[], T], what: str, timeout: float = 120.0, every: float = 1.0
) -> T:
    """Poll ``condition`` until it is truthy (for what other processes do, never time logic)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@contextmanager
def demo(directory: Path, **options: Any) -> Iterator[DemoStack]:
    """A started demo stack in ``directory``, stopped on exit; its API on a free port.

    The history only, unless ``live=True``: these tests compare what is stored with
    exactly what the history holds (the live part is tested in tests/simulators).
    """
    options.setdefault("live", False)
    stack = DemoStack(DemoOptions(directory=directory, api_port=0, **options))
    with stack:
        yield stack


class ApiUser:
    """A demo login talking to the API with a bearer token."""

    def __init__(self, stack: DemoStack, role: str) -> None:
        login = next(login for login in stack.logins if login.role == role)
        self.login = login
        self.client = httpx.Client(base_url=stack.api_url, timeout=30)
        token = self.client.post(
            "/api/v1/auth/token", data={"username": login.username, "password": login.password}
        )
        token.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    def alerts(self) -> list[Alert]:
        alerts: list[Alert] = self.get("/api/v1/alerts", limit=500)
        return alerts

    def close(self) -> None:
        self.client.close()


def simulation(stack: DemoStack, index: int) -> HomeSimulation:
    """Exactly what ``stack.homes[index]``'s gateway replays (same profile, seed, dates)."""
    assert stack.start_date is not None, "gateways not started"
    return simulate_home(
        stack.homes[index],
        days=stack.options.days,
        seed=stack.options.seed,
        start=stack.start_date,
        scenarios=stack.scenarios_of(index),
    )


def sent(sim: HomeSimulation) -> list[ReadingRecord]:
    """What the store should hold of the simulation, ordered like :func:`stored`.

    Stores keep one reading per (home, sensor, ts), the last written: duplicates collapse,
    and so do two readings one sensor stamps with the same millisecond (the simulator
    makes a few: a chair left and sat on again at once), the later in arrival order winning.
    """
    last = {(r.home, r.sensor, r.ts): r for r in sim.readings}
    return sorted(last.values(), key=_order)


def stored(store: Store, home: str) -> list[ReadingRecord]:
    """Every reading of ``home`` in the store, ordered like :func:`sent`."""
    rows = [row for kind in Kind for row in store.query(home, kind, 0.0, 4e9)]
    return sorted(rows, key=_order)


def _order(record: ReadingRecord) -> tuple[str, str, float, float]:
    return (record.home, record.sensor, record.ts, record.value)


def labels_of(sim: HomeSimulation, kind: str) -> list[LabelRecord]:
    return [label for label in sim.labels if label.kind == kind]


def of_kind(alerts: list[Alert], home: str, kind: str) -> list[Alert]:
    return [a for a in alerts if a["home_id"] == home and a["kind"] == kind]
