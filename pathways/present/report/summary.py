"""Section 1: the data summary and the data-quality notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from pathways.enrich.levels import level_by_id
from pathways.log import EventLog
from pathways.present.labels import short_label
from pathways.present.messages import CATALOGUE, Messages
from pathways.present.numbers import (
    date_text,
    int_text,
)
from pathways.present.report.context import ReportOptions, count_cell, level_name, table_note
from pathways.present.suppression import (
    HIDDEN_MARK,
    Status,
    sum_line,
    suppress,
)
from pathways.present.tables import Cell, Column, Table


@dataclass(frozen=True)
class SummaryContext:
    """Section 1: what the data hold and what the check of them found."""

    #: Period, cases, events, activities, levels.
    facts: list[tuple[str, str]]
    #: Events and cases per care level.
    levels: Table
    #: The same per cohort.
    cohorts: Table
    #: The same per municipality.
    municipalities: Table
    #: The same per hospital trust.
    hospitals: Table
    #: What validation found, in plain words.
    notes: list[str] = field(default_factory=list)
    #: Findings per type, with the first row numbers.
    problems: Table | None = None


def summary_section(log: EventLog, t: Messages, opts: ReportOptions) -> SummaryContext:
    """Section 1 from the log, its read report and its ``read_problems`` table."""
    lang, facts = opts.lang, log.describe()
    tz = log.report.timezone
    period = f"{date_text(facts['first_us'], tz)} – {date_text(facts['last_us'], tz)}"
    by_level = log.engine.query(f"""
        SELECT care_level, count(*) AS events, count(DISTINCT case_id) AS cases
        FROM {log.table} GROUP BY 1 ORDER BY 2 DESC, 1""")
    by_cohort = log.engine.query(f"""
        SELECT cohort, count(DISTINCT case_id) AS cases FROM case_cohorts
        WHERE case_id IN (SELECT case_id FROM {log.table})
        GROUP BY 1 ORDER BY 2 DESC, 1""")
    places = {column: log.engine.query(f"""
        SELECT {column} AS name, count(DISTINCT case_id) AS cases, count(*) AS events
        FROM {log.table} WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1""")
        for column in ("municipality", "hospital")}
    status = _summary_status(facts, by_level, by_cohort, places, opts)
    rows = [
        (t("period"), period),
        (t("cases"), count_cell(facts["cases"], opts, status["cases"]).text),
        (t("events"), count_cell(facts["events"], opts, status["events"]).text),
        (t("activities"), int_text(facts["activities"], lang)),
        (t("levels"), int_text(facts["levels"], lang)),
    ]
    levels = Table(t("levels"), [Column(t("level")), Column(t("tier")),
                                 Column(t("events"), True), Column(t("cases"), True)])
    for i, (lv, events, cases) in enumerate(by_level.itertuples(index=False)):
        tier = level_by_id()[lv].tier if lv in level_by_id() else "unknown"
        levels.rows.append([Cell(level_name(lv, lang)), Cell(t(f"tier_{tier}")),
                            count_cell(int(events), opts, status[("level", i, "events")]),
                            count_cell(int(cases), opts)])
    levels = Table(levels.caption, levels.columns, levels.rows,
                   note=table_note(t, opts, levels.rows) if _has_mark(levels) else "")
    cohorts = Table(t("cohorts"), [Column(t("cohort")), Column(t("cases"), True)])
    for i, (cohort, cases) in enumerate(by_cohort.itertuples(index=False)):
        cohorts.rows.append([Cell(str(cohort)),
                             count_cell(int(cases), opts, status[("cohort", i, "cases")])])
    return SummaryContext(
        facts=rows, levels=levels, cohorts=cohorts,
        municipalities=_by_column(places["municipality"], "municipality", t("municipalities"),
                                  t("municipality"), t, opts, status),
        hospitals=_by_column(places["hospital"], "hospital", t("hospitals"), t("hospital"),
                             t, opts, status),
        notes=quality_notes(log, t, opts), problems=_problems(log, t, opts),
    )


def _summary_status(facts: Mapping[str, int], by_level: pd.DataFrame,
                    by_cohort: pd.DataFrame, places: Mapping[str, pd.DataFrame],
                    opts: ReportOptions) -> dict[object, Status]:
    """Suppression of section 1's counts: each column beside the total it adds up to.

    Events per level add up to all events; cases per cohort, municipality or
    hospital and their events add up to all cases and events when every case
    has exactly one (then a reader can subtract, and the complement is hidden).
    """
    values: dict[object, int] = {"cases": int(facts["cases"]), "events": int(facts["events"])}
    lines = []
    events = [("level", i, "events") for i in range(len(by_level))]
    values |= dict(zip(events, map(int, by_level["events"]), strict=True))
    lines += sum_line("events", events, values)
    cohorts = [("cohort", i, "cases") for i in range(len(by_cohort))]
    values |= dict(zip(cohorts, map(int, by_cohort["cases"]), strict=True))
    lines += sum_line("cases", cohorts, values)
    for column, frame in places.items():
        for what in ("cases", "events"):
            keys = [(column, i, what) for i in range(len(frame))]
            values |= dict(zip(keys, map(int, frame[what]), strict=True))
            lines += sum_line(what, keys, values)
    return suppress(values, lines, min_count=opts.min_count, keep=("cases", "events"))


def _has_mark(table: Table) -> bool:
    return any(cell.text == HIDDEN_MARK for row in table.rows for cell in row)


def _by_column(frame: pd.DataFrame, column: str, caption: str, heading: str, t: Messages,
               opts: ReportOptions, status: Mapping[object, Status]) -> Table:
    table = Table(caption, [Column(heading), Column(t("cases"), True),
                            Column(t("events"), True)])
    for i, (name, cases, events) in enumerate(frame.itertuples(index=False)):
        table.rows.append([Cell(str(name)),
                           count_cell(int(cases), opts, status[(column, i, "cases")]),
                           count_cell(int(events), opts, status[(column, i, "events")])])
    if _has_mark(table):
        return Table(caption, table.columns, table.rows, note=table_note(t, opts, table.rows))
    return table


def quality_notes(log: EventLog, t: Messages, opts: ReportOptions) -> list[str]:
    """What reading and validation found, as sentences a non-programmer understands."""
    report, lang = log.report, opts.lang
    notes = [t("q_rows", rows=int_text(report.rows_read, lang),
               kept=int_text(report.rows_kept, lang))]
    for key, n in (("q_duplicates", report.duplicates_dropped),
                   ("q_rejected", report.rows_rejected),
                   ("q_dst_ambiguous", report.dst_ambiguous),
                   ("q_dst_nonexistent", report.dst_nonexistent),
                   ("q_pseudonyms", report.pseudonymised_values)):
        if n:
            notes.append(t(f"{key}_one" if n == 1 else key, n=int_text(n, lang)))
    if report.unknown_levels:
        total = int_text(sum(report.unknown_levels.values()), lang)
        if report.unknown_levels_from == "resource":
            # unit and clinician names are indirect identifiers (DESIGN §8)
            notes.append(t("q_unknown_units", n=total))
        else:
            values = ", ".join(f"«{short_label(v)}»"
                               for v in sorted(report.unknown_levels)[:10])
            notes.append(t("q_unknown_levels", n=total, values=values))
    return notes


def _problems(log: EventLog, t: Messages, opts: ReportOptions) -> Table | None:
    frame = log.engine.query("""
        SELECT code, count(*) AS n, min(message) AS message,
               string_agg(CAST("row" AS VARCHAR), ', ' ORDER BY "row") AS all_rows
        FROM read_problems GROUP BY code ORDER BY n DESC, code""")
    if frame.empty:
        return None
    table = Table(t("q_problems"), [Column(t("problem_code")), Column(t("problem_rows"), True),
                                    Column(t("problem_first_rows"))])
    for code, n, message, all_rows in frame.itertuples(index=False):
        key = f"code_{code}"
        text = t(key) if key in CATALOGUE else str(message)
        first = all_rows.split(", ")
        listed = ", ".join(first[:5]) + (" …" if len(first) > 5 else "")
        table.rows.append([Cell(text), Cell(int_text(int(n), opts.lang), sort=int(n)),
                           Cell(listed)])
    return table
