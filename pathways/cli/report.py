"""``pathways report``: the HTML report of a log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import cohort_option, lang_option, log_command, log_options


@log_command
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The HTML file to write.")
@click.option("--pathway", "pathway", multiple=True,
              help="Built-in pathway whose breaks to show (kols, diabetes, hjerneslag, "
                   "eldre); repeat for several.")
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
              help="A pathway (rule) file in YAML; repeat for several.")
@cohort_option("Apply the pathways only to this cohort's cases, e.g. kols.")
@lang_option("Language of the page: Norwegian bokmål or English.")
@click.option("--min-count", type=click.IntRange(1), default=5, show_default=True,
              help="Counts below this are shown as '<N' and give no rate (privacy).")
@click.option("--show-cases", is_flag=True,
              help="List pseudonymous case ids of breaks; the page is marked confidential.")
@click.option("--period", type=click.Choice(["month", "tertial"]), default="month",
              show_default=True, help="One point of a run chart: a month or a tertial.")
@click.option("--intervention", "interventions", multiple=True, metavar="DATE:LABEL",
              help="A change to mark on the run charts, e.g. "
                   "2025-09-01:\"Ny utskrivningsrutine\"; repeat for several.")
@click.option("--population", type=click.Path(path_type=Path), metavar="FILE",
              help="Residents by municipality, sex and age (CSV shaped as SSB table 07459).")
@click.option("--map-detail", default="medium", show_default=True, metavar="DETAIL",
              help="Level map detail: low, medium, high, full, or 0-100 (the share of "
                   "events and flow kept).")
@click.option("--compare", type=click.Choice(["auto", "none", "municipality", "hospital",
                                              "cohort"]), default="auto", show_default=True,
              help="A section comparing groups with funnel plots; auto: municipalities "
                   "when the log has several.")
@click.option("--full", is_flag=True,
              help="Print the appendix too (every table and chart); on screen it is "
                   "always there.")
@log_options
def report(**options: Any) -> None:
    r"""Write one self-contained HTML page about LOG for the health community's meeting.

    The page opens with the key findings, in words, each linking to its
    section; the main body prints on about 12 A4 pages, and the details are in
    an appendix that prints with --full. The page holds the data summary and
    data-quality notes, the level map, waiting times at transitions, breaks by
    kind, rule, transition and organisation, run charts, the most common
    variants, conformance, measures and method notes. It needs no network and
    prints on A4. Counts below --min-count are hidden. Without --pathway and
    --rules, the built-in pathways of the cohorts in the log apply, each to
    its own cohort; a named pathway applies to every case unless --cohort is
    given.

    Example:

        pathways report eventlogs/sample.csv -o rapport.html --pathway kols \
            --cohort kols --intervention 2025-09-01:"Ny utskrivningsrutine"
    """
    pathways.commands.report(echo=click.echo, **options)
