"""``pathways validate``: what is wrong with a log, row by row, and can it be used."""

from __future__ import annotations

import sys
from typing import Any

import click

import pathways
from pathways.cli.common import log_command, log_options


@log_command
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs (lists every row).")
@click.option("--max-rows", type=click.IntRange(0), default=20, show_default=True,
              help="In text, list at most this many rows per kind of problem.")
@log_options
def validate(**options: Any) -> None:
    """Check LOG and list its problems with the file's row numbers.

    Reports unreadable times, missing ids, unknown care levels, duplicates,
    cases with one event, future dates and daylight-saving-ambiguous times.
    Rows are data rows counted from 1 after the header. Exits 0 when the log
    can be analysed (warnings do not stop it) and 1 when it cannot.

    Example:

        pathways validate eventlogs/sample.csv --max-rows 5
    """
    if not pathways.commands.validate(echo=click.echo, **options).usable:
        sys.exit(1)
