"""Running the gateway as a service: load the config, build the sources, relay until told.

Shared by ``carewatch gateway`` (typer) and ``python -m gateway`` (argparse, the
light entry point the systemd unit uses: typer pulls in pydantic at run time).
"""

import faulthandler
import logging
import signal
from pathlib import Path
from typing import Final

from gateway.config import load_config
from gateway.runtime import Gateway


def serve(config_path: Path, log_level: str = "INFO") -> None:
    """Relay readings until SIGTERM/SIGINT; raises ConfigError before starting on bad config."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1` prints every thread's stack
    stop = SignalStop()  # first: every thread started later inherits the blocked signals
    gateway = Gateway(load_config(config_path), file=config_path.name)
    try:
        sources = gateway.build_sources()
    except BaseException:
        gateway.outbox.close()
        raise
    gateway.run(sources, stop)


class SignalStop:
    """Set once SIGTERM or SIGINT has arrived; polled by the main loop.

    The signals are blocked in every thread (before any is started) and fetched
    with ``sigtimedwait``: CPython 3.11 can leave a Python-level handler pending
    indefinitely when the signal lands on another thread (paho's) at the wrong time.
    """

    SIGNALS: Final = frozenset({signal.SIGTERM, signal.SIGINT})

    def __init__(self) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, self.SIGNALS)
        self._set = False

    def is_set(self) -> bool:
        """Whether a stop signal has arrived (a system call, cheap enough per tick)."""
        if not self._set and signal.sigtimedwait(self.SIGNALS, 0) is not None:
            self._set = True
        return self._set


def check(config_path: Path) -> str:
    """Validate the config and build its sources without starting them; a summary line."""
    config = load_config(config_path)
    gateway = Gateway(config, file=config_path.name)
    try:
        sources = gateway.build_sources()
    finally:
        gateway.outbox.close()
    names = ", ".join(source.name for source in sources)
    return (
        f"{config_path}: gateway {config.gateway.id} of home {config.gateway.home}, "
        f"broker {config.broker().url}, sources: {names}"
    )
