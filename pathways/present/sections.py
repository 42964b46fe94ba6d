"""The report's first sections: data summary, level map, transitions, variants, method.

Each section is a frozen dataclass (its template context, as Datasette's
``RowContext``) built from the log by one function. Numbers are formatted and
small counts suppressed here, once, so the templates only lay out text.
Unit, clinician and case names never enter these contexts.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from pathways.analyse.transitions import (
    level_activity_edges,
    level_activity_nodes,
    transition_steps_sql,
    transitions,
    variants,
)
from pathways.enrich.levels import level_by_id
from pathways.log import EventLog
from pathways.present.charts import OKABE_ITO, sparkline, waiting_boxplot
from pathways.present.labels import short_label
from pathways.present.levelmap import level_map_dot, simplify_map
from pathways.present.messages import CATALOGUE, Messages, in_lang
from pathways.present.numbers import (
    count_text,
    date_text,
    decimal_text,
    hours_text,
    int_text,
    is_suppressed,
    pct_text,
)
from pathways.present.suppression import (
    HIDDEN_MARK,
    Status,
    status_text,
    sum_line,
    suppress,
)
from pathways.present.tables import Cell, Column, Table


@dataclass(frozen=True)
class ReportOptions:
    """What the user chose for the report (the keyword arguments of ``report``).

    Attributes
    ----------
    lang : str
        ``nb`` or ``en``.
    min_count : int
        Counts from 1 to ``min_count - 1`` are shown as ``<min_count``.
    show_cases : bool
        List pseudonymous case ids (the page is then marked confidential).
    period : str
        ``month`` or ``tertial`` for the run charts.
    map_detail : str or float
        How much of the level map to draw: 0–100 or ``low``, ``medium``,
        ``high``, ``full`` (:func:`pathways.present.levelmap.simplify_map`).
    full : bool
        Print the appendix too (on screen it is always there).
    """

    lang: str = "nb"
    min_count: int = 5
    show_cases: bool = False
    period: str = "month"
    map_detail: str | float = "medium"
    full: bool = False


def level_name(level: str | None, lang: str) -> str:
    """A level id as its label in ``lang`` (``?`` for an unknown level)."""
    if not isinstance(level, str) or level == "?":
        return "?"
    found = level_by_id().get(level)
    return in_lang(found, lang) if found else level


def count_cell(value: int, opts: ReportOptions, state: Status | None = None) -> Cell:
    """A count cell, suppressed when small (its sort key hides the value too).

    ``state`` is the count's status from :func:`pathways.present.suppression.suppress`
    where it stands beside counts it adds up with: ``hidden`` shows ``:``.
    """
    hidden = is_suppressed(value, opts.min_count) or state in ("small", "hidden")
    text = status_text(value, state or "shown", count_text(value, opts.lang, opts.min_count),
                       opts.min_count)
    return Cell(text, sort=0.5 if hidden else value)


def table_note(t: Messages, opts: ReportOptions, rows: list[list[Cell]]) -> str:
    """The suppression note under a table, with what ``:`` means when it holds one."""
    note = t("suppressed_note", min_count=opts.min_count)
    if any(cell.text == HIDDEN_MARK for row in rows for cell in row):
        note += " " + t("secondary_note")
    return note


# 1. Data summary and data quality ------------------------------------------------


@dataclass(frozen=True)
class SummaryContext:
    """Section 1: what the data hold and what the check of them found.

    Attributes
    ----------
    facts : list of (label, value)
        Period, cases, events, activities, levels.
    levels, cohorts, municipalities, hospitals : Table
        Events and cases per care level, cohort, municipality and hospital trust.
    notes : list of str
        What validation found, in plain words.
    problems : Table
        Findings per type, with the first row numbers.
    """

    facts: list[tuple[str, str]]
    levels: Table
    cohorts: Table
    municipalities: Table
    hospitals: Table
    notes: list[str] = field(default_factory=list)
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


# 2. The level map -----------------------------------------------------------------

#: Edges drawn in the level map below ``full`` detail, at most (the note under
#: the map says how many were left out).
MAP_EDGES = 40


@dataclass(frozen=True)
class LevelMapContext:
    """Section 2: the swimlane map of DESIGN §5 as inline SVG.

    Attributes
    ----------
    svg : Markup or None
        The drawing (labels escaped by ``dot_string`` and again by Graphviz's
        XML output), scaled by its viewBox to the page's width; None when
        Graphviz is missing.
    notes : list of str
        What was left out, and why: the simplification's thresholds first.
    """

    svg: Markup | None
    notes: list[str]


def level_map_section(log: EventLog, t: Messages, opts: ReportOptions, *,
                      break_rates: Mapping[tuple[str, str], float] | None = None,
                      ) -> LevelMapContext:
    """Section 2: the simplified map (``opts.map_detail``) of what was seen ``min_count`` times.

    The edges come from the engine's DFG by (level, activity); nodes and edges
    seen fewer than ``min_count`` times are left out first (privacy), then
    :func:`pathways.present.levelmap.simplify_map` keeps those that carry
    most of the flow, and the note under the map says how much.
    """
    nodes = level_activity_nodes(log)
    edges = level_activity_edges(log)
    nodes = nodes[nodes["count"] >= opts.min_count]
    edges = edges[edges["count"] >= opts.min_count]
    chosen = simplify_map(nodes, edges, detail=opts.map_detail)
    cap = len(chosen.edges) if chosen.detail >= 100 else MAP_EDGES
    drawn = chosen.edges.head(cap)
    lang = opts.lang
    notes = [t("levelmap_detail", detail=decimal_text(chosen.detail, lang, 0),
               threshold=pct_text(chosen.threshold, lang, 2 if chosen.threshold < 0.01
                                  else 0),
               nodes=int_text(len(chosen.nodes), lang),
               nodes_total=int_text(chosen.nodes_total, lang),
               events=pct_text(chosen.event_share, lang, 0),
               edges=int_text(len(drawn), lang),
               edges_total=int_text(chosen.edges_total, lang),
               flow=pct_text(float(drawn["count"].sum())
                             / (float(edges["count"].sum()) or 1.0), lang, 0))
             if not chosen.complete else t("levelmap_full"),
             t("levelmap_suppressed", min_count=opts.min_count)]
    dot = shutil.which("dot")
    if dot is None:
        return LevelMapContext(svg=None, notes=[t("levelmap_no_dot"), *notes])
    source = level_map_dot(chosen.nodes, drawn, title="", lang=lang,
                           max_edges=len(drawn), break_rates=break_rates,
                           min_count=opts.min_count)
    result = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"),
                            capture_output=True, timeout=600, check=True)
    return LevelMapContext(svg=inline_svg(result.stdout.decode("utf-8"),
                                          t("levelmap_alt")), notes=notes)


def inline_svg(document: str, label: str) -> Markup:
    """A Graphviz SVG document as an element for the page, as wide as the page.

    The XML prolog, doctype and comments before ``<svg`` go; the fixed
    ``width`` and ``height`` go too, so the drawing scales by its ``viewBox``
    to the width of its container (``width="100%"``): it fits the paper in
    print and zooms on screen. ``role="img"``, ``aria-label`` and a
    ``<title>`` name it for screen readers.
    """
    from html import escape

    text = document[document.index("<svg"):]
    head_end = text.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", text[:head_end])
    name = escape(label, quote=True)
    head = head.replace("<svg", f'<svg role="img" aria-label="{name}" class="levelmap" '
                        'width="100%" preserveAspectRatio="xMidYMin meet"', 1)
    return Markup(f"{head}><title>{name}</title>{text[head_end + 1:]}")


# 3. Transitions -------------------------------------------------------------------

#: Bin edges (hours) of the small waiting-time histograms: 10 min, 1 h, 4 h,
#: 12 h, 1 d, 3 d, 1 w, 2 w, 30 d, 90 d.
WAIT_BINS = (1 / 6, 1, 4, 12, 24, 72, 168, 336, 720, 2160)

#: Transitions drawn in the box plot (the table lists them all).
MAX_BOXES = 12


@dataclass(frozen=True)
class TransitionsContext:
    """Section 3: waiting time per level pair, cross-tier pairs first.

    Attributes
    ----------
    table : Table
        Pair, count, median, P75, P90 and a small histogram per row.
    chart : Markup or None
        Box plots (10th–90th percentile whiskers) of the most frequent pairs.
    """

    table: Table
    chart: Markup | None
    top: Table | None = None


#: Transitions listed in the main body (the appendix lists them all).
TOP_TRANSITIONS = 12


def transitions_section(log: EventLog, t: Messages, opts: ReportOptions,
                        ) -> TransitionsContext:
    """Section 3 from :func:`pathways.analyse.transitions.transitions`."""
    lang = opts.lang
    pairs = transitions(log)
    shape = _wait_shape(log)
    table = Table(t("transitions"), [
        Column(t("from_level")), Column(t("to_level")), Column(t("cross_tier")),
        Column(t("count"), True), Column(t("cases"), True), Column(t("median_wait"), True),
        Column(t("p75_wait"), True), Column(t("p90_wait"), True), Column(t("distribution")),
    ], note=t("suppressed_note", min_count=opts.min_count))
    names, stats, crosses = [], [], []
    for row in pairs.itertuples(index=False):
        count, cases = int(row.count), int(row.cases)
        hidden = is_suppressed(count, opts.min_count) or is_suppressed(cases, opts.min_count)
        name = f"{level_name(row.from_level, lang)} → {level_name(row.to_level, lang)}"
        waits = [row.median_hours, row.p75_hours, row.p90_hours]
        cells = [Cell(level_name(row.from_level, lang)), Cell(level_name(row.to_level, lang)),
                 Cell(t("yes") if row.cross_tier else t("no")),
                 count_cell(count, opts), count_cell(cases, opts)]
        cells += [Cell("–", sort=-1) if hidden else Cell(hours_text(w, lang), sort=float(w))
                  for w in waits]
        key = (row.from_level, row.to_level)
        if hidden or key not in shape.index:
            cells.append(Cell("–"))
        else:
            info = shape.loc[key]
            label = t("spark_alt", low=hours_text(info["p10"], lang),
                      high=hours_text(info["p90"], lang))
            colour = OKABE_ITO["vermilion"] if row.cross_tier else OKABE_ITO["blue"]
            bins = [int(info[f"b{i}"]) for i in range(len(WAIT_BINS) + 1)]
            cells.append(Cell(label, svg=Markup(sparkline(bins, label=label,
                                                          colour=colour))))
            if len(names) < MAX_BOXES:
                names.append(name)
                stats.append({k: max(float(info[k]), 1 / 60)
                              for k in ("p10", "p25", "p50", "p75", "p90")})
                crosses.append(bool(row.cross_tier))
        table.rows.append(cells)
    top = Table(t("transitions"), [
        Column(t("pair")), Column(t("count"), True), Column(t("median_wait"), True),
        Column(t("p90_wait"), True), Column(t("distribution"))],
        note=t("top_transitions_note", n=min(TOP_TRANSITIONS, len(table.rows)),
               total=len(table.rows)) + " " + t("cross_mark"))
    for cells in table.rows[:TOP_TRANSITIONS]:
        mark = " ⇄" if cells[2].text == t("yes") else ""
        top.rows.append([Cell(f"{cells[0].text} → {cells[1].text}{mark}"), cells[3],
                         cells[5], cells[7], cells[8]])
    chart = None
    if names:
        chart = Markup(waiting_boxplot(
            names, stats, crosses, chart_id="waits", title=t("wait_chart_title"),
            axis_label=t("wait_axis"), legend=(t("legend_cross"), t("legend_same"))))
    return TransitionsContext(table=table, chart=chart, top=top)


def _wait_shape(log: EventLog) -> pd.DataFrame:
    """Per level pair: waiting-time percentiles and histogram counts over WAIT_BINS."""
    bins = ", ".join(
        f"count(*) FILTER (WHERE wait_hours >= {lo} AND wait_hours < {hi}) AS b{i}"
        for i, (lo, hi) in enumerate(zip((-math.inf, *WAIT_BINS), (*WAIT_BINS, math.inf),
                                         strict=True)))
    bins = bins.replace("-inf", "'-inf'::DOUBLE").replace(" inf", " 'inf'::DOUBLE")
    frame = log.engine.query(f"""
        SELECT from_level, to_level,
               quantile_cont(wait_hours, 0.10) AS p10, quantile_cont(wait_hours, 0.25) AS p25,
               quantile_cont(wait_hours, 0.50) AS p50, quantile_cont(wait_hours, 0.75) AS p75,
               quantile_cont(wait_hours, 0.90) AS p90, {bins}
        FROM ({transition_steps_sql(log.table)}) GROUP BY 1, 2""")
    return frame.set_index(["from_level", "to_level"])


# 6. Variants ----------------------------------------------------------------------

#: Variants listed per table.
TOP_VARIANTS = 10


@dataclass(frozen=True)
class VariantsContext:
    """Section 6a: the most frequent journeys, by care level and by activity.

    Attributes
    ----------
    by_level, by_activity : Table
        Variant, cases and share of all cases.
    """

    by_level: Table
    by_activity: Table


def variants_section(log: EventLog, t: Messages, opts: ReportOptions) -> VariantsContext:
    """Section 6a from :func:`pathways.analyse.transitions.variants`."""
    tables = []
    for by, caption in (("care_level", t("variants_levels")),
                        ("activity", t("variants_activities"))):
        frame = variants(log, by=by, top=TOP_VARIANTS)
        status = _variant_status(frame, int(log.describe()["cases"]), opts)
        table = Table(caption, [Column(t("variant")), Column(t("cases"), True),
                                Column(t("share"), True)])
        for i, (variant, cases, share) in enumerate(frame.itertuples(index=False)):
            steps = variant.split(" → ")
            if by == "care_level":
                steps = [level_name(s, opts.lang) for s in steps]
            hidden = status[i] != "shown"  # a share gives its count back
            table.rows.append([
                Cell(" → ".join(steps)), count_cell(int(cases), opts, status[i]),
                Cell("–", sort=-1) if hidden else Cell(pct_text(float(share), opts.lang, 1),
                                                       sort=float(share)),
            ])
        tables.append(Table(caption, table.columns, table.rows,
                            note=table_note(t, opts, table.rows)))
    return VariantsContext(by_level=tables[0], by_activity=tables[1])


def _variant_status(frame: pd.DataFrame, cases: int,
                    opts: ReportOptions) -> dict[object, Status]:
    """Suppression of the top variants beside all cases.

    The variants after the top ten, taken together, are a count the page
    never shows.
    """
    values: dict[object, int] = dict(enumerate(map(int, frame["cases"])))
    rest = cases - sum(values.values())
    values |= {"all": cases, "rest": max(rest, 0)}
    members = [*range(len(frame)), *(["rest"] if rest > 0 else [])]
    lines = sum_line("all", members, values)
    return suppress(values, lines, min_count=opts.min_count, unshown=("rest",),
                    keep=("all",))


# 9. Method notes ------------------------------------------------------------------


@dataclass(frozen=True)
class MethodContext:
    """Section 9: what the numbers mean, the thresholds, and what made the page.

    Attributes
    ----------
    paragraphs : list of str
        The method notes.
    facts : list of (label, value)
        Software version, input file name and its SHA-256 checksum.
    """

    paragraphs: list[str]
    facts: list[tuple[str, str]]


def method_section(log: EventLog, t: Messages, opts: ReportOptions, *,
                   extra: list[str] | None = None) -> MethodContext:
    """Section 9: the notes every reader needs before trusting a number."""
    from pathways import __version__
    from pathways.analyse.runchart import MIN_USEFUL_POINTS

    paragraphs = [
        t("m_signal"), t("m_rules"), t("m_kinds"), t("m_rates"),
        t("m_suppression", limit=opts.min_count - 1, min_count=opts.min_count),
        t("m_waiting"), t("m_runchart", minimum=MIN_USEFUL_POINTS), t("m_levels"),
        t("m_times", timezone=log.report.timezone), *(extra or []), t("m_key"),
    ]
    facts = [(t("m_software"), f"pathways {__version__}"),
             (t("m_input"), Path(log.report.source).name),
             (t("m_checksum"), log.report.sha256)]
    return MethodContext(paragraphs=paragraphs, facts=facts)
