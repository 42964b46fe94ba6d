"""``pathways measures``: the break measures that need no pathway file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pathways.cli.common import guard_output, log_options, read_log, wrote
from pathways.log import MAX_WINDOW_DAYS
from pathways.present.measure_tables import measure_table, shown_headline, source_text
from pathways.present.messages import CATALOGUE
from pathways.present.numbers import decimal_text, interval_text, is_suppressed, share_interval
from pathways.present.tables import Table

if TYPE_CHECKING:
    import pandas as pd

    from pathways.analyse.measures import Headline, Measure

WORDS = {
    "nb": {"definition": "Definisjon", "thresholds": "Terskler", "reference": "Referanse",
           "ours": "vår", "of": "av", "none": "ingen å telle"},
    "en": {"definition": "Definition", "thresholds": "Thresholds", "reference": "Reference",
           "ours": "ours", "of": "of", "none": "nothing to count"},
}

UNITS = {"nb": {"days": "døgn", "hours": "timer"}, "en": {"days": "days", "hours": "hours"}}


def format_headline(headline: Headline, lang: str, min_count: int) -> str:
    """A headline's value with its unit and denominator, e.g. ``19,4 % (54 av 278)``.

    Small counts are shown as ``<min_count``, and a share made from one as ``–``.
    """
    w = WORDS[lang]
    value, count, of = shown_headline(headline.value, headline.count, headline.of,
                                      headline.unit, min_count)
    if headline.value is None:
        return f"– ({w['none']})"
    if value is None:
        text = "–"
    elif headline.unit == "share":
        text = f"{decimal_text(100 * value, lang)} %"
    elif headline.unit == "index":
        text = decimal_text(value, lang, 2)
    elif headline.unit in ("days", "hours"):
        text = f"{decimal_text(value, lang)} {UNITS[lang][headline.unit]}"
    else:
        text = decimal_text(value, lang, 0)
    if count is not None and of is not None and headline.unit == "share":
        interval = interval_text(headline_interval(headline, min_count), lang)
        return (f"{text} ({_count(count, lang)} {w['of']} {_count(of, lang)})"
                + (f" [{interval}]" if interval else ""))
    if of is not None and headline.unit != "count":
        return f"{text} (n = {_count(of, lang)})"
    return text


def headline_interval(headline: Headline, min_count: int) -> tuple[float, float] | None:
    """The 95 % Wilson interval of a share headline, or None (not a share, or suppressed)."""
    if headline.unit != "share" or headline.value is None:
        return None
    return share_interval(headline.count, headline.of, min_count)


def _count(value: int | str, lang: str) -> str:
    return value if isinstance(value, str) else decimal_text(value, lang, 0)


def measure_text(measure: Measure, lang: str, min_count: int) -> str:
    """One measure as text: title, definition, thresholds, headlines, references, table."""
    w = WORDS[lang]
    thresholds = "; ".join(
        f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in measure.thresholds.items())
    lines = [f"{measure.title[lang]} ({measure.name})",
             f"  {w['definition']}: {measure.definition[lang]}",
             f"  {w['thresholds']}: {thresholds}"]
    if measure.missing:
        lines.append(f"  {CATALOGUE['not_measurable'][lang]}: {measure.missing[lang]}")
    lines += [f"  {h.label[lang]}: {format_headline(h, lang, min_count)}"
              for h in measure.summary.values()]
    for ref in measure.reference:
        ours = measure.summary.get(ref.compare_to or "")
        beside = f" — {w['ours']}: {format_headline(ours, lang, min_count)}" if ours else ""
        lines.append(f"  {w['reference']}: {source_text(ref.source, lang)}: {ref.figure[lang]} "
                     f"[{ref.year[lang]}]"
                     f"{beside}; {ref.differs[lang]}")
    table = measure_table(measure, lang, min_count)
    if table is not None:
        lines += ["    " + line for line in _aligned(table).splitlines()]
    return "\n".join(lines)


def _aligned(table: Table) -> str:
    """A table as text columns: numbers right-aligned, words left-aligned."""
    rows = [[c.label for c in table.columns]] + [[cell.text for cell in row]
                                                 for row in table.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(table.columns))]
    return "\n".join(
        "  ".join(text.rjust(width) if column.numeric else text.ljust(width)
                  for text, width, column in zip(row, widths, table.columns, strict=True)
                  ).rstrip()
        for row in rows)


def _jsonable(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records",
                                                             date_format="iso"))
    return records


def measure_json(measure: Measure, min_count: int, *, show_cases: bool) -> dict[str, Any]:
    """One measure as a JSON-ready object (small counts in the table as ``"<5"``).

    A share headline carries ``lower95`` and ``upper95``, its 95 % Wilson
    interval (null when its counts are suppressed).
    """
    table = measure.table.astype(object).copy()
    for column in measure.count_columns:
        table[column] = [f"<{min_count}" if is_suppressed(int(v), min_count) else int(v)
                         for v in measure.table[column]]
    result: dict[str, Any] = {
        "name": measure.name, "title": measure.title, "definition": measure.definition,
        "thresholds": measure.thresholds,
        "summary": {k: _shown(h, min_count) for k, h in measure.summary.items()},
        "reference": [vars(r) for r in measure.reference],
        "table": _jsonable(table),
        "missing": measure.missing,
    }
    if show_cases and measure.cases is not None:
        result["cases"] = _jsonable(measure.cases)
        result["confidential"] = "Taushetsbelagt / Confidential"
    return result


def _shown(headline: Headline, min_count: int) -> dict[str, Any]:
    """A headline's fields, with small counts and what they give away hidden."""
    fields = dict(vars(headline))
    fields["value"], fields["count"], fields["of"] = shown_headline(
        headline.value, headline.count, headline.of, headline.unit, min_count)
    if headline.unit == "share":
        interval = headline_interval(headline, min_count)
        fields["lower95"], fields["upper95"] = interval or (None, None)
    return fields


CSV_COLUMNS = ("measure", "headline", "label", "value", "count", "of", "unit",
               "reference_value", "reference_year", "reference_source", "lower95", "upper95")


def measures_csv(measures: list[Measure], lang: str, min_count: int, *,
                 extra_rows: list[list[Any]] | None = None) -> str:
    """Write the headlines of every measure as CSV rows, with the reference figure beside.

    Small counts are written as ``<min_count`` and a share made from one is left
    empty. ``extra_rows`` (time-to-event medians) follow, in the same columns.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for m in measures:
        refs = {r.compare_to: r for r in m.reference}
        for key, h in m.summary.items():
            ref = refs.get(key)
            value, count, of = shown_headline(h.value, h.count, h.of, h.unit, min_count)
            low, high = headline_interval(h, min_count) or (None, None)
            writer.writerow([m.name, key, h.label[lang], value, count, of, h.unit,
                             ref.value if ref else None, ref.year[lang] if ref else None,
                             ref.source if ref else None, low, high])
    writer.writerows(extra_rows or [])
    return buffer.getvalue()


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
    from pathways.analyse.breaks import parse_until
    from pathways.analyse.measures import all_measures, check_names
    from pathways.analyse.population import read_population
    from pathways.analyse.time_to_event import parse_time_to, time_to_event
    from pathways.enrich.cohorts import cohort_log
    from pathways.present.output import protect_inputs, write_text
    from pathways.present.time_to_event import (
        time_to_event_csv_rows,
        time_to_event_json,
        time_to_event_text,
    )

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
    if fmt == "json":
        text = json.dumps([*(measure_json(m, min_count, show_cases=show_cases)
                             for m in results),
                           *(time_to_event_json(c, min_count) for c in curves)],
                          ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = measures_csv(results, lang, min_count, extra_rows=[
            row for c in curves for row in time_to_event_csv_rows(c, lang, min_count)])
    else:
        text = "\n\n".join([*(measure_text(m, lang, min_count) for m in results),
                             *(time_to_event_text(c, lang, min_count) for c in curves)]) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text(output, text, confidential=show_cases)
        click.echo(wrote(output, lang), err=True)
