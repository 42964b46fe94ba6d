"""``pathways discover``: the process map of a log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pathways.cli.common import default_output, guard_output, log_options, read_log, wrote


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path))
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
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of labels.")
@click.option("--cohort", metavar="NAME", help="Only the cases of this cohort, e.g. kols.")
@log_options
def discover(log_path: Path, output: Path | None, miner: str | None, view: str,
             max_edges: int, map_detail: str, min_count: int, lang: str,
             cohort: str | None,
             **options: Any) -> None:
    """Discover the process map of LOG and draw it with care levels as swimlanes.

    Writes the level map (or the model pm4py discovered) by the extension of
    -o, and prints a short summary: cases, events, period, levels and the most
    common variants.

    Example:

        pathways discover eventlogs/sample.csv -o kart.svg --miner dfg
    """
    import pathways
    from pathways.enrich.cohorts import cohort_log
    from pathways.present.levelmap import parse_map_detail
    from pathways.present.model import output_extension
    from pathways.progress import stage

    parse_map_detail(map_detail)
    target = output or default_output(log_path, ".svg")
    ext = output_extension(target)
    guard_output(target, log_path, options)
    chosen = miner or ("inductive" if ext in (".bpmn", ".pnml") else "dfg")
    log = cohort_log(read_log(log_path, options), cohort)
    with stage(f"Discovering ({chosen})"):
        model = pathways.discover(log, miner=chosen)
    with stage(f"Drawing {target.name}"):
        pathways.write_model(log, model, target, view=view, lang=lang, max_edges=max_edges,
                             min_count=min_count, map_detail=map_detail)
    with stage("Summary"):
        summary = pathways.log_summary(log, lang=lang, min_count=min_count)
    click.echo(summary)
    if model.input == "dfg":
        click.echo(f"The {model.miner} miner was given the directly-follows graph "
                   "(the log is too large for pm4py's event table)." if lang == "en" else
                   f"{model.miner}-mineren fikk direkte-etterfølger-grafen (loggen er for "
                   "stor for pm4pys hendelsestabell).")
    click.echo(wrote(target, lang))
