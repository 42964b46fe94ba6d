"""Feedback on long runs: a progress display per stage, and stage times.

Library code marks its stages with :func:`stage`; nothing is shown unless the
command line turned feedback on with :func:`configure`. The engine runs each
stage as one query, so the display cannot count rows: it shows the stage, a
spinner and the elapsed time, on stderr, and only when stderr is a terminal,
``--quiet`` was not given and the log is large (over :data:`LARGE_LOG` events,
or its size unknown yet while reading a large file). ``--verbose`` prints each
stage's time on stderr whether or not a terminal is attached.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["LARGE_FILE_BYTES", "LARGE_LOG", "configure", "stage"]

#: Logs with more events than this get a progress display.
LARGE_LOG = 1_000_000
#: Files larger than this count as large before their events are known.
LARGE_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class _Settings:
    show: bool = False
    verbose: bool = False
    large: bool = False


_settings = _Settings()


def configure(*, quiet: bool = False, verbose: bool = False) -> None:
    """Turn feedback on for this process (called by the command line).

    Parameters
    ----------
    quiet : bool
        No progress display.
    verbose : bool
        Print each stage's time on stderr.
    """
    _settings.show = not quiet and sys.stderr.isatty()
    _settings.verbose = verbose


def mark_size(*, events: int | None = None, file_bytes: int | None = None) -> None:
    """Record how large the log is, which decides whether a display is shown."""
    if events is not None:
        _settings.large = events > LARGE_LOG
    elif file_bytes is not None:
        _settings.large = file_bytes > LARGE_FILE_BYTES


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Mark a stage of the work (``with stage("reading"): ...``).

    Parameters
    ----------
    name : str
        What the stage does, shown to the user.

    Examples
    --------
    >>> with stage("counting"):
    ...     total = sum(range(10))
    >>> total
    45
    """
    start = time.perf_counter()
    display = _display(name) if _settings.show and _settings.large else None
    try:
        if display is not None:
            with display:
                yield
        else:
            yield
    finally:
        if _settings.verbose:
            sys.stderr.write(f"{name}: {time.perf_counter() - start:.2f} s\n")


def _display(name: str) -> Any:
    """A rich status line (spinner, stage, elapsed time) on stderr."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                        TimeElapsedColumn(), console=Console(stderr=True),
                        transient=True)
    progress.add_task(name, total=None)
    return progress
