"""Emulated gateways: the real gateway relay, fed by virtual residents in accelerated time.

With an incidents directory the residents go on living after the history, in real
time, and incidents asked for there happen in their homes (:mod:`simulators.live`).
"""

import threading
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from gateway.config import config_from_mapping
from gateway.runtime import Gateway
from simulators.profiles import HomeProfile


class EmulatedGateway:
    """One home's gateway (outbox, publisher, status and will) running in a thread."""

    def __init__(
        self,
        profile: HomeProfile,
        *,
        cohort_index: int,
        broker_url: str,
        data_dir: Path,
        seed: int,
        days: int,
        speed: float,
        scenarios: Sequence[str],
        start: date | None = None,
        outbox: Mapping[str, float] | None = None,
        incidents: Path | None = None,
    ) -> None:
        config = config_from_mapping(
            {
                "gateway": {
                    "id": profile.gateway,
                    "home": profile.home,
                    "tz": profile.tz,
                    "data_dir": str(data_dir / profile.gateway),
                },
                "mqtt": {"url": broker_url},
                "status": {"interval_s": 10},
                "outbox": {"batch_max_age_s": 0.5, **(outbox or {})},
                "source": {
                    "simulator": {
                        "home": cohort_index,
                        "seed": seed,
                        "days": days,
                        "speed": speed,
                        "scenarios": list(scenarios),
                        **({"start": start.isoformat()} if start else {}),
                        # after the history, live on and take incident requests
                        **({"live": True, "incidents": str(incidents)} if incidents else {}),
                    }
                },
            },
            file=f"demo gateway {profile.gateway}",
        )
        self.profile = profile
        self.scenarios = tuple(scenarios)
        self._config = config
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"gateway-{profile.gateway}", daemon=True
        )

    def _run(self) -> None:
        # The outbox's SQLite connection belongs to the thread that opens it.
        gateway = Gateway(self._config)
        gateway.run(gateway.build_sources(), self._stop)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()
