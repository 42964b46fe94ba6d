"""``pathways measures``: the break measures that need no pathway file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import cohort_option, lang_option, log_command, log_options


@log_command
@click.option("--only", multiple=True, metavar="NAME",
              help="Run only this measure (repeatable), e.g. --only readmissions.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True, help="text for people, json or csv for further work.")
@lang_option("Language of titles, definitions and labels.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--min-count", type=click.IntRange(1), default=5, show_default=True,
              help="Counts below this are shown as '<N' (and shares made from them left out).")
@click.option("--readmission-days", type=click.IntRange(1, pathways.commands.MAX_WINDOW_DAYS),
              multiple=True, help="Another readmission window in days (repeatable, at most "
                                  "7305: 20 years), e.g. 30.")
@cohort_option("Only the cases of this cohort, e.g. kols: every measure counts them alone.")
@click.option("--show-cases", is_flag=True,
              help="Include per-patient detail in JSON (confidential: taushetsbelagt).")
@click.option("--time-to", "time_to", multiple=True, metavar="FROM:TO",
              help="Time from each FROM event until the first TO event, with open windows "
                   "censored and death competing (repeatable): activities, e.g. "
                   "'Utskrivning:Fastlegekonsultasjon' (several with |), or a rule id such "
                   "as kols/epikrise-1d. Without --only, only these are printed.")
@click.option("--by", type=click.Choice(["municipality", "hospital", "cohort", "period"]),
              help="With --time-to: a curve per group besides the whole.")
@click.option("--population", type=click.Path(path_type=Path), metavar="FILE",
              help="Residents by municipality, sex and age (CSV shaped as SSB table 07459): "
                   "discharge-ready days per 1,000 residents, age- and sex-standardised.")
@click.option("--until", metavar="DATE",
              help="End of observation, e.g. 2025-12-31 (default: the latest event): "
                   "indicator windows ending later are left out as still open, and "
                   "--time-to windows are censored there.")
@log_options
def measures(**options: Any) -> None:
    """Compute the break measures that need no pathway file, for LOG.

    Waiting at transitions, unit transitions, readmissions (28 days and 2
    months), back-and-forth between levels, continuity of care (COC, UPC),
    out-of-hours outcomes, emergency admissions, discharge-ready days, length
    of stay and bed-days, resource concentration, and the national indicator
    presets (nki_readmissions, samhandlingsbarometer_readmissions,
    followup_after_discharge). Each prints its
    definition and thresholds, its headline numbers with denominators and the
    white paper's reference figure beside ours.

    With --time-to FROM:TO, the time from each FROM event until the case's
    first TO event (Kaplan–Meier median with its 95 % interval, and counts of
    events, deaths and windows still open), by --by group.

    Example:

        pathways measures eventlogs/sample.csv --only readmissions --readmission-days 30

        pathways measures eventlogs/sample.csv --time-to kols/fastlege-14d --by municipality
    """
    pathways.commands.measures(echo=click.echo, **options)
