"""``pathways read``: read an export once, say what was read, and keep it for later commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import lang_option, log_command, log_options


@log_command
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Save the read log to this DuckDB file (.duckdb); every command "
                   "accepts it in place of LOG and opens it in seconds.")
@lang_option("Language of the summary.")
@log_options
def read(output: Path | None, **options: Any) -> None:
    """Read LOG once, print what was read, and save it with -o for later commands.

    Reading a large export is the slow part of every command (detecting the
    format, replacing national ids, daylight-saving rules, duplicates, levels,
    sorting). Save the read log once and give the saved file to validate,
    discover, breaks, measures and report: they then start at once. The saved
    file holds the pseudonymised log (no national identity numbers) and is as
    confidential as the export.

    Example:

        pathways read eventlogs/sample.csv -o sample.duckdb
        pathways breaks sample.duckdb -o breaks.csv
    """
    if output is not None and output.suffix.lower() != ".duckdb":
        raise click.BadParameter("the saved log must end in .duckdb", param_hint="-o")
    pathways.commands.read(output=output, echo=click.echo, **options)
