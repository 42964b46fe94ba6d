"""``pathways breaks``: the breaks of a log against intended pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import cohort_option, lang_option, log_command, log_options, rule_options


@log_command
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Breaks table: .csv, .json or .parquet "
                   "(default: LOG-stem-breaks.csv beside the log).")
@rule_options("A built-in pathway: kols, diabetes, hjerneslag, eldre (repeatable).")
@click.option("--until", metavar="DATE",
              help="End of observation, e.g. 2025-12-31 (the end of that day) or "
                   "'2025-12-31T12:00' (default: the latest time in the log).")
@cohort_option()
@lang_option("Language of the messages and the summary.")
@log_options
def breaks(**options: Any) -> None:
    """Find the breaks (brudd) in LOG against intended pathways.

    Applies built-in pathways (--pathway) and rule files (--rules) and writes
    one row per break: late or missing expected events, and forbidden events
    that occurred. The output's extension picks the format (.csv, .json,
    .parquet). Prints, per rule, the triggers, the breaks, the break rate
    (triggers with a break among those whose window has closed, justified
    exceptions left out) and the windows still open at the end of observation.

    Without --pathway and --rules, the built-in pathways of the cohorts
    present in the log are applied, each to its own cohort's cases; when the
    log has none of those cohorts, all four are applied to every case.

    Example:

        pathways breaks eventlogs/sample.csv -o brudd.csv --pathway kols
    """
    pathways.commands.breaks(echo=click.echo, **options)
