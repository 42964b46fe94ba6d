"""``pathways compare``: municipalities, hospitals, cohorts or periods side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import cohort_option, lang_option, log_command, log_options, rule_options


@log_command
@click.option("--by", "by", required=True,
              type=click.Choice(["municipality", "hospital", "cohort", "period"]),
              help="What to compare: municipalities of residence, hospital trusts, cohorts, "
                   "or the period before and after --at.")
@click.option("--at", metavar="DATE",
              help="With --by period: the date a change took effect, e.g. 2025-09-01.")
@click.option("--groups", metavar="A,B",
              help="Only these groups, comma-separated; with two, the change from A to B.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="A self-contained .html page, or .json (one object per indicator "
                   "and group).")
@rule_options("A built-in pathway whose rules to compare (repeatable).")
@cohort_option()
@lang_option("Language of the page.")
@click.option("--population", type=click.Path(path_type=Path), metavar="FILE",
              help="Residents by municipality, sex and age (CSV shaped as SSB table 07459): "
                   "with --by municipality, discharge-ready days per 1,000 residents, "
                   "age- and sex-standardised, in a funnel too.")
@click.option("--min-count", type=click.IntRange(1), default=5, show_default=True,
              help="Counts below this are hidden and never plotted (privacy).")
@log_options
def compare(**options: Any) -> None:
    """Compare groups of LOG on every rule's break rate and indicator.

    Across municipalities, hospitals or cohorts: a funnel plot per indicator
    with 95 % and 99.8 % control limits (overdispersion allowed for), and the
    groups outside them named. Before and after a date (--by period --at
    DATE) or between two groups (--groups A,B): each share with its
    interval, and the change with its interval and test.

    Example:

        pathways compare eventlogs/sample.csv --by municipality -o kommuner.html
    """
    pathways.commands.compare(echo=click.echo, **options)
