"""Incidents in the running demo: who lives where, asking for one, and the autopilot.

The demo writes ``residents.json`` (display name, resident id, home, time zone) into its
directory; ``carewatch demo --incident KIND --resident NAME`` reads it to find the home
and files a request in the demo's ``incidents/`` mailbox (:mod:`simulators.mailbox`),
which that home's live simulation takes within a second or so. The autopilot asks for
one on its own every few minutes, so alerts keep arriving while someone watches.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from carewatch.errors import ConfigError
from simulators import mailbox
from simulators.incidents import INCIDENT_KINDS, cannot, first_moment
from simulators.profiles import HomeProfile

RESIDENTS = "residents.json"
MAILBOX = "incidents"


@dataclass(frozen=True)
class Resident:
    """A demo resident as the person running the demo knows them."""

    name: str
    resident: str
    home: str
    tz: str


def write_residents(directory: Path, names: list[str], homes: list[HomeProfile]) -> None:
    """Record who lives in which demo home (names stay in the demo's own files)."""
    rows = [
        {"name": name, "resident": home.resident, "home": home.home, "tz": home.tz}
        for name, home in zip(names, homes, strict=True)
    ]
    (directory / RESIDENTS).write_text(json.dumps(rows, indent=1))


def find_resident(directory: Path, who: str) -> Resident:
    """The demo resident called ``who`` (display name, first name or id; any case)."""
    path = directory / RESIDENTS
    if not path.is_file():
        raise ConfigError(
            f"{path} not found: start the demo first (`carewatch demo`), or point --dir "
            "at the directory of the running demo"
        )
    residents = [Resident(**row) for row in json.loads(path.read_text())]
    wanted = who.strip().casefold()
    for resident in residents:
        names = (resident.name, resident.name.split()[0], resident.resident)
        if wanted in (name.casefold() for name in names):
            return resident
    known = ", ".join(f"{r.name} ({r.resident})" for r in residents)
    raise ConfigError(f"--resident: no demo resident {who!r}; the demo's residents: {known}")


def ask(directory: Path, resident: Resident, kind: str, timeout: float = 30.0) -> float:
    """Ask the running demo for ``kind`` in ``resident``'s home; returns when it starts."""
    if kind not in INCIDENT_KINDS:
        raise ConfigError(f"--incident: {kind!r} is not one; choose {', '.join(INCIDENT_KINDS)}")
    ticket = mailbox.request(directory / MAILBOX, resident.home, kind)
    deadline = time.monotonic() + timeout
    while (answer := mailbox.answered(ticket)) is None:
        if time.monotonic() > deadline:
            ticket.unlink(missing_ok=True)
            raise ConfigError(
                f"the demo in {directory} did not take the request within {timeout:.0f} s: "
                "is it running, and past its catch-up?"
            )
        time.sleep(0.2)
    if "refused" in answer:
        raise ConfigError(f"--incident {kind}: {answer['refused']}")
    return float(answer["start"])


class Autopilot:
    """Every ``every_s`` seconds, an incident in the next home where one can happen now."""

    def __init__(self, directory: Path, homes: list[HomeProfile], every_s: float) -> None:
        self._box = directory / MAILBOX
        self._homes = homes
        self._every_s = every_s
        self._turn = 0
        self._next = 0.0

    def start(self, at: float) -> None:
        """The first incident is due at ``at`` (epoch seconds: after the catch-up)."""
        self._next = at

    def due(self, now: float) -> tuple[HomeProfile, str] | None:
        """File the next incident if one is due and can happen now; returns what was asked."""
        if self._every_s <= 0 or not self._next or now < self._next:
            return None
        for step in range(len(self._homes)):
            home = self._homes[(self._turn + step) % len(self._homes)]
            for kind in INCIDENT_KINDS:
                if cannot(home, kind) is not None:
                    continue  # nothing to see it with
                if first_moment(home, kind, now) == now:
                    mailbox.request(self._box, home.home, kind)
                    self._turn += step + 1
                    self._next = now + self._every_s
                    return home, kind
        return None
