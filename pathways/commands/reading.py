"""``pathways read`` and ``pathways validate``: a log read once, or checked row by row."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathways.commands.session import (
    READ_KEYS,
    Echo,
    guard_output,
    log_location,
    log_name,
    plain_echo,
    read_log,
    start_progress,
    wrote,
)

if TYPE_CHECKING:
    from pathways.validation import Validation


def read(log_path: str | Path, *, output: str | Path | None = None, lang: str = "nb",
         echo: Echo = plain_echo, **options: Any) -> None:
    """Read a log, say what was read, and save it to ``output`` (``.duckdb``) when given.

    ``options`` are the keywords of :func:`pathways.read` and ``quiet`` and
    ``verbose`` for the progress display, as for every command that reads a log.
    """
    import pathways

    log_path = log_location(log_path)
    target = None if output is None else Path(output)
    if target is not None:
        guard_output(target, log_path, options)
    log = read_log(log_path, options, echo)
    echo(pathways.log_summary(log, lang=lang))
    if target is not None:
        pathways.save(log, target)
        echo(wrote(target, lang))


def validate(log_path: str | Path, *, fmt: str = "text", max_rows: int = 20,
             echo: Echo = plain_echo, **options: Any) -> Validation:
    """Check a log and print its problems (``fmt`` ``text`` or ``json``).

    An unusable log's errors follow on stderr, one ``Error: ...`` line each;
    the result's ``usable`` says whether the log can be analysed.
    """
    import pathways
    from pathways.progress import stage

    log_path = log_location(log_path)
    start_progress(options)
    read_args = {k: options[k] for k in READ_KEYS if options.get(k) is not None}
    with stage(f"Reading {log_name(log_path)}"):
        result = pathways.validate(log_path, max_rows=None if fmt == "json" else max_rows,
                                   **read_args)
    echo(pathways.format_validation(result, fmt=fmt,  # type: ignore[arg-type]
                                    max_rows=max_rows,
                                    levels_given=options.get("levels") is not None))
    if not result.usable:
        for error in result.errors:
            echo(f"Error: {error}", err=True)
    return result
