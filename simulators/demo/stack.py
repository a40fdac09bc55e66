"""The whole system on one machine: broker, ingest with detectors, API, emulated gateways.

Virtual homes replay the last ``days`` days so fast that they catch up with the
present in about ``catch_up_s`` seconds, then carry on in real time: within a
minute or so the detectors have learnt enough for alerts to reach the carer
dashboard. Everything it writes stays in one directory.
"""

import secrets
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

from carewatch.embedded_broker import EmbeddedBroker
from carewatch.errors import ConfigError
from simulators.demo.gateways import EmulatedGateway
from simulators.demo.people import Login, new_password, set_up_people
from simulators.demo.services import Service
from simulators.profiles import HomeProfile, make_cohort

MARKER = ".carewatch-demo"
# One scenario per home, so each kind of alert shows up somewhere.
DEMO_SCENARIOS = (
    ("stress",), ("night_wandering",), ("dehydration",), ("inactivity",), ("sensor_dead",),
)  # fmt: skip
DAY_S = 86_400


@dataclass(frozen=True)
class DemoOptions:
    """What the demo runs; the defaults are the README's demo."""

    homes: int = 5
    days: int = 21
    seed: int = 7
    catch_up_s: float = 60.0
    learning_days: float = 7.0
    directory: Path = Path("demo-output")
    api_port: int = 8000
    broker_url: str | None = None
    store_url: str | None = None

    @property
    def speed(self) -> float:
        """Simulated seconds per wall-clock second while catching up."""
        return self.days * DAY_S / self.catch_up_s


@dataclass
class DemoStack:
    """Start with :meth:`start`, stop with :meth:`stop` (or use it as a context manager)."""

    options: DemoOptions
    homes: list[HomeProfile] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    api_url: str = ""
    ingest_url: str = ""
    broker_url: str = ""
    _broker: EmbeddedBroker | None = None
    _services: list[Service] = field(default_factory=list)
    _gateways: list[EmulatedGateway] = field(default_factory=list)

    def __enter__(self) -> "DemoStack":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def directory(self) -> Path:
        return self.options.directory.resolve()

    def start(self) -> None:
        """Bring everything up; on failure, stop what was started and re-raise."""
        try:
            self._prepare_directory()
            self._start_broker()
            self.homes = make_cohort(self.options.homes, seed=self.options.seed)
            admin = self._start_api()
            self._start_ingest()
            self.logins = set_up_people(self.api_url, admin, self.homes)
            self._start_gateways()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop gateways first (their outboxes keep what was not sent), then the services."""
        for gateway in self._gateways:
            gateway.stop()
        for service in reversed(self._services):
            service.stop()
        if self._broker is not None:
            self._broker.stop()
            self._broker = None
        self._gateways.clear()
        self._services.clear()

    def _prepare_directory(self) -> None:
        directory = self.directory
        if directory.exists():
            if not (directory / MARKER).exists():
                raise ConfigError(
                    f"{directory} exists and is not a CareWatch demo directory; "
                    "choose another with --dir"
                )
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        (directory / MARKER).write_text("created by `carewatch demo`; deleted by the next one\n")

    def _start_broker(self) -> None:
        if self.options.broker_url:
            self.broker_url = self.options.broker_url
            return
        self._broker = EmbeddedBroker(port=0)
        self._broker.start()
        self.broker_url = self._broker.url

    def _store_url(self) -> str:
        return self.options.store_url or f"sqlite:///{self.directory / 'readings.db'}"

    def _service(self, name: str, args: list[str], env: dict[str, str]) -> Service:
        return Service(name, args, env, self.directory / f"{name}.log")

    def _start_api(self) -> Login:
        port = _free_port(self.options.api_port)
        env = {
            "CAREWATCH_API_DATABASE_URL": f"sqlite:///{self.directory / 'api.sqlite3'}",
            "CAREWATCH_API_STORE_URL": self._store_url(),
            "CAREWATCH_API_BROKER_URL": self.broker_url,
            "CAREWATCH_API_JWT_SECRET": secrets.token_hex(32),
            "CAREWATCH_API_SECURE_COOKIES": "false",  # plain HTTP on localhost only
            "CAREWATCH_API_HOST": "127.0.0.1",
            "CAREWATCH_API_PORT": str(port),
            "CAREWATCH_API_TOKEN_MINUTES": "600",
        }
        admin = Login("admin", "demo-admin", new_password(), "everything")
        setup_env = {**env, "CAREWATCH_API_ADMIN_PASSWORD": admin.password}
        create_admin = ["api", "create-admin", "--username", admin.username]
        self._service("api-setup", create_admin, setup_env).run_once()
        api = self._service("api", ["api", "serve"], env)
        self._services.append(api)
        api.start()
        self.api_url = f"http://127.0.0.1:{port}"
        api.wait_healthy(f"{self.api_url}/health")
        return admin

    def _start_ingest(self) -> None:
        port = _free_port(0)
        env = {
            "CAREWATCH_INGEST_BROKER_URL": self.broker_url,
            "CAREWATCH_INGEST_STORE_URL": self._store_url(),
            "CAREWATCH_INGEST_STATE_PATH": str(self.directory / "ingest.db"),
            "CAREWATCH_INGEST_HTTP_PORT": str(port),
            "CAREWATCH_INGEST_TICK_INTERVAL_S": "2",
            # Replayed history is not "now": detectors tick on the readings' own time.
            "CAREWATCH_INGEST_DETECTOR_EVENT_TIME": "true",
            "CAREWATCH_INGEST_DETECTOR_LEARNING_DAYS": str(self.options.learning_days),
            "CAREWATCH_INGEST_DETECTOR_CHECKPOINT_PATH": str(self.directory / "detectors.ckpt"),
        }
        ingest = self._service("ingest", ["ingest", "run"], env)
        self._services.append(ingest)
        ingest.start()
        self.ingest_url = f"http://127.0.0.1:{port}"
        ingest.wait_healthy(f"{self.ingest_url}/health")

    def _start_gateways(self) -> None:
        for index, profile in enumerate(self.homes, start=1):
            gateway = EmulatedGateway(
                profile,
                cohort_index=index,
                broker_url=self.broker_url,
                data_dir=self.directory / "gateways",
                seed=self.options.seed,
                days=self.options.days,
                speed=self.options.speed,
                scenarios=DEMO_SCENARIOS[(index - 1) % len(DEMO_SCENARIOS)],
            )
            self._gateways.append(gateway)
            gateway.start()


def _free_port(preferred: int) -> int:
    """``preferred`` if it is free on loopback, else any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
