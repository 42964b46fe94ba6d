"""Section 5: a run chart of each rule's break rate, by month or tertial.

Anhøj's rules judge each series; interventions are marked on the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from statistics import median

import pandas as pd
from markupsafe import Markup

from pathways.analyse.runchart import MIN_USEFUL_POINTS, Intervention, anhoej, period_label
from pathways.present.charts import RunChartLine, run_chart, small_multiples
from pathways.present.messages import Messages
from pathways.present.numbers import pct_text, safe_rate
from pathways.present.report.breaks import (
    break_status,
    cell_states,
    dated_periods,
    rate_cells,
    rate_columns,
)
from pathways.present.report.context import ReportOptions
from pathways.present.suppression import Status
from pathways.present.tables import Cell, Column, Table


@dataclass(frozen=True)
class RunChart:
    """One rule's run chart."""

    #: The rule's title and id.
    title: str
    #: The chart.
    svg: Markup
    #: The Anhøj rules' verdicts in words, and the medians before and after.
    findings: list[tuple[str, bool]]
    #: The points: period, triggers, breaks, rate.
    table: Table
    #: The chart's id on the page.
    anchor: str = ""
    #: Anhøj's rules found a non-random pattern.
    signal: bool = False


#: Full run charts in the main body (signals first); the others go to the appendix.
MAIN_CHARTS = 3


@dataclass(frozen=True)
class RunChartsContext:
    """Section 5: run charts of the rules' break rates, and the rules without one."""

    #: What the charts show, per period (month or tertial).
    intro: str
    #: Rules with enough points for Anhøj's rules, signals first: the first
    #: :data:`MAIN_CHARTS` in the main body, the rest in the appendix.
    charts: list[RunChart] = field(default_factory=list)
    #: The suppression rule for points.
    note: str = ""
    #: One small-multiples figure of the rules with some points, but too
    #: few for the run-chart rules.
    small: Markup | None = None
    #: Rules with no chart, each with the reason (no judged trigger, or
    #: every period suppressed).
    without: Table | None = None
    #: Every charted rule's points (for the appendix), small multiples too.
    tables: list[RunChart] = field(default_factory=list)
    #: The panels of ``small``: ``pathway/rule_id`` and the rule's title.
    small_rules: list[tuple[str, str]] = field(default_factory=list)

    @property
    def main(self) -> list[RunChart]:
        """The charts printed in the main body."""
        return self.charts[:MAIN_CHARTS]

    @property
    def rest(self) -> list[RunChart]:
        """The charts printed only in the appendix."""
        return self.charts[MAIN_CHARTS:]

    @property
    def signals(self) -> list[tuple[str, str, str]]:
        """(rule, the signal in words, anchor) for every chart with a signal."""
        return [(chart.title, "; ".join(text for text, is_signal in chart.findings
                                        if is_signal), f"#{chart.anchor}")
                for chart in self.charts if chart.signal]


def run_charts_section(result: object, outcomes: pd.DataFrame, t: Messages,
                       opts: ReportOptions, *, timezone: str,
                       interventions: Sequence[Intervention] = (),
                       status: dict[object, Status] | None = None) -> RunChartsContext:
    """Section 5: break rate per period for every rule, with Anhøj's rules.

    A period whose count is hidden (``status``, from :func:`break_status`)
    has no point, since its rate would give the count back. A rule with no
    point at all has no picture: it is a line in a table, with the reason.
    A rule with fewer than ``MIN_USEFUL_POINTS`` points is a panel of one
    small-multiples figure.
    """
    period = opts.period  # checked on entry
    word = t(f"period_{period}")
    intro = t("runcharts_intro", period=word)
    note = t("runchart_suppressed", min_count=opts.min_count)
    summary: pd.DataFrame = result.summary  # type: ignore[attr-defined]
    names = [f"{row.pathway}/{row.rule_id}" for row in summary.itertuples(index=False)]
    without = Table(t("rc_without"), [Column(t("rule")), Column(t("rc_reason"))])

    def reason(no: int, key: str) -> None:
        without.rows.append([Cell(f"{summary.iloc[no]['title']} ({names[no]})"),
                             Cell(t(key, min_count=opts.min_count))])

    if status is None and len(outcomes):
        status = break_status(result, outcomes, opts, timezone=timezone)
    judged = set(outcomes["rule_no"].astype(int)) if len(outcomes) else set()
    charts: list[RunChart] = []
    tables: list[RunChart] = []
    panels: list[tuple[str, list[float | None]]] = []
    legend: list[tuple[str, str]] = []
    labels: list[str] = []
    if len(outcomes):
        outcomes, starts = dated_periods(outcomes, timezone, period)
        labels = [period_label(s, period) for s in starts]
        for rule_no, group in outcomes.groupby("rule_no"):  # one chart per rule
            rule = summary.iloc[int(rule_no)]
            counts = group.groupby("start")["broken"].agg(["size", "sum"])
            values: list[float | None] = []
            table = Table(t("runcharts"), [Column(t("period_axis")), *rate_columns(t)])
            for start in starts:
                ev, br = ((int(counts.loc[start, "size"]), int(counts.loc[start, "sum"]))
                          if start in counts.index else (0, 0))
                cells = rate_cells(ev, br, opts,
                                   cell_states(status or {}, ("period", int(rule_no), start)))
                values.append(None if cells[2].text == "–" else safe_rate(br, ev, opts.min_count))
                table.rows.append([Cell(period_label(start, period)), *cells])
            name = names[int(rule_no)]
            shown = sum(v is not None for v in values)
            if shown == 0:
                reason(int(rule_no), "rc_all_suppressed")
                continue
            title = f"{rule['title']} ({name})"
            if any(c.text == ":" for r in table.rows for c in r):
                table = Table(table.caption, table.columns, table.rows,
                              note=t("secondary_note"))
            if shown < MIN_USEFUL_POINTS:
                panels.append((name, values))
                legend.append((name, str(rule["title"])))
                tables.append(RunChart(title=title, svg=Markup(""), findings=[], table=table,
                                       anchor=f"run-{int(rule_no)}"))
                continue
            chart = _one_chart(title, f"run-{int(rule_no)}", starts, values, table,
                               t, opts, interventions)
            charts.append(chart)
            tables.append(chart)
    for no in range(len(names)):
        if no not in judged:
            reason(no, "rc_no_trigger")
    charts.sort(key=lambda c: not c.signal)  # signals first, otherwise in rule order
    small = None
    if panels:
        small = Markup(small_multiples(panels, labels, chart_id="run-small",
                                       title=t("rc_small_title", period=word),
                                       legend=t("data_point")))
    return RunChartsContext(intro=intro, charts=charts, note=note, small=small,
                            without=without if without.rows else None, tables=tables,
                            small_rules=legend)


def _one_chart(title: str, chart_id: str, starts: list[date], values: list[float | None],
               table: Table, t: Messages, opts: ReportOptions,
               interventions: Sequence[Intervention]) -> RunChart:
    period = opts.period
    labels = [period_label(s, period) for s in starts]
    cuts = sorted({_position(m.day, starts) for m in interventions
                   if starts[0] <= m.day and _position(m.day, starts) < len(starts)})
    bounds = [0, *[c for c in cuts if c > 0], len(starts)]
    parts = [values[a:b] for a, b in pairwise(bounds)]
    baseline = [v for v in parts[0] if v is not None] or [v for v in values if v is not None]
    centre = median(baseline)
    analysis = anhoej(values, centre=centre)
    lines = [RunChartLine(0, bounds[1] - 1, centre,
                          t("median_before") if len(parts) > 1 else t("median"))]
    findings: list[tuple[str, bool]] = []
    for k, (a, b) in enumerate(pairwise(bounds[1:])):
        points = [v for v in values[a:b] if v is not None]
        label = next((m.label for m in interventions if _position(m.day, starts) == a),
                     str(k + 1))
        if points:
            lines.append(RunChartLine(a, b - 1, median(points), t("median_after", label=label)))
            findings.append((f"{t('median_after', label=label)}: "
                             f"{pct_text(median(points), opts.lang, 1)}", False))
    if len(parts) > 1:
        findings.insert(0, (f"{t('median_before')}: {pct_text(centre, opts.lang, 1)}", False))
    if not analysis.tested:
        findings.append((t("sig_too_few", n=analysis.useful, minimum=MIN_USEFUL_POINTS), False))
    else:
        if analysis.long_run:
            findings.append((t("sig_long_run", longest=analysis.longest_run,
                               limit=analysis.run_limit), True))
        if analysis.few_crossings:
            findings.append((t("sig_few_crossings", crossings=analysis.crossings,
                               limit=analysis.crossings_limit), True))
        if not analysis.signal:
            findings.append((t("sig_none", longest=analysis.longest_run,
                               run_limit=analysis.run_limit, crossings=analysis.crossings,
                               cross_limit=analysis.crossings_limit), False))
    marks = [(_position(m.day, starts) - 0.5, m.label) for m in interventions
             if 0 <= _position(m.day, starts) < len(starts)]
    svg = run_chart(labels, values, chart_id=chart_id,
                    title=t("runchart_alt", rule=title, period=t(f"period_{period}")),
                    medians=lines, signal_points=analysis.signal_points, interventions=marks,
                    axis_labels=(t("period_axis"), t("rate_axis")),
                    legend=(t("data_point"), t("signal_point"), t("intervention")))
    return RunChart(title=title, svg=Markup(svg), findings=findings, table=table,
                    anchor=chart_id, signal=analysis.signal)


def _position(day: date, starts: list[date]) -> int:
    """Index of the first period starting on or after ``day`` (len when none)."""
    return next((i for i, s in enumerate(starts) if s >= day), len(starts))
