"""``pathways discover``: the process map of a log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import pathways
from pathways.cli.common import cohort_option, lang_option, log_command, log_options


@log_command
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file: .svg .png .pdf .dot .bpmn .pnml .json "
                   "(default: LOG-stem.svg beside the log).")
@click.option("--miner", type=click.Choice(["dfg", "inductive", "heuristics"]),
              help="dfg (default), inductive or heuristics; .bpmn and .pnml use inductive "
                   "unless told otherwise.")
@click.option("--view", type=click.Choice(["activities", "levels"]), default="activities",
              show_default=True,
              help="activities: the level map; levels: nodes are care levels.")
@click.option("--max-edges", type=click.IntRange(1), default=80, show_default=True,
              help="Draw at most this many (most frequent) edges.")
@click.option("--map-detail", default="medium", show_default=True, metavar="DETAIL",
              help="Level map detail: low, medium, high, full, or 0-100 (activities and "
                   "transitions with at least (100 - DETAIL)/20 % of the events and flow).")
@click.option("--min-count", type=click.IntRange(1), default=5, show_default=True,
              help="In pictures, show counts below this as '<N' (small-count suppression).")
@lang_option("Language of labels.")
@cohort_option()
@log_options
def discover(**options: Any) -> None:
    """Discover the process map of LOG and draw it with care levels as swimlanes.

    Writes the level map (or the model pm4py discovered) by the extension of
    -o, and prints a short summary: cases, events, period, levels and the most
    common variants.

    Example:

        pathways discover eventlogs/sample.csv -o kart.svg --miner dfg
    """
    pathways.commands.discover(echo=click.echo, **options)
