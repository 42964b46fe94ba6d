"""``pathways breaks``: the breaks of a log against intended pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pathways.cli.common import (
    default_output,
    guard_output,
    log_options,
    note,
    read_log,
    stage,
)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Breaks table: .csv, .json or .parquet "
                   "(default: LOG-stem-breaks.csv beside the log).")
@click.option("--pathway", "pathway", multiple=True, metavar="NAME",
              help="A built-in pathway: kols, diabetes, hjerneslag, eldre (repeatable).")
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
              metavar="FILE", help="A YAML rule file (repeatable).")
@click.option("--until", metavar="DATE",
              help="End of observation, e.g. 2025-12-31 (the end of that day) or "
                   "'2025-12-31T12:00' (default: the latest time in the log).")
@click.option("--cohort", metavar="NAME",
              help="Only the cases of this cohort, e.g. kols.")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of the messages and the summary.")
@log_options
def breaks(log_path: Path, output: Path | None, pathway: tuple[str, ...],
           rules: tuple[Path, ...], until: str | None, cohort: str | None, lang: str,
           **options: Any) -> None:
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
    import pathways
    from pathways.analyse.breaks import parse_until
    from pathways.present.breaks import evaluate, never_met

    target = output or default_output(log_path, "-breaks.csv")
    pathways.check_breaks_path(target)
    guard_output(target, log_path, options, *rules)
    for item in [*pathway, *rules]:  # a wrong rule file fails before the log is read
        pathways.load_pathway(item)
    parse_until(until, options.get("timezone") or "Europe/Oslo")
    log = read_log(log_path, options)
    with stage("Finding breaks"):
        result = evaluate(log, pathway=list(pathway) or None, rules=list(rules) or None,
                          until=until, cohort=cohort, lang=lang, lean=True)
    with stage(f"Writing {target.name}"):
        pathways.write_breaks(result.breaks, target)
    click.echo(pathways.format_breaks_summary(result.summary, result.end_of_observation,
                                              lang))
    from pathways.present.messages import Messages

    t = Messages(lang)  # type: ignore[arg-type]
    if len(result.summary) and not result.summary["triggers"].any():
        note(t("breaks_no_triggers"))
    for rule, expected in never_met(result, t):
        note(t("breaks_never_met", rule=rule, expected=expected))
    click.echo(f"Wrote {target} ({len(result.breaks)} breaks)." if lang == "en"
               else f"Skrev {target} ({len(result.breaks)} brudd).")
