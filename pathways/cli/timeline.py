"""``pathways timeline``: one patient's journey across the care levels, as SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import lang_option, log_command, log_options


@log_command
@click.argument("case_id", metavar="CASE")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The file to write: .svg, or .html for a page that holds the drawing.")
@lang_option("Language of labels and title.")
@log_options
def timeline(**options: Any) -> None:
    """Draw the journey of case CASE in LOG across the care-level swimlanes (SVG).

    Rows are the care levels the case visits, grouped by tier; events are
    marks with their activity, hospital stays are bars and transitions are
    connectors. The drawing shows one patient: it is confidential
    (taushetsbelagt). CASE is the id as the log holds it after reading
    (national identity numbers become pseudonyms).

    Example:

        pathways timeline eventlogs/sample.csv P0000001 -o forlop.svg
    """
    pathways.commands.timeline(echo=click.echo, **options)
