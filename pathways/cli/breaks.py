"""``pathways breaks``: the breaks of a log against intended pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from pathways.cli.common import default_output, guard_output, log_options, note, read_log
from pathways.errors import OutputError

#: Output formats by extension.
FORMATS = (".csv", ".json", ".parquet")

#: First characters that make a spreadsheet run a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_NUMERIC_COLUMNS = ("delay_hours",)

#: Counts below this give no interval in the summary (the report's default limit).
MIN_COUNT = 5


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
    from pathways.analyse.breaks import evaluate, parse_until
    from pathways.progress import stage

    target = output or default_output(log_path, "-breaks.csv")
    _check_format(target)
    guard_output(target, log_path, options, *rules)
    for item in [*pathway, *rules]:  # a wrong rule file fails before the log is read
        pathways.load_pathway(item)
    parse_until(until, options.get("timezone") or "Europe/Oslo")
    log = read_log(log_path, options)
    with stage("Finding breaks"):
        result = evaluate(log, pathway=list(pathway) or None, rules=list(rules) or None,
                          until=until, cohort=cohort, lang=lang, lean=True)
    with stage(f"Writing {target.name}"):
        write_breaks(result.breaks, target)
    click.echo(_summary_text(result.summary, result.end_of_observation, lang))
    from pathways.present.messages import Messages

    t = Messages(lang)  # type: ignore[arg-type]
    if len(result.summary) and not result.summary["triggers"].any():
        note(t("breaks_no_triggers"))
    for rule, expected in result.never_met(lang):
        note(t("breaks_never_met", rule=rule, expected=expected))
    click.echo(f"Wrote {target} ({len(result.breaks)} breaks)." if lang == "en"
               else f"Skrev {target} ({len(result.breaks)} brudd).")


def _check_format(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise OutputError(
            f"Cannot write breaks to {path.name}: the extension must be one of "
            f"{', '.join(FORMATS)}; got {path.suffix or 'none'!r}."
        )


def write_breaks(table: pd.DataFrame, path: Path) -> None:
    """Write the breaks table atomically as CSV, JSON or Parquet by the extension.

    CSV is UTF-8 with commas; text cells that a spreadsheet would run as a
    formula get a leading ``'``. JSON is a list of objects, one per break. A new
    file is made ``0600``: it lists the (pseudonymous) cases with breaks.
    """
    from pathways.present.output import atomic_path

    ext = path.suffix.lower()
    with atomic_path(path, confidential=True) as tmp:
        if ext == ".csv":
            # pyarrow's writer: a million breaks in seconds, without a copy of
            # every cell as a Python string (pandas' to_csv).
            from pyarrow import csv

            csv.write_csv(_csv_ready(table), tmp, csv.WriteOptions(quoting_style="needed"))
        elif ext == ".json":
            tmp.write_text(table.to_json(orient="records", force_ascii=False, indent=2)
                           + "\n", encoding="utf-8")
        else:
            table.to_parquet(tmp, index=False)


def _csv_ready(table: pd.DataFrame) -> Any:
    """The breaks as an Arrow table for the CSV writer.

    Formulas are neutralised, and hours are written as Python writes a float
    (``26.0``, not ``26``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = pa.Table.from_pandas(neutralise_formulas(table), preserve_index=False)
    for name in _NUMERIC_COLUMNS:
        text = pc.cast(arrow[name], pa.string())
        whole = pc.invert(pc.match_substring_regex(text, r"[.eEn]"))
        fixed = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
        arrow = arrow.set_column(arrow.schema.get_field_index(name), name, fixed)
    return arrow


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells starting with = + - @ tab or CR begin with ``'``."""
    out = table.copy()
    for column in out.columns:
        if column in _NUMERIC_COLUMNS:
            continue
        text = out[column].astype("string")  # Arrow-backed: vectorised, no copies per cell
        risky = text.str.startswith(_FORMULA_START).fillna(False).astype(bool)
        out[column] = text.where(~risky, "'" + text)
    return out


def _summary_text(summary: pd.DataFrame, end: str, lang: str) -> str:
    """One line per rule, in the report's terms (a few dozen rules at most).

    All triggers; of them the judged ones (not excused, window closed); the
    judged ones with a break; the rate (broken / judged, as in the report)
    with its 95 % Wilson interval (none when either count is below
    :data:`MIN_COUNT`);
    the break rows when a forbid rule gives several per trigger; open windows
    and excused triggers.
    """
    from pathways.present.messages import CATALOGUE
    from pathways.present.numbers import interval_text, share_interval

    en = lang == "en"
    lines = []
    for row in summary.itertuples(index=False):
        rate = "–" if pd.isna(row.rate) else f"{100 * row.rate:.1f} %"
        if not en:
            rate = rate.replace(".", ",")
        interval = interval_text(share_interval(int(row.broken), int(row.evaluated),
                                                MIN_COUNT), lang)
        if interval:
            rate = f"{rate} ({interval})"
        extra = "" if row.breaks == row.broken else (
            f" ({row.breaks} breaks)" if en else f" ({row.breaks} brudd)")
        parts = [f"{row.triggers} triggers" if en else f"{row.triggers} utløsere",
                 f"{row.evaluated} judged" if en else f"{row.evaluated} vurdert",
                 (f"{row.broken} broken" if en else f"{row.broken} med brudd") + extra,
                 f"rate {rate}" if en else f"andel {rate}",
                 _open_windows(int(row.open_windows), en)]
        if row.excused:
            parts.append(f"{row.excused} excused" if en else f"{row.excused} unntatt")
        kind = CATALOGUE.get(f"kind_{row.kind}", {}).get(lang, row.kind)
        lines.append(f"{row.pathway}/{row.rule_id} ({kind}, {row.within}): "
                     + ", ".join(parts))
    head = (f"End of observation: {end}" if en else f"Slutt på observasjon: {end}")
    return "\n".join([head, *lines])


def _open_windows(n: int, en: bool) -> str:
    if en:
        return f"{n} open window" + ("" if n == 1 else "s")
    return f"{n} åpent vindu" if n == 1 else f"{n} åpne vinduer"
