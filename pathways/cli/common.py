"""What every command that reads a log shares: its options and how it reads."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

LOG_OPTIONS = (
    click.option("--sep", help="Column separator of a CSV file: one character, 'tab' for a "
                               "tab (detected if not given)."),
    click.option("--encoding", help="Text encoding, e.g. utf-8 or cp1252 (detected)."),
    click.option("--date-format",
                 help="strptime format of the times, e.g. '%d.%m.%Y %H:%M' (detected)."),
    click.option("--timezone", default="Europe/Oslo", show_default=True,
                 help="Time zone of times written without an offset."),
    click.option("--case", help="Name of the case (patient journey) id column."),
    click.option("--activity", help="Name of the activity column."),
    click.option("--timestamp", help="Name of the timestamp column."),
    click.option("--level", help="Name of the care-level column."),
    click.option("--resource", help="Name of the unit/resource column."),
    click.option("--organisation", help="Name of the organisation column."),
    click.option("--levels", "levels", type=click.Path(path_type=Path),
                 help="Mapping file (YAML or CSV) from activity or unit to care level."),
    click.option("--municipalities", "municipalities", type=click.Path(path_type=Path),
                 help="Municipality list (CSV: number, name, valid_from, valid_to, "
                      "successor) replacing the national list that ships."),
    click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
                 show_default=True,
                 help="Where the analyses run: DuckDB here, or a local Spark session."),
    click.option("--quiet", "-q", is_flag=True, help="No progress display."),
    click.option("--verbose", "-v", is_flag=True, help="Print each stage's time."),
)

READ_KEYS = ("sep", "encoding", "date_format", "timezone", "case", "activity",
             "timestamp", "level", "resource", "organisation", "levels", "municipalities",
             "engine")


def log_options(func: F) -> F:
    """Add the options that say how to read a log."""
    for option in reversed(LOG_OPTIONS):
        func = option(func)
    return func


def start_progress(options: dict[str, Any]) -> None:
    """Set up the progress display from ``--quiet`` and ``--verbose`` (removing them)."""
    from pathways.progress import configure

    configure(quiet=options.pop("quiet", False), verbose=options.pop("verbose", False))


def stage(name: str) -> AbstractContextManager[None]:
    """A named stage of the command, shown by the progress display."""
    from pathways.progress import stage as progress_stage

    return progress_stage(name)


def read_log(path: Path, options: dict[str, Any]) -> Any:
    """Read the log with the command's options (removing them from ``options``)."""
    import pathways
    from pathways.progress import mark_size

    start_progress(options)
    read_args = {k: options.pop(k) for k in READ_KEYS if k in options}
    mark_size(file_bytes=path.stat().st_size if path.is_file() else None)
    with stage(f"Reading {path.name}"):
        log = pathways.read(path, **read_args)
    mark_size(events=log.report.rows_kept)
    report = log.report
    if report.rows_rejected and report.file_format == "sources":
        note(f"{report.rows_rejected} row(s) of the extracts in {path} were left out "
             "(rejected or cancelled messages, rows with no person or readable date); "
             "run 'pathways validate' for the list.")
    elif report.rows_rejected:
        note(f"{report.rows_rejected} row(s) of {path} could not be used (no case id, "
             "activity or readable time); run 'pathways validate' for the list.")
    return log


def guard_output(target: Path, log_path: Path, options: dict[str, Any],
                 *more: Path, kinds: tuple[str, ...] = (), what: str = "the output") -> None:
    """Fail before any work when ``target`` cannot be written or is a file the command reads.

    The log, the level mapping (``--levels``) and ``more`` (rule files) are
    remembered for the rest of the command, so no writer replaces one of them
    (:func:`pathways.present.output.protect_inputs`). With ``kinds``, the
    target must end in one of those extensions (``what`` names it in the error).
    """
    from pathways.present.output import check_extension, check_writable, protect_inputs

    if kinds:
        check_extension(target, kinds, what)
    protect_inputs(log_path, options.get("levels"), *more)
    check_writable(target)


def note(message: str) -> None:
    """A message for the user, on stderr (data goes to stdout); national ids masked."""
    from pathways.enrich.pseudonym import mask_national_ids

    click.echo(mask_national_ids(message), err=True)


def wrote(path: Path, lang: str) -> str:
    """"Skrev PATH" or "Wrote PATH": the last line of a command that wrote a file."""
    from pathways.enrich.pseudonym import mask_national_ids

    return f"{'Wrote' if lang == 'en' else 'Skrev'} {mask_national_ids(str(path))}"


def default_output(log_path: Path, suffix: str) -> Path:
    """``LOG-stem`` + suffix beside the log, a national id in the stem left out."""
    from pathways.enrich.pseudonym import mask_national_ids

    name = mask_national_ids(log_path.name, "fnr")
    for ext in (".gz", ".csv", ".xes", ".parquet", ".txt", ".tsv"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    return log_path.with_name(name + suffix)
