"""Section 3: waiting time per pair of care levels, cross-tier pairs first."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from pathways.analyse.transitions import (
    WAIT_BINS,
    transitions,
    waiting_distribution,
)
from pathways.log import EventLog
from pathways.present.charts import OKABE_ITO, sparkline, waiting_boxplot
from pathways.present.messages import Messages
from pathways.present.numbers import (
    hours_text,
    is_suppressed,
)
from pathways.present.report.context import ReportOptions, count_cell, level_name
from pathways.present.tables import Cell, Column, Table

#: Transitions drawn in the box plot (the table lists them all).
MAX_BOXES = 12


@dataclass(frozen=True)
class TransitionsContext:
    """Section 3: waiting time per level pair, cross-tier pairs first."""

    #: Pair, count, median, P75, P90 and a small histogram per row.
    table: Table
    #: Box plots (10th–90th percentile whiskers) of the most frequent pairs.
    chart: Markup | None
    top: Table | None = None


#: Transitions listed in the main body (the appendix lists them all).
TOP_TRANSITIONS = 12


def transitions_section(log: EventLog, t: Messages, opts: ReportOptions,
                        ) -> TransitionsContext:
    """Section 3 from :func:`pathways.analyse.transitions.transitions`."""
    lang = opts.lang
    pairs = transitions(log)
    shape = waiting_distribution(log)
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
