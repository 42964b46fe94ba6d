"""``pathways simulate``: a synthetic log of patient journeys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import HELP


@click.command(context_settings=HELP)
@click.option("--patients", type=click.IntRange(1), default=500, show_default=True,
              help="Number of patients to simulate (about 25 events each per year).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same file, byte for byte.")
@click.option("--months", type=click.IntRange(1, 240), default=12, show_default=True,
              help="Length of the observation period in months.")
@click.option("--start", default="2025-01-01", show_default=True,
              help="First day of the observation period (YYYY-MM-DD).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file: .csv or .csv.gz (a Norwegian export: ';', Windows-1252, "
                   "dd.mm.yyyy HH:MM) or .parquet (typed timestamps).")
@click.option("--registers", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the same journeys as four register extracts (NPR, KPR, "
                   "PLO), their sources file helsefellesskap.yaml and a population table.")
def simulate(**options: Any) -> None:
    """Simulate patient journeys of four cohorts as a raw Norwegian export.

    COPD, diabetes, stroke and frail elderly patients of a fictional health
    community move between GP, out-of-hours service, hospital, home care and
    nursing home, with breaks at the rates documented in docs/simulator.md.
    Every person is synthetic; the national identity numbers are made up but
    have valid check digits, so that pseudonymisation can be shown. A CSV
    export has 1 % duplicate rows and 2 % of rows out of order, as real
    extracts do.

    With --registers DIR the same journeys (same seed, same people) are
    written as the health community's own extracts: npr_episoder.csv,
    kpr_legekontakter.csv, kpr_kommunale_tjenester.csv and plo_meldinger.csv,
    with the sources file helsefellesskap.yaml to read them as one log.

    Example:

        pathways simulate --patients 400 --seed 2025 -o eventlogs/sample.csv

        pathways simulate --patients 400 --seed 2025 --registers eventlogs/registers
    """
    if options["output"] is None and options["registers"] is None:
        raise click.UsageError("Give -o FILE, --registers DIR or both.")
    pathways.commands.simulate(echo=click.echo, **options)
