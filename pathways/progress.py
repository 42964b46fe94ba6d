"""Feedback on long runs: a progress bar per stage, and stage times.

Library code marks its stages with :func:`stage`; nothing is shown unless the
command line turned feedback on with :func:`configure`. Each stage runs as a
few engine queries, and DuckDB reports how far the running query has come
(``query_progress``): the bar shows that, beside the stage's name and its
elapsed time. Stages may nest (reading has its own steps): the inner step is
shown after the outer stage's name. The display goes to stderr, and only when
stderr is a terminal, ``--quiet`` was not given and the log is large (over
:data:`LARGE_LOG` events, or its size unknown yet while reading a large file).
``--verbose`` prints each stage's time on stderr whether or not a terminal is
attached.
"""

from __future__ import annotations

import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["LARGE_FILE_BYTES", "LARGE_LOG", "configure", "follow", "stage", "wanted"]

#: Logs with more events than this get a progress display.
LARGE_LOG = 1_000_000
#: Files larger than this count as large before their events are known.
LARGE_FILE_BYTES = 50 * 1024 * 1024


class QuerySource(Protocol):
    """Something that knows how far its running query has come."""

    def query_progress(self) -> float:
        """Percent done of the running query, or a negative number when unknown."""
        ...


@dataclass
class _Settings:
    show: bool = False
    verbose: bool = False
    large: bool = False
    source: Any = None  # weakref to a QuerySource
    names: list[str] = field(default_factory=list)  # the stages now running
    display: Any = None  # (Progress, task id) while a bar is shown


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


def wanted() -> bool:
    """True when a progress display may be shown (an engine then reports progress)."""
    return _settings.show


def follow(source: QuerySource) -> None:
    """Show the progress of ``source``'s queries in the bar (held weakly)."""
    _settings.source = weakref.ref(source)


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
    from pathways.enrich.pseudonym import mask_national_ids

    start = time.perf_counter()
    name = mask_national_ids(name)  # stages name files, which may hold an id
    _settings.names.append(name)
    label = " – ".join(_settings.names)
    try:
        if _settings.display is not None:  # an outer stage's bar: say what runs now
            progress, task = _settings.display
            progress.update(task, description=label)
            yield
        elif _settings.show and _settings.large:
            progress = _display()
            task = progress.add_task(label, total=100)
            _settings.display = (progress, task)
            try:
                with progress:
                    yield
            finally:
                _settings.display = None
        else:
            yield
    finally:
        _settings.names.pop()
        if _settings.display is not None:
            progress, task = _settings.display
            progress.update(task, description=" – ".join(_settings.names))
        if _settings.verbose:
            indent = "  " * len(_settings.names)
            sys.stderr.write(f"{indent}{name}: {time.perf_counter() - start:.2f} s\n")


def query_percent() -> float:
    """How far the followed engine's running query has come (negative: unknown)."""
    source = _settings.source() if _settings.source is not None else None
    if source is None:
        return -1.0
    try:
        return float(source.query_progress())
    except Exception:  # the engine may be between queries or closed
        return -1.0


def _display(console: Any = None) -> Any:
    """A rich progress display on stderr: stage, bar of the running query, time."""
    from rich.console import Console
    from rich.progress import (
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    class QueryBar(ProgressColumn):
        """The running query's progress: a bar and a percentage (a pulse when unknown)."""

        def render(self, task: Any) -> Any:
            percent = query_percent()
            grid = Table.grid(padding=(0, 1))
            grid.add_row(
                ProgressBar(total=100, completed=max(percent, 0.0), pulse=percent < 0,
                            width=30),
                f"{percent:3.0f}%" if percent >= 0 else "    ")
            return grid

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), QueryBar(),
                    TimeElapsedColumn(), console=console or Console(stderr=True),
                    transient=True)
