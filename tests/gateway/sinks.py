"""A sink that records what sources hand it (the gateway's own sink is tested end to end)."""

import threading
import time
from collections import Counter

from carewatch.protocol import Reading


class RecordingSink:
    """Thread-safe record of readings, battery levels and problems."""

    def __init__(self) -> None:
        self.readings: list[Reading] = []
        self.batteries: dict[str, float] = {}
        self.problems: list[str] = []
        self.problem_sources: Counter[str] = Counter()
        self._lock = threading.Lock()

    def reading(self, reading: Reading) -> None:
        with self._lock:
            self.readings.append(reading)

    def battery(self, sensor: str, percent: float) -> None:
        with self._lock:
            self.batteries[sensor] = percent

    def problem(self, source: str, reason: str) -> None:
        with self._lock:
            self.problems.append(reason)
            self.problem_sources[source] += 1

    def wait_for(self, readings: int, problems: int = 0, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.readings) < readings or len(self.problems) < problems:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"got {len(self.readings)} readings, {len(self.problems)} problems"
                )
            time.sleep(0.02)
