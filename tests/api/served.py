"""The populated test app behind a real uvicorn server, for clients that speak HTTP."""

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from tests.api.conftest import World, close_world, open_world
from tests.servers import free_port


@contextmanager
def serve(tmp_path: Path, template: tuple[Path, World]) -> Iterator[tuple[World, str]]:
    """A copy of the template world served on a free port: ``(world, base URL)``."""
    source, world_template = template
    shutil.copy(source / "api.sqlite3", tmp_path / "api.sqlite3")
    world = open_world(tmp_path, world_template)
    config = uvicorn.Config(world.app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)  # waits for the server thread, not for time to pass
    assert server.started, "uvicorn did not start"
    try:
        yield world, f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        close_world(world)
