"""``pathways validate``: what is wrong with a log, row by row, and can it be used."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pathways.cli.common import READ_KEYS, log_options, stage, start_progress


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs (lists every row).")
@click.option("--max-rows", type=click.IntRange(0), default=20, show_default=True,
              help="In text, list at most this many rows per kind of problem.")
@log_options
def validate(log_path: Path, fmt: str, max_rows: int, **options: Any) -> None:
    """Check LOG and list its problems with the file's row numbers.

    Reports unreadable times, missing ids, unknown care levels, duplicates,
    cases with one event, future dates and daylight-saving-ambiguous times.
    Rows are data rows counted from 1 after the header. Exits 0 when the log
    can be analysed (warnings do not stop it) and 1 when it cannot.

    Example:

        pathways validate eventlogs/sample.csv --max-rows 5
    """
    import pathways

    start_progress(options)
    read_args = {k: options[k] for k in READ_KEYS if options.get(k) is not None}
    with stage(f"Reading {log_path.name}"):
        result = pathways.validate(log_path, max_rows=None if fmt == "json" else max_rows,
                                   **read_args)
    click.echo(pathways.format_validation(result, fmt=fmt,  # type: ignore[arg-type]
                                          max_rows=max_rows,
                                          levels_given=options.get("levels") is not None))
    if not result.usable:
        for error in result.errors:
            click.echo(f"Error: {error}", err=True)
        sys.exit(1)
