"""Incident requests on disk: how ``carewatch demo --incident`` reaches a running demo.

A request is a small JSON file in ``<directory>/<home>/``, written whole (a temporary
file renamed into place), so a gateway never reads half of one. The home's live
simulation (:mod:`simulators.live`) takes it, deletes it and answers with a ``.done``
file saying when the incident starts, which the requester waits for. The demo's own
directory is the channel: nothing new listens on the network, and only whoever can
write the demo's files can ask.

Examples
--------
>>> import tempfile
>>> box = Path(tempfile.mkdtemp())
>>> ticket = request(box, "home-001", "stress")
>>> [(t.name == ticket.name, kind) for t, kind in take(box, "home-001")]
[(True, 'stress')]
>>> take(box, "home-001")
[]
>>> answer(ticket, start=1.5e9, end=1.5e9 + 60); answered(ticket)
{'start': 1500000000.0, 'end': 1500000060.0}
"""

import json
import secrets
import time
from pathlib import Path


def request(directory: Path, home: str, kind: str) -> Path:
    """File a request for ``kind`` in ``home``; returns its ticket (the request's path)."""
    folder = directory / home
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{secrets.token_hex(4)}"
    scratch = folder / f".{name}.tmp"
    scratch.write_text(json.dumps({"kind": kind}))
    ticket = folder / f"{name}.json"
    scratch.rename(ticket)
    return ticket


def take(directory: Path, home: str) -> list[tuple[Path, str]]:
    """The requests waiting for ``home``, oldest first, removed from the mailbox."""
    folder = directory / home
    if not folder.is_dir():
        return []
    taken: list[tuple[Path, str]] = []
    for ticket in sorted(folder.glob("*.json")):
        try:
            kind = str(json.loads(ticket.read_text())["kind"])
        except (OSError, ValueError, KeyError, TypeError):
            kind = ""  # unreadable: answered as refused, never retried
        ticket.unlink(missing_ok=True)
        taken.append((ticket, kind))
    return taken


def answer(ticket: Path, **fields: float | str) -> None:
    """Tell the requester what became of ``ticket`` (start and end, or a refusal)."""
    done = ticket.with_suffix(".done")
    scratch = ticket.with_suffix(".done.tmp")
    scratch.write_text(json.dumps(fields))
    scratch.rename(done)


def answered(ticket: Path) -> dict[str, float | str] | None:
    """The answer to ``ticket``, or ``None`` while nobody has taken it."""
    done = ticket.with_suffix(".done")
    if not done.exists():
        return None
    fields: dict[str, float | str] = json.loads(done.read_text())
    return fields
