"""The whole system on one machine: broker, ingest with detectors, API, emulated gateways.

Virtual homes replay the last ``days`` days so fast that they catch up with the
present in about ``catch_up_s`` seconds, then carry on in real time: within a
minute or so the detectors have learnt enough for alerts to reach the carer
dashboard. With ``live`` (the default) the residents then go on living, so today
fills in, and an incident happens every ``incident_every_s`` seconds somewhere
(:mod:`simulators.demo.incidents`). Everything it writes stays in one directory.
"""

import secrets
import shutil
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from carewatch.errors import ConfigError
from carewatch.local_broker import LocalBroker, local_broker
from simulators.demo.gateways import EmulatedGateway
from simulators.demo.incidents import MAILBOX, Autopilot, write_residents
from simulators.demo.people import DEMO_NAMES, Login, new_password, set_up_people
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
    live: bool = True  # after the history, the residents go on living in real time
    incident_every_s: float = 240.0  # the autopilot's pace once caught up (0: never)
    # For tests and experiments (the CLI keeps the defaults above):
    scenarios: tuple[tuple[str, ...], ...] = DEMO_SCENARIOS  # per home, in turn
    routing_file: Path | None = None  # CAREWATCH_API_ROUTING_FILE
    carer_notify_url: str | None = None  # Apprise URL of the demo carer
    ingest_env: Mapping[str, str] = field(default_factory=dict)  # extra CAREWATCH_INGEST_*
    api_env: Mapping[str, str] = field(default_factory=dict)  # extra CAREWATCH_API_*
    gateway_outbox: Mapping[str, float] = field(default_factory=dict)  # extra [outbox] settings

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
    start_date: date | None = None  # first simulated day, the same for every gateway
    _broker: LocalBroker | None = None
    _services: list[Service] = field(default_factory=list)
    _gateways: list[EmulatedGateway] = field(default_factory=list)
    autopilot: Autopilot | None = None
    say: Callable[[str], None] = lambda step: None  # progress, for the person waiting

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
            self.say("starting the MQTT broker")
            self._start_broker()
            self.homes = make_cohort(self.options.homes, seed=self.options.seed)
            self.say("starting the API (database, admin login)")
            admin = self._start_api()
            self.say("starting ingest with the detectors")
            self._start_ingest()
            self.say(f"creating {len(self.homes)} homes, their residents and the demo logins")
            self.logins = set_up_people(
                self.api_url, admin, self.homes, carer_notify_url=self.options.carer_notify_url
            )
            names = [DEMO_NAMES[i % len(DEMO_NAMES)] for i in range(len(self.homes))]
            write_residents(self.directory, names, self.homes)
            self.say(f"starting {len(self.homes)} emulated gateways")
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

    def service(self, name: str) -> Service:
        """The running ``ingest`` or ``api`` service, e.g. to kill and restart it."""
        return next(service for service in self._services if service.name == name)

    def gateway(self, index: int) -> EmulatedGateway:
        """The emulated gateway of ``homes[index]``."""
        return self._gateways[index]

    def restart_gateway(self, index: int) -> EmulatedGateway:
        """Start ``homes[index]``'s gateway again after :meth:`EmulatedGateway.stop`.

        Its outbox is kept, so it sends what was left and resumes its replay after it.
        """
        old = self._gateways[index]
        if old.alive:
            raise RuntimeError(f"gateway {old.profile.gateway} is still running")
        self._gateways[index] = self._new_gateway(index)
        self._gateways[index].start()
        return self._gateways[index]

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
        self._broker = local_broker(self.directory / "broker", port=0)
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
            **(
                {"CAREWATCH_API_ROUTING_FILE": str(self.options.routing_file)}
                if self.options.routing_file
                else {}
            ),
            **self.options.api_env,
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
            **self.options.ingest_env,
        }
        ingest = self._service("ingest", ["ingest", "run"], env)
        self._services.append(ingest)
        ingest.start()
        self.ingest_url = f"http://127.0.0.1:{port}"
        ingest.wait_healthy(f"{self.ingest_url}/health")

    def _start_gateways(self) -> None:
        # One start date for all, so a test can simulate exactly what each gateway sends:
        # the earliest home's today, so no history still has a local evening to replay in
        # real time (west of UTC) while incidents wait for the life that follows it.
        now = time.time()
        today = min(datetime.fromtimestamp(now, ZoneInfo(home.tz)).date() for home in self.homes)
        self.start_date = today - timedelta(days=self.options.days)
        for index in range(len(self.homes)):
            gateway = self._new_gateway(index)
            self._gateways.append(gateway)
            gateway.start()
        if self.options.live:
            every = self.options.incident_every_s
            self.autopilot = Autopilot(self.directory, self.homes, every)
            self.autopilot.start(time.time() + self.options.catch_up_s + 30.0)

    def scenarios_of(self, index: int) -> tuple[str, ...]:
        """The scenarios ``homes[index]`` plays."""
        scenarios = self.options.scenarios
        return scenarios[index % len(scenarios)] if scenarios else ()

    def _new_gateway(self, index: int) -> EmulatedGateway:
        assert self.start_date is not None
        return EmulatedGateway(
            self.homes[index],
            cohort_index=index + 1,
            broker_url=self.broker_url,
            data_dir=self.directory / "gateways",
            seed=self.options.seed,
            days=self.options.days,
            speed=self.options.speed,
            scenarios=self.scenarios_of(index),
            start=self.start_date,
            outbox=self.options.gateway_outbox,
            incidents=self.directory / MAILBOX if self.options.live else None,
        )


def _free_port(preferred: int) -> int:
    """``preferred`` if it is free on loopback, else any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
