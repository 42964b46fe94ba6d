"""``pathways measures``: the break measures that need no pathway file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pathways.cli.common import guard_output, log_options, read_log, wrote
from pathways.log import MAX_WINDOW_DAYS


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path))
@click.option("--only", multiple=True, metavar="NAME",
              help="Run only this measure (repeatable), e.g. --only readmissions.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True, help="text for people, json or csv for further work.")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", show_default=True,
              help="Language of titles, definitions and labels.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--min-count", type=click.IntRange(1), default=5, show_default=True,
              help="Counts below this are shown as '<N' (and shares made from them left out).")
@click.option("--readmission-days", type=click.IntRange(1, MAX_WINDOW_DAYS), multiple=True,
              help="Another readmission window in days (repeatable, at most 7305: 20 "
                   "years), e.g. 30.")
@click.option("--cohort", metavar="NAME",
              help="Only the cases of this cohort, e.g. kols: every measure counts them alone.")
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
def measures(log_path: Path, only: tuple[str, ...], fmt: str, lang: str,
             output: Path | None, min_count: int, readmission_days: tuple[int, ...],
             cohort: str | None, show_cases: bool, time_to: tuple[str, ...], by: str | None,
             population: Path | None, until: str | None, **options: Any) -> None:
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
    import pathways
    from pathways.analyse.breaks import parse_until
    from pathways.analyse.measures import all_measures, check_names
    from pathways.analyse.population import read_population
    from pathways.analyse.time_to_event import parse_time_to, time_to_event
    from pathways.enrich.cohorts import cohort_log
    from pathways.present.output import protect_inputs

    names = check_names(only or None) if only or not time_to else []
    for spec in time_to:  # a wrong FROM:TO or rule id fails before the log is read
        parse_time_to(spec)
    end = parse_until(until, options.get("timezone") or "Europe/Oslo")
    if output is not None:
        guard_output(output, log_path, options)
    else:
        protect_inputs(log_path, options.get("levels"))
    people = read_population(population) if population is not None else None
    log = cohort_log(read_log(log_path, options), cohort)
    if end is not None:
        log = log.with_until(end)
    extra: dict[str, dict[str, Any]] = {"readmissions": {"extra_days": list(readmission_days)}} \
        if readmission_days and "readmissions" in names else {}
    if people is not None and "discharge_ready_days" in names:
        extra["discharge_ready_days"] = {"population": people}
    results = all_measures(log, only=names, options=extra) if names else []
    curves = [time_to_event(log, rule=spec, by=by, until=until,  # type: ignore[arg-type]
                            min_count=min_count) for spec in time_to]
    shown: dict[str, Any] = {"fmt": fmt, "lang": lang, "min_count": min_count,
                             "show_cases": show_cases, "curves": curves}
    if output is None:
        click.echo(pathways.format_measures(results, **shown), nl=False)
    else:
        pathways.write_measures(results, output, **shown)
        click.echo(wrote(output, lang), err=True)
