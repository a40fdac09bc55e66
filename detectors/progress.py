"""Progress on the terminal for long file runs (``carewatch replay`` and ``evaluate``).

Shown on stderr, so output files and piped stdout stay clean; by default only when
stderr is a terminal (``--progress``/``--no-progress`` decide otherwise). Counted in
steps of :data:`EVERY` items so that the hot loop pays almost nothing for it.
"""

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

T = TypeVar("T")
EVERY = 20_000


def wanted(flag: bool | None) -> bool:
    """``--progress`` as given, else whether stderr is a terminal."""
    return sys.stderr.isatty() if flag is None else flag


@contextmanager
def shown(what: str, show: bool) -> Iterator[Progress | None]:
    """A progress display on stderr for ``what`` (``None`` when not shown)."""
    if not show:
        yield None
        return
    console = Console(stderr=True, force_terminal=None)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        progress.add_task(what, total=None)
        yield progress


def counting(items: Iterable[T], progress: Progress | None, unit: str) -> Iterator[T]:
    """Pass ``items`` through, counting them into ``progress``'s task every :data:`EVERY`.

    >>> list(counting(range(3), None, "readings"))
    [0, 1, 2]
    """
    if progress is None:
        yield from items
        return
    task = progress.task_ids[0]
    label = progress.tasks[0].description
    count = 0
    for count, item in enumerate(items, start=1):
        if count % EVERY == 0:
            progress.update(task, description=f"{label}: {count:,} {unit}")
        yield item
    progress.update(task, description=f"{label}: {count:,} {unit}, done")
