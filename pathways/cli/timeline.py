"""``pathways timeline``: one patient's journey across the care levels, as SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pathways.cli.common import guard_output, log_options, read_log, wrote


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path))
@click.argument("case_id", metavar="CASE")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The file to write: .svg, or .html for a page that holds the drawing.")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of labels and title.")
@log_options
def timeline(log_path: Path, case_id: str, output: Path, lang: str, **options: Any) -> None:
    """Draw the journey of case CASE in LOG across the care-level swimlanes (SVG).

    Rows are the care levels the case visits, grouped by tier; events are
    marks with their activity, hospital stays are bars and transitions are
    connectors. The drawing shows one patient: it is confidential
    (taushetsbelagt). CASE is the id as the log holds it after reading
    (national identity numbers become pseudonyms).

    Example:

        pathways timeline eventlogs/sample.csv P0000001 -o forlop.svg
    """
    import pathways
    from pathways.present.output import check_extension, write_text
    from pathways.present.timeline import timeline_page

    check_extension(output, (".svg", ".html", ".htm"), "the timeline")
    guard_output(output, log_path, options)
    log = read_log(log_path, options)
    svg = pathways.timeline(log, case_id, lang=lang)
    write_text(output, svg if output.suffix.lower() == ".svg" else timeline_page(svg, lang),
               confidential=True)
    click.echo(wrote(output, lang) + (" (confidential)" if lang == "en"
                                       else " (taushetsbelagt)"), err=True)
