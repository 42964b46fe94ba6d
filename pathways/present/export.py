"""Everything a command writes, as the API: breaks tables, measures, validation.

One module so that a notebook analyst gets the very bytes the command line
writes, privacy included: :func:`write_breaks` neutralises spreadsheet
formulas and writes confidential files ``0600``; :func:`format_measures`
suppresses small counts. The CLI (``pathways/cli/``) only parses options,
calls these through ``import pathways`` and prints.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pathways.errors import OptionError, OutputError
from pathways.present.measure_suppression import cell_key, measure_status
from pathways.present.measure_tables import (
    headline_states,
    measure_table,
    row_hides,
    shown_headline,
    source_text,
)
from pathways.present.messages import CATALOGUE, Messages, in_lang
from pathways.present.numbers import decimal_text, interval_text, share_interval
from pathways.present.output import atomic_path, write_text
from pathways.present.suppression import HIDDEN_MARK, Status, status_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from pathways.analyse.measures import Headline, Measure
    from pathways.analyse.rules import Pathway
    from pathways.analyse.time_to_event import TimeToEvent
    from pathways.present.tables import Table
    from pathways.validation import Validation

__all__ = [
    "BREAKS_FORMATS",
    "check_breaks_path",
    "format_breaks_summary",
    "format_measures",
    "format_pathway",
    "format_validation",
    "neutralise_formulas",
    "write_breaks",
    "write_measures",
    "write_validation",
]

# ---------------------------------------------------------------- breaks

#: Breaks table formats, by the output's extension.
BREAKS_FORMATS = (".csv", ".json", ".parquet")

#: A cell starting with one of these a spreadsheet runs as a formula (RE2).
_FORMULA_PATTERN = r"^([=+\-@\t\r])"

_NUMERIC_COLUMNS = ("delay_hours",)

#: Counts below this give no interval in the breaks summary (the report's default limit).
MIN_COUNT = 5


def check_breaks_path(path: Path) -> None:
    """Raise :class:`OutputError` unless ``path`` ends in a breaks format (before any work)."""
    if path.suffix.lower() not in BREAKS_FORMATS:
        raise OutputError(
            f"Cannot write breaks to {path.name}: the extension must be one of "
            f"{', '.join(BREAKS_FORMATS)}; got {path.suffix or 'none'!r}."
        )


def write_breaks(table: pd.DataFrame, path: str | Path) -> None:
    """Write a breaks table atomically as CSV, JSON or Parquet by the extension.

    CSV is UTF-8 with commas; text cells that a spreadsheet would run as a
    formula get a leading ``'`` (:func:`neutralise_formulas`). JSON is a list
    of objects, one per break. A new file is made ``0600``: it lists the
    (pseudonymous) cases with breaks. ``pathways breaks -o`` writes the same.

    Raises
    ------
    OutputError
        When the extension is not ``.csv``, ``.json`` or ``.parquet``.
    """
    path = Path(path)
    check_breaks_path(path)
    ext = path.suffix.lower()
    with atomic_path(path, confidential=True) as tmp:
        if ext == ".csv":
            # pyarrow's writer: a million breaks in seconds, without a copy of
            # every cell as a Python string (pandas' to_csv).
            from pyarrow import csv as arrow_csv

            arrow_csv.write_csv(_csv_ready(table), tmp,
                                arrow_csv.WriteOptions(quoting_style="needed"))
        elif ext == ".json":
            tmp.write_text(table.to_json(orient="records", force_ascii=False, indent=2)
                           + "\n", encoding="utf-8")
        else:
            table.to_parquet(tmp, index=False)


def _csv_ready(table: pd.DataFrame) -> Any:
    """The breaks as an Arrow table of text for the CSV writer.

    Formulas are neutralised (:func:`neutralise_formulas`), and hours are
    written as Python writes a float (``26.0``, not ``26``). Each column is
    changed in Arrow's buffers, one at a time: a copy of the whole table, or
    a Python string per cell, was what the largest runs' memory peaked on
    (3.1 M breaks).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    for index, name in enumerate(arrow.column_names):
        text = arrow.column(index)
        if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
            text = pc.cast(text, pa.string())
        if name in _NUMERIC_COLUMNS:
            whole = pc.invert(pc.match_substring_regex(text, r"[.eEn]"))
            text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
        else:
            text = neutralise_formulas(text)
        arrow = arrow.set_column(index, name, text)
    return arrow


def neutralise_formulas(text: Any) -> Any:
    """An Arrow text column whose cells starting with = + - @ tab or CR begin with ``'``.

    One regular-expression replacement in Arrow's buffers; missing cells stay
    missing.
    """
    import pyarrow.compute as pc

    return pc.replace_substring_regex(text, pattern=_FORMULA_PATTERN, replacement="'\\1")


def format_breaks_summary(summary: pd.DataFrame, end: str, lang: str = "nb") -> str:
    """The per-rule summary that ``pathways breaks`` prints (a few dozen rules at most).

    All triggers; of them the judged ones (not excused, window closed); the
    judged ones with a break; the rate (broken / judged, as in the report)
    with its 95 % Wilson interval (none when either count is below
    :data:`MIN_COUNT`); the break rows when a forbid rule gives several per
    trigger; open windows and excused triggers. ``summary`` and ``end`` are
    :class:`pathways.analyse.breaks.BreakResult`'s ``summary`` and
    ``end_of_observation``.
    """
    import pandas as pd

    t = Messages("en" if lang == "en" else "nb")
    lines = []
    for row in summary.itertuples(index=False):
        rate = "–" if pd.isna(row.rate) else f"{decimal_text(100 * row.rate, lang)} %"
        interval = interval_text(share_interval(int(row.broken), int(row.evaluated),
                                                MIN_COUNT), lang)
        if interval:
            rate = f"{rate} ({interval})"
        broken = t("brk_broken", n=row.broken)
        if row.breaks != row.broken:
            broken += " " + t("brk_breaks", n=row.breaks)
        windows = int(row.open_windows)
        parts = [t("brk_triggers", n=row.triggers), t("brk_judged", n=row.evaluated), broken,
                 t("brk_rate", rate=rate),
                 t("brk_open_windows_one" if windows == 1 else "brk_open_windows", n=windows)]
        if row.excused:
            parts.append(t("brk_excused", n=row.excused))
        kind = CATALOGUE.get(f"kind_{row.kind}", {}).get(lang, row.kind)
        lines.append(f"{row.pathway}/{row.rule_id} ({kind}, {row.within}): "
                     + ", ".join(parts))
    return "\n".join([t("brk_end", end=end), *lines])


# -------------------------------------------------------------- pathways


def format_pathway(pathway: Pathway, lang: str = "nb") -> str:
    """A pathway and its rules as ``pathways pathways`` lists them.

    Its name, title and cohort; per rule its id, kind, window, title and source.
    """
    cohort = f" [cohort: {pathway.cohort}]" if pathway.cohort else ""
    lines = [f"{pathway.name}: {in_lang(pathway.title, lang)}{cohort}"]
    for rule in pathway.rules:
        title = in_lang(rule.title, lang) if rule.title else ""
        lines.append(f"  {rule.id} ({rule.kind}, within {rule.within}): {title}")
        if rule.source:
            lines.append(f"      source: {' '.join(rule.source.split())}")
    return "\n".join(lines)


# -------------------------------------------------------------- measures

MeasuresFormat = Literal["text", "json", "csv"]

CSV_COLUMNS = ("measure", "headline", "label", "value", "count", "of", "unit",
               "reference_value", "reference_year", "reference_source", "lower95", "upper95")


def format_measures(measures: Sequence[Measure], *, fmt: MeasuresFormat = "text",
                    lang: str = "nb", min_count: int = 5, show_cases: bool = False,
                    curves: Sequence[TimeToEvent] = ()) -> str:
    """The measures (and time-to-event curves) as ``pathways measures`` prints them.

    Parameters
    ----------
    measures : sequence of Measure
        From :mod:`pathways.measures` (``all_measures`` or one measure function).
    fmt : {'text', 'json', 'csv'}
        Text for people (definition, thresholds, headlines, reference figures,
        table), a JSON list of objects, or CSV rows of the headlines.
    lang : {'nb', 'en'}
        Language of titles and labels (text and CSV).
    min_count : int
        Counts below this are shown as ``<min_count`` and shares made from
        them left out.
    show_cases : bool
        JSON only: add each measure's per-patient ``cases`` (confidential).
    curves : sequence of TimeToEvent
        From :func:`pathways.time_to_event`, after the measures.

    Returns
    -------
    str
        The text, ending in a newline.
    """
    from pathways.present.time_to_event import (
        time_to_event_csv_rows,
        time_to_event_json,
        time_to_event_text,
    )

    if fmt == "json":
        return json.dumps([*(measure_json(m, min_count, show_cases=show_cases)
                             for m in measures),
                           *(time_to_event_json(c, min_count) for c in curves)],
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return measures_csv(measures, lang, min_count, extra_rows=[
            row for c in curves for row in time_to_event_csv_rows(c, lang, min_count)])
    if fmt == "text":
        return "\n\n".join([*(measure_text(m, lang, min_count) for m in measures),
                            *(time_to_event_text(c, lang, min_count) for c in curves)]) + "\n"
    raise OptionError(f"fmt must be one of 'text', 'json', 'csv'; got {fmt!r}.")


def write_measures(measures: Sequence[Measure], path: str | Path, *,
                   fmt: MeasuresFormat | None = None, lang: str = "nb", min_count: int = 5,
                   show_cases: bool = False, curves: Sequence[TimeToEvent] = ()) -> None:
    """Write :func:`format_measures` atomically to ``path``.

    ``fmt`` defaults to the extension (``.json``, ``.csv``; text otherwise).
    With ``show_cases`` the file is confidential (made ``0600``).
    """
    path = Path(path)
    if fmt is None:
        fmt = {".json": "json", ".csv": "csv"}.get(path.suffix.lower(), "text")  # type: ignore[assignment]
    text = format_measures(measures, fmt=fmt, lang=lang,  # type: ignore[arg-type]
                           min_count=min_count, show_cases=show_cases, curves=curves)
    write_text(path, text, confidential=show_cases)


def format_headline(headline: Headline, lang: str, min_count: int,
                    states: tuple[Status, Status] = ("shown", "shown")) -> str:
    """A headline's value with its unit and denominator, e.g. ``19,4 % (54 av 278)``.

    Small counts are shown as ``<min_count``, counts hidden by complementary
    suppression (``states``, see :func:`shown_headline`) as ``:``, and a share
    made from either as ``–``.
    """
    t = Messages(lang)
    value, count, of = shown_headline(headline.value, headline.count, headline.of,
                                      headline.unit, min_count, states)
    if headline.value is None:
        return f"– ({t('mx_nothing')})"
    if value is None and headline.unit == "count" and count == HIDDEN_MARK:
        text = HIDDEN_MARK
    elif value is None:
        text = "–"
    elif headline.unit == "share":
        text = f"{decimal_text(100 * value, lang)} %"
    elif headline.unit == "index":
        text = decimal_text(value, lang, 2)
    elif headline.unit in ("days", "hours"):
        text = f"{decimal_text(value, lang)} {t(f'mx_unit_{headline.unit}')}"
    else:
        text = decimal_text(value, lang, 0)
    if count is not None and of is not None and headline.unit == "share":
        interval = interval_text(headline_interval(headline, min_count, states), lang)
        return (f"{text} ({_count(count, lang)} {t('mx_of')} {_count(of, lang)})"
                + (f" [{interval}]" if interval else ""))
    if of is not None and headline.unit != "count":
        return f"{text} (n = {_count(of, lang)})"
    return text


def headline_interval(headline: Headline, min_count: int,
                      states: tuple[Status, Status] = ("shown", "shown"),
                      ) -> tuple[float, float] | None:
    """The 95 % Wilson interval of a share headline, or None (not a share, or suppressed)."""
    if headline.unit != "share" or headline.value is None or states != ("shown", "shown"):
        return None
    return share_interval(headline.count, headline.of, min_count)


def _count(value: int | str, lang: str) -> str:
    return value if isinstance(value, str) else decimal_text(value, lang, 0)


def measure_text(measure: Measure, lang: str, min_count: int) -> str:
    """One measure as text: title, definition, thresholds, headlines, references, table."""
    t = Messages(lang)
    thresholds = "; ".join(
        f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in measure.thresholds.items())
    lines = [f"{measure.title[lang]} ({measure.name})",
             f"  {t('definition')}: {measure.definition[lang]}",
             f"  {t('thresholds')}: {thresholds}"]
    if measure.missing:
        lines.append(f"  {CATALOGUE['not_measurable'][lang]}: {measure.missing[lang]}")
    status = measure_status(measure, min_count)
    lines += [f"  {h.label[lang]}: "
              f"{format_headline(h, lang, min_count, headline_states(status, key))}"
              for key, h in measure.summary.items()]
    for ref in measure.reference:
        key = ref.compare_to or ""
        ours = measure.summary.get(key)
        beside = (f" — {t('mx_ours')}: "
                  f"{format_headline(ours, lang, min_count, headline_states(status, key))}"
                  if ours else "")
        lines.append(f"  {t('mx_reference')}: {source_text(ref.source, lang)}: {ref.figure[lang]} "
                     f"[{ref.year[lang]}]"
                     f"{beside}; {ref.differs[lang]}")
    table = measure_table(measure, lang, min_count, status=status)
    if table is not None:
        lines += ["    " + line for line in aligned(table).splitlines()]
    return "\n".join(lines)


def aligned(table: Table) -> str:
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

    Counts hidden by complementary suppression are ``":"`` (as in the
    time-to-event groups), and the numbers of their row that the text leaves
    out (``–``: shares, and measurements of a suppressed population) null. A
    share headline carries ``lower95`` and ``upper95``, its 95 % Wilson
    interval (null when its counts are suppressed).
    """
    import pandas as pd

    status = measure_status(measure, min_count)
    table = measure.table.astype(object).copy()
    counts = [c for c in measure.count_columns if c in table.columns]
    states = [{c: status.get(cell_key(i, c), "shown") for c in counts}
              for i in range(len(table))]  # a measure's aggregate table: tens of rows
    for column in counts:
        table[column] = [int(v) if s[column] == "shown" else status_text(int(v), s[column], "",
                                                                         min_count)
                         for v, s in zip(measure.table[column], states, strict=True)]
    for column in table.columns:
        if column not in counts and pd.api.types.is_numeric_dtype(measure.table[column]) \
                and not pd.api.types.is_bool_dtype(measure.table[column]) \
                and not pd.api.types.is_integer_dtype(measure.table[column]):
            table[column] = [None if row_hides(column, counts, s) else v
                             for v, s in zip(table[column], states, strict=True)]
    result: dict[str, Any] = {
        "name": measure.name, "title": measure.title, "definition": measure.definition,
        "thresholds": measure.thresholds,
        "summary": {k: shown_fields(h, min_count, headline_states(status, k))
                    for k, h in measure.summary.items()},
        "reference": [vars(r) for r in measure.reference],
        "table": _jsonable(table),
        "missing": measure.missing,
    }
    if show_cases and measure.cases is not None:
        result["cases"] = _jsonable(measure.cases)
        result["confidential"] = "Taushetsbelagt / Confidential"
    return result


def shown_fields(headline: Headline, min_count: int,
                 states: tuple[Status, Status] = ("shown", "shown")) -> dict[str, Any]:
    """A headline's fields, with suppressed counts and what they give away hidden."""
    fields = dict(vars(headline))
    fields["value"], fields["count"], fields["of"] = shown_headline(
        headline.value, headline.count, headline.of, headline.unit, min_count, states)
    if headline.unit == "share":
        interval = headline_interval(headline, min_count, states)
        fields["lower95"], fields["upper95"] = interval or (None, None)
    return fields


def measures_csv(measures: Sequence[Measure], lang: str, min_count: int, *,
                 extra_rows: list[list[Any]] | None = None) -> str:
    """Write the headlines of every measure as CSV rows, with the reference figure beside.

    Small counts are written as ``<min_count``, counts hidden by complementary
    suppression (decided over the headlines and the table, as in the text) as
    ``:``, and a share made from either is left empty. ``extra_rows``
    (time-to-event medians) follow, in the same columns.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for m in measures:
        refs = {r.compare_to: r for r in m.reference}
        status = measure_status(m, min_count)
        for key, h in m.summary.items():
            ref = refs.get(key)
            states = headline_states(status, key)
            value, count, of = shown_headline(h.value, h.count, h.of, h.unit, min_count, states)
            low, high = headline_interval(h, min_count, states) or (None, None)
            writer.writerow([m.name, key, h.label[lang], value, count, of, h.unit,
                             ref.value if ref else None, ref.year[lang] if ref else None,
                             ref.source if ref else None, low, high])
    writer.writerows(extra_rows or [])
    return buffer.getvalue()


# ------------------------------------------------------------ validation

ValidationFormat = Literal["text", "json"]

#: How each reason code is introduced in the text report.
HEADINGS = {
    "missing_case_id": "Rows without a case id (left out)",
    "missing_activity": "Rows without an activity (left out)",
    "missing_time": "Rows without a time (left out)",
    "unparseable_time": "Rows whose time cannot be read (left out; see --date-format)",
    "implausible_time": "Rows with a time before 1900 or after 2100 (left out)",
    "duplicate_row": "Exact duplicate rows (dropped; the first copy is kept)",
    "dst_ambiguous": "Local times in the repeated autumn hour (kept, read as summer time)",
    "dst_nonexistent": "Local times in the skipped spring hour (kept, moved one hour on)",
    "rejected_message": "Messages the receiver rejected (left out: not counted as sent)",
    "cancelled_notice": "Notices cancelled by a later message (left out)",
    "future_date": "Times in the future (kept)",
    "end_before_start": "Ends before the start (kept without the end: no duration or wait)",
    "unknown_level": "Events without a known care level (kept, level unknown)",
    "single_event_case": "Cases with only one event (kept; the row of that event)",
    "unknown_municipality": "Municipality numbers not in the municipality list (kept as "
                            "written; see --municipalities)",
}

LEVELS_HINT = "map them with --levels FILE (YAML: by: activity, levels: {value: level})"
LEVELS_GIVEN_HINT = ("add them to the --levels file; a value mapped to 'inherit' is listed "
                     "here when its case has no earlier event with a level")


def format_validation(validation: Validation, *, fmt: ValidationFormat = "text",
                      max_rows: int | None = None, levels_given: bool = False) -> str:
    """A :class:`pathways.Validation` as ``pathways validate`` prints it (no final newline).

    ``fmt`` is ``'text'`` (for people: at most ``max_rows`` rows per kind of
    problem; ``levels_given`` says a ``levels`` mapping was used, for the
    hint) or ``'json'`` (for programs: the document of DESIGN §3b, every row
    the validation kept).
    """
    if fmt == "json":
        return json.dumps(validation_json(validation), ensure_ascii=False, indent=2)
    if fmt == "text":
        return validation_text(validation, max_rows=max_rows, levels_given=levels_given)
    raise OptionError(f"fmt must be one of 'text', 'json'; got {fmt!r}.")


def write_validation(validation: Validation, path: str | Path, *,
                     fmt: ValidationFormat | None = None, max_rows: int | None = None,
                     levels_given: bool = False) -> None:
    """Write :func:`format_validation` atomically to ``path`` (``fmt`` by default by extension).

    The file is confidential (``0600``): it quotes values of the log row by row.
    """
    path = Path(path)
    if fmt is None:
        fmt = "json" if path.suffix.lower() == ".json" else "text"
    write_text(path, format_validation(validation, fmt=fmt, max_rows=max_rows,
                                       levels_given=levels_given) + "\n",
               confidential=True)


#: Keys of each object of ``validate --format json``'s ``sources`` (DESIGN §3b).
SOURCE_KEYS = ("name", "file", "rows_read", "rows_kept", "rows_rejected", "events", "persons")


def validation_json(result: Validation) -> dict[str, Any]:
    """Build the JSON document of a :class:`pathways.Validation`."""
    problems = result.problems.astype(object).where(result.problems.notna(), None)
    return {
        "source": result.source,
        "usable": result.usable,
        "errors": list(result.errors),
        "report": asdict(result.report) if result.report is not None else None,
        "counts": result.counts,
        "tied_events": result.tied_events,
        "problems": [
            {k: (int(v) if k == "row" else v) for k, v in record.items()}
            for record in problems.to_dict(orient="records")
        ],
    } | ({} if result.sources is None else {
        # Exactly DESIGN §3b's keys per source; day precision beside, by source name.
        "sources": [{k: s[k] for k in SOURCE_KEYS} for s in result.sources],
        "linkage": result.linkage,
        "cohorts": result.cohorts,
        "day_precision": {s["name"]: s["day_precision"] for s in result.sources},
    })



def validation_text(result: Any, *, max_rows: int | None = None,
                    levels_given: bool = False) -> str:
    """Build the text report of a :class:`pathways.Validation`.

    At most ``max_rows`` rows per kind of problem and unknown level values
    (the commonest first) are listed.
    """
    report = result.report
    if report is None:
        return f"{result.source}: NOT USABLE\n  " + "\n  ".join(result.errors)
    state = "usable" if result.usable else "NOT USABLE"
    lines = [f"{result.source}: {state}"]
    if report.file_format == "csv":
        lines.append(
            f"  read as CSV: encoding {report.encoding}, separator {report.separator!r}, "
            f"times {report.date_format!r}, time zone {report.timezone}"
        )
    elif report.file_format == "sources":
        lines.append(f"  read as a sources file of {len(report.columns)} extracts, "
                     f"time zone {report.timezone}; kept = events")
    else:
        lines.append(f"  read as {report.file_format}, time zone {report.timezone}")
    lines.append("  columns: " + ", ".join(
        f"{canonical} = {source!r}" for canonical, source in report.columns.items()))
    rows = [
        ("Rows read", report.rows_read),
        ("  kept", report.rows_kept),
        ("  duplicates dropped", report.duplicates_dropped),
        ("  rejected (left out)", report.rows_rejected),
        ("DST ambiguous times", report.dst_ambiguous),
        ("DST non-existent times", report.dst_nonexistent),
        ("Pseudonymised values", report.pseudonymised_values),
        ("Unknown levels (events)", sum(report.unknown_levels.values())),
        ("Tied events (same time)", result.tied_events),
    ]
    lines.append("")
    lines.extend(f"{label:<26}{count:>10}" for label, count in rows)
    if result.tied_events:
        lines.append("  tied events (same case, same time) keep the file's order: sort the "
                     "export the same way each time, or transitions between them can change")
    if report.unknown_levels:
        values = sorted(report.unknown_levels.items(), key=lambda item: (-item[1], item[0]))
        shown = values if max_rows is None else values[:max_rows]
        listed = ", ".join(f"{value!r} ({n})" for value, n in shown)
        more = f", ... and {len(values) - len(shown)} more" if len(values) > len(shown) else ""
        lines.append(f"  unknown level values: {listed}{more}")
        lines.append(f"  hint: {LEVELS_GIVEN_HINT if levels_given else LEVELS_HINT}")
    for code, total in result.counts.items():
        shown = result.problems[result.problems["code"] == code]
        lines.append("")
        lines.append(f"{HEADINGS.get(code, code)}: {total}")
        for row, column, value in zip(shown["row"], shown["column"], shown["value"],
                                      strict=True):
            where = f"row {int(row)}"
            if isinstance(column, str) and code not in ("duplicate_row", "single_event_case"):
                where += f", column {column!r}"
            lines.append(f"  {where}" + (f": {value!r}" if isinstance(value, str) else ""))
        if total > len(shown):
            lines.append(f"  ... and {total - len(shown)} more "
                         "(--max-rows N, or --format json for all)")
    if result.sources is not None:
        lines.append("")
        lines.extend(linkage_text(result))
    if result.errors:
        lines.append("")
        lines.extend(f"NOT USABLE: {error}" for error in result.errors)
    return "\n".join(lines)


def linkage_text(result: Any) -> list[str]:
    """The sources, their linkage and cohorts in words, in Norwegian (DESIGN §3b)."""
    labels = {s["name"]: s["label"] for s in result.sources}
    lines = ["Kilder:"]
    for s in result.sources:
        lines.append(
            f"  {s['name']} ({Path(s['file']).name}): {s['rows_read']} rader lest, "
            f"{s['rows_kept']} brukt, {s['rows_rejected']} forkastet; {s['events']} "
            f"hendelser for {s['persons']} {'person' if s['persons'] == 1 else 'personer'}, "
            f"{s['day_precision']} med bare dato")
    lines.append("Kobling:")
    for combination, persons in result.linkage.items():
        names = [labels.get(n, n) for n in combination.split("+")]
        word = "person" if persons == 1 else "personer"
        if len(names) == 1:
            lines.append(f"  {persons} {word} finnes bare i {names[0]}")
        else:
            listed = ", ".join(names[:-1]) + " og " + names[-1]
            lines.append(f"  {persons} {word} finnes i {'både ' if len(names) == 2 else ''}"
                         f"{_joined(names) if len(names) == 2 else listed}")
    if result.cohorts:
        lines.append("Pasientgrupper: " + ", ".join(
            f"{cohort} {n}" for cohort, n in result.cohorts.items()))
    return lines


def _joined(names: list[str]) -> str:
    """'sykehus- og fastlegedata' for two labels ending in the same word part."""
    first, second = names
    for tail in ("data",):
        if first.endswith(tail) and second.endswith(tail) and " " not in first:
            return f"{first[: -len(tail)]}- og {second}"
    return f"{first} og {second}"
