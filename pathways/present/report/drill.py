"""Drill-down in the page: the rule table by cohort, municipality or period, and a rule's breaks.

The page stays one self-contained file: the aggregates are embedded as JSON
(``<script type="application/json" id="drill-data">``, never executed) and a
small inline script (``static/drill.js``) swaps the numbers in the rule table
when a filter is chosen. What is embedded is already *text* as the page would
print it: every count is suppressed (``<5``, ``:``) here, in Python, and no
rate is given from a hidden count, so nothing in the page's source holds a
number the page would not show. No per-patient row is embedded.

One filter at a time: for each dimension (cohort, municipality, period) the
rules × values table with its margins is suppressed as one grid
(:func:`pathways.present.suppression.suppress` with the rule totals and the
"all rules" row as lines), so no hidden count can be worked out by
subtracting the values shown for one filter from the rule's total.
Combinations of filters are not offered: their cells are smaller, and the
three-way table cannot be protected on one page. The rule totals keep the
status the page's other tables gave them (``status``).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from pathways.analyse.runchart import period_label
from pathways.log import EventLog
from pathways.present.messages import Messages
from pathways.present.numbers import pct_text, safe_rate
from pathways.present.report.breaks import dated_periods
from pathways.present.report.context import ReportOptions, count_cell, level_name
from pathways.present.suppression import Line, Status, sum_line, suppress

__all__ = ["DrillContext", "drill_section"]

#: The filters, in the order the page offers them.
DIMENSIONS = ("cohort", "municipality", "period")


@dataclass(frozen=True)
class DrillContext:
    """The filter controls and the embedded aggregates."""

    #: Each filter with its choices ``(value, label)``.
    dims: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)
    #: The rules one can drill into.
    rules: list[tuple[int, str]] = field(default_factory=list)
    #: The JSON, safe inside ``<script type="application/json">``.
    data: Markup = Markup("{}")  # noqa: RUF009 (Markup is an immutable str)


def _texts(ev: int, br: int, states: tuple[Status, Status], opts: ReportOptions) -> list[str]:
    """Triggers, breaks and rate as printed (suppressed as the page suppresses them)."""
    ev_cell = count_cell(ev, opts, states[0])
    br_cell = count_cell(br, opts, states[1])
    rate = safe_rate(br, ev, opts.min_count) if states == ("shown", "shown") else None
    return [ev_cell.text, br_cell.text, pct_text(rate, opts.lang, 1)]


def _grid(counts: pd.DataFrame, rules: int, values: list[str],
          totals: Mapping[int, tuple[int, int]], status: Mapping[object, Status],
          opts: ReportOptions) -> dict[str, list[list[str]]]:
    """One dimension's rules × values table, suppressed with its margins.

    ``counts`` has ``rule_no``, ``value``, ``ev``, ``br``. The rule totals
    (``totals``) keep the page's status; a value's "all rules" cell is a line
    over the rules, a rule's total a line over the values (when they add up:
    a case in two cohorts is counted in both, so cohorts need not).
    """
    table = counts.set_index(["rule_no", "value"])
    out: dict[str, list[list[str]]] = {}
    for what in ("ev", "br"):
        nums: dict[Hashable, int] = {}
        lines: list[Line] = []
        for r in range(rules):
            nums[("rule", r)] = totals[r][0 if what == "ev" else 1]
            keys = [(r, v) for v in values]
            for v in values:
                nums[(r, v)] = int(table[what].get((r, v), 0))
            lines += sum_line(("rule", r), keys, nums)
        for v in values:
            nums[("all", v)] = sum(nums[(r, v)] for r in range(rules))
            lines += sum_line(("all", v), [(r, v) for r in range(rules)], nums)
        keep = [("rule", r) for r in range(rules)
                if status.get(("rule", r, what), "shown") == "shown"]
        state = suppress(nums, lines, min_count=opts.min_count, keep=keep)
        for r in range(rules):  # a total hidden elsewhere on the page is hidden here too
            if status.get(("rule", r, what), "shown") != "shown":
                state[("rule", r)] = status[("rule", r, what)]
        out[what] = state  # type: ignore[assignment]
        out[f"n_{what}"] = nums  # type: ignore[assignment]
    cells: dict[str, list[list[str]]] = {}
    for v in values:  # the "all rules" cells were lines only (the page shows them elsewhere)
        rows = []
        for r in range(rules):
            ev, br = out["n_ev"][(r, v)], out["n_br"][(r, v)]  # type: ignore[index]
            rows.append(_texts(ev, br, (out["ev"][(r, v)], out["br"][(r, v)]),  # type: ignore[index]
                               opts))
        cells[v] = rows
    return cells


def drill_section(log: EventLog, result: object, outcomes: pd.DataFrame, t: Messages,
                  opts: ReportOptions, *, status: Mapping[object, Status]) -> DrillContext:
    """The drill-down controls and data for the rule table.

    ``status`` is :func:`pathways.present.report.breaks.break_status`'s.
    """
    summary: pd.DataFrame = result.summary  # type: ignore[attr-defined]
    n = len(summary)
    if n == 0 or outcomes.empty:
        return DrillContext()
    totals = {i: (int(r.evaluated), int(r.broken))
              for i, r in enumerate(summary.itertuples(index=False))}
    dated, starts = dated_periods(outcomes, log.report.timezone, opts.period)
    dated = dated.assign(period=dated["start"].map(
        {s: period_label(s, opts.period) for s in starts}))
    cohorts = log.engine.query("SELECT DISTINCT case_id, cohort FROM case_cohorts")
    frames = {
        "cohort": dated.merge(cohorts, on="case_id", how="inner").rename(
            columns={"cohort": "value"}),
        "municipality": dated.dropna(subset=["municipality"]).rename(
            columns={"municipality": "value"}),
        "period": dated.rename(columns={"period": "value"}),
    }
    labels = {"cohort": t("cohort"), "municipality": t("municipality"),
              "period": t("period_filter")}
    data: dict[str, object] = {}
    dims = []
    for dim in DIMENSIONS:
        frame = frames[dim]
        if frame.empty:
            continue
        values = ([period_label(s, opts.period) for s in starts] if dim == "period"
                  else sorted(frame["value"].astype(str).unique()))
        if len(values) < 2:
            continue
        counts = (frame.assign(value=frame["value"].astype(str))
                  .groupby(["rule_no", "value"])["broken"]
                  .agg(ev="size", br="sum").reset_index())
        data[dim] = _grid(counts, n, values, totals, status, opts)
        dims.append((dim, labels[dim], [(v, v) for v in values]))
    data["pairs"] = _pairs(result, t, opts, status)
    data["places"] = data.get("municipality", {})
    rules = [(i, f"{row.title} ({row.pathway}/{row.rule_id})")
             for i, row in enumerate(summary.itertuples(index=False))]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # inside <script>: no "</script" and no "<!--" can end or confuse the block
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return DrillContext(dims=dims, rules=rules, data=Markup(text))


def _pairs(result: object, t: Messages, opts: ReportOptions,
           status: Mapping[object, Status]) -> list[list[list[str]]]:
    """Per rule: its breaks by level pair (from → to), suppressed beside the rule's breaks."""
    breaks: pd.DataFrame = result.breaks  # type: ignore[attr-defined]
    summary: pd.DataFrame = result.summary  # type: ignore[attr-defined]
    out: list[list[list[str]]] = [[] for _ in range(len(summary))]
    if breaks.empty:
        return out
    keys = summary[["pathway", "rule_id"]].reset_index(drop=True).rename_axis("rule_no")
    keyed = breaks.merge(keys.reset_index(), on=["pathway", "rule_id"], how="inner")
    keyed = keyed.assign(from_level=keyed["from_level"].fillna("?"),
                         to_level=keyed["to_level"].fillna("?"))
    counts = keyed.groupby(["rule_no", "from_level", "to_level"]).size().rename("n").reset_index()
    for rule_no, group in counts.groupby("rule_no"):
        r = int(rule_no)
        nums: dict[Hashable, int] = {"total": int(group["n"].sum())}
        members = []
        for k, row in enumerate(group.sort_values("n", ascending=False).itertuples(index=False)):
            nums[k] = int(row.n)
            members.append((k, f"{level_name(row.from_level, opts.lang)} → "
                               f"{level_name(row.to_level, opts.lang)}"))
        hidden_total = status.get(("rule", r, "br"), "shown") != "shown"
        state = suppress(nums, sum_line("total", [k for k, _ in members], nums),
                         min_count=opts.min_count,
                         unshown=["total"] if hidden_total else ())
        out[r] = [[name, count_cell(nums[k], opts, state[k]).text] for k, name in members]
    return out
