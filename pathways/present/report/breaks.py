"""Section 4: the breaks, by kind, rule, transition and organisation.

A rate is broken triggers / evaluated triggers (excused triggers and windows
still open left out), the definition of
:func:`pathways.analyse.breaks.evaluate`, here grouped further. The municipal
view (municipality of residence) stands beside the hospital's. Suppression
applies to every count, and no rate is computed from a suppressed one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from markupsafe import Markup

from pathways.analyse.rules import KINDS
from pathways.analyse.runchart import (
    period_start,
    period_starts,
)
from pathways.present.breaks import never_met
from pathways.present.charts import (
    KIND_COLOUR,
    bar_chart,
)
from pathways.present.messages import Messages
from pathways.present.numbers import pct_text, range_text, safe_rate, share_interval
from pathways.present.report.context import ReportOptions, count_cell, level_name, table_note
from pathways.present.suppression import Status, sum_line, suppress
from pathways.present.tables import Cell, Column, Table

#: Case ids listed with ``show_cases`` (the breaks CSV has them all).
MAX_CASES = 200


@dataclass(frozen=True)
class RuleInfo:
    """A rule as the page names it."""

    #: The pathway's name.
    pathway: str
    #: The rule's id in its pathway.
    rule_id: str
    #: ``time``, ``information`` or ``resource``.
    kind: str
    #: The rule's title, in the page's language.
    title: str
    #: The document the rule rests on, as its file says ("" when none).
    source: str


@dataclass(frozen=True)
class BreaksContext:
    """Section 4: breaks with rates and denominators."""

    #: Each rule with its title and source.
    rules: list[RuleInfo]
    #: Triggers, breaks and rates by kind of break.
    by_kind: Table
    #: The same by rule, with every count (in the appendix).
    by_rule: Table
    #: The same by pair of care levels (the trigger's and the evidence's).
    by_pair: Table
    #: The same by municipality of residence.
    by_municipality: Table
    #: The same by hospital trust.
    by_hospital: Table
    #: Bar chart of broken triggers and evaluated triggers by kind.
    chart: Markup | None = None
    #: Pseudonymous case ids with breaks (only with ``show_cases``).
    cases: Table | None = None
    #: Shown when no rule applied or nothing broke.
    note: str = ""
    #: The main body's rule table (rule, kind, triggers, breaks, rate), the
    #: one the page's filters change; ``by_rule`` (every count) is in the
    #: appendix.
    compact: Table = field(default_factory=lambda: Table("", []))


def rate_columns(t: Messages) -> list[Column]:
    """The columns of a rate: triggers, breaks, the rate and its 95 % interval."""
    return [Column(t("triggers"), True), Column(t("n_breaks"), True), Column(t("rate"), True),
            Column(t("interval95"), True)]


def rate_cells(evaluated: int, broken: int, opts: ReportOptions,
               states: tuple[Status, Status] | None = None) -> list[Cell]:
    """Triggers, breaks, the rate and its 95 % Wilson interval.

    No rate and no interval when either count is not shown.
    """
    ev_state, br_state = states or ("shown", "shown")
    rate = safe_rate(broken, evaluated, opts.min_count)
    if "hidden" in (ev_state, br_state):
        rate = None
    interval = None if rate is None else share_interval(broken, evaluated, opts.min_count)
    return [count_cell(evaluated, opts, ev_state), count_cell(broken, opts, br_state),
            Cell(pct_text(rate, opts.lang, 1), sort=-1 if rate is None else rate),
            Cell(range_text(interval, opts.lang), sort=-1 if interval is None else interval[0])]


def cell_states(status: dict[object, Status], key: tuple[object, ...]) -> tuple[Status, Status]:
    """Whether a row's triggers and breaks are shown, by the row's key in ``status``."""
    return status.get((*key, "ev"), "shown"), status.get((*key, "br"), "shown")


def break_status(result: object, outcomes: pd.DataFrame, opts: ReportOptions, *,
                 timezone: str = "Europe/Oslo") -> dict[object, Status]:
    """Suppression of every break count of the page, with what adds up to what.

    Judged triggers and breaks: the rules of a kind add up to the kind's row;
    the kinds, and the municipalities or hospitals when every judged trigger
    has one, add up to all of them (a total the reader adds up); a rule's late
    and missing breaks add up to its broken triggers when it has no other
    kind; a rule's run-chart periods add up to its row. Keys:
    ``("rule", i, what)``, ``("kind", kind, what)``, ``(column, name, what)``,
    ``("period", rule_no, start, what)`` with ``what`` one of ``ev``, ``br``,
    ``late``, ``missing``.
    """
    summary: pd.DataFrame = result.summary  # type: ignore[attr-defined]
    rules = list(summary.itertuples(index=False))
    values: dict[object, int] = {}
    lines = []
    for i, row in enumerate(rules):
        values |= {("rule", i, "ev"): int(row.evaluated), ("rule", i, "br"): int(row.broken),
                   ("rule", i, "late"): int(row.late), ("rule", i, "missing"): int(row.missing)}
        lines += sum_line(("rule", i, "br"), [("rule", i, "late"), ("rule", i, "missing")],
                          values)
    named = _with_rules(result, outcomes)
    kinds = _grouped(named, ["kind"]).set_index("kind") if len(named) else None
    for what, column in (("ev", "evaluated"), ("br", "broken")):
        values[("all", what)] = int(len(named) if what == "ev" else named["broken"].sum())
        for kind in KINDS:
            values[("kind", kind, what)] = (int(kinds.loc[kind, column])
                                            if kinds is not None and kind in kinds.index else 0)
            lines += sum_line(("kind", kind, what),
                              [("rule", i, what) for i, r in enumerate(rules) if r.kind == kind],
                              values)
        lines += sum_line(("all", what), [("kind", k, what) for k in KINDS], values)
        for place in ("municipality", "hospital"):
            if place not in named.columns:
                continue
            grouped = _grouped(named.dropna(subset=[place]), [place])
            keys = [(place, name, what) for name in grouped[place]]
            values |= dict(zip(keys, map(int, grouped[column]), strict=True))
            lines += sum_line(("all", what), keys, values)
    if len(outcomes):
        dated, _ = dated_periods(outcomes, timezone, opts.period)
        counts = dated.groupby(["rule_no", "start"])["broken"].agg(["size", "sum"])
        for what, column in (("ev", "size"), ("br", "sum")):
            keys = [("period", int(no), start, what) for no, start in counts.index]
            values |= dict(zip(keys, map(int, counts[column]), strict=True))
            for no in range(len(rules)):
                mine = [k for k in keys if k[1] == no]
                lines += sum_line(("rule", no, what), mine, values) if mine else []
    return suppress(values, lines, min_count=opts.min_count,
                    unshown=[("all", "ev"), ("all", "br")])


def dated_periods(outcomes: pd.DataFrame, timezone: str,
                  period: str) -> tuple[pd.DataFrame, list[date]]:
    """The outcomes with the ``start`` of their trigger's period, and every period start."""
    # Local days of the triggers, vectorised; the period of each distinct day
    # (a few hundred) is looked up in Python, never once per trigger.
    days = (pd.to_datetime(outcomes["ts_us"], unit="us", utc=True)
            .dt.tz_convert(timezone).dt.normalize().dt.tz_localize(None))
    distinct = days.drop_duplicates()
    period_of = pd.Series([period_start(d.date(), period) for d in distinct],  # type: ignore[arg-type]
                          index=distinct)
    dated = outcomes.assign(start=days.map(period_of).to_numpy())
    first, last = days.min().date(), days.max().date()
    return dated, period_starts(first, last, period)  # type: ignore[arg-type]


def _grouped(outcomes: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = outcomes.groupby(keys, dropna=False).agg(
        evaluated=("broken", "size"), broken=("broken", "sum")).reset_index()
    return grouped.sort_values(["broken", "evaluated"], ascending=False)


def breaks_section(result: object, outcomes: pd.DataFrame, t: Messages,
                   opts: ReportOptions, *,
                   status: dict[object, Status] | None = None) -> BreaksContext:
    """Section 4 from ``evaluate``'s result and the per-trigger outcomes.

    ``status`` is :func:`break_status`'s (computed here when not given).
    """
    if status is None:
        status = break_status(result, outcomes, opts)
    summary: pd.DataFrame = result.summary  # type: ignore[attr-defined]
    lang = opts.lang
    sources = {(p.name, r.id): (r.source or "") for p in result.pathways  # type: ignore[attr-defined]
               for r in p.rules}
    rules = [RuleInfo(row.pathway, row.rule_id, row.kind, row.title,
                      sources.get((row.pathway, row.rule_id), ""))
             for row in summary.itertuples(index=False)]
    outcomes = _with_rules(result, outcomes)

    by_kind = Table(t("by_kind"), [Column(t("kind")), *rate_columns(t)],
                    note=t("suppressed_note", min_count=opts.min_count))
    kinds = _grouped(outcomes, ["kind"]).set_index("kind")
    for kind in KINDS:
        ev, br = (int(kinds.loc[kind, c]) if kind in kinds.index else 0
                  for c in ("evaluated", "broken"))
        by_kind.rows.append([Cell(t(f"kind_{kind}")),
                             *rate_cells(ev, br, opts, cell_states(status, ("kind", kind)))])
    by_kind = Table(by_kind.caption, by_kind.columns, by_kind.rows,
                    note=table_note(t, opts, by_kind.rows))

    by_rule = Table(t("by_rule"), [
        Column(t("pathway")), Column(t("rule")), Column(t("kind")),
        *rate_columns(t), Column(t("late"), True), Column(t("missing"), True),
        Column(t("occurred"), True), Column(t("open_windows"), True)], note=t("m_rates"))
    for i, row in enumerate(summary.itertuples(index=False)):
        by_rule.rows.append([
            Cell(row.pathway), Cell(f"{row.title} ({row.rule_id})"),
            Cell(t(f"kind_{row.kind}") if row.kind in KINDS else row.kind),
            *rate_cells(int(row.evaluated), int(row.broken), opts,
                         cell_states(status, ("rule", i))),
            count_cell(int(row.late), opts, status.get(("rule", i, "late"))),
            count_cell(int(row.missing), opts, status.get(("rule", i, "missing"))),
            count_cell(int(row.occurred), opts), count_cell(int(row.open_windows), opts)])
    compact = Table(t("by_rule"), [Column(t("rule")), Column(t("kind")), *rate_columns(t)],
                    note=by_rule.note)
    for row in by_rule.rows:
        compact.rows.append([Cell(f"{row[1].text} – {row[0].text}"), row[2], *row[3:6]])
    if any(c.text == ":" for r in by_rule.rows for c in r):
        compact = Table(compact.caption, compact.columns, compact.rows,
                        note=f"{compact.note} {t('secondary_note')}")
        by_rule = Table(by_rule.caption, by_rule.columns, by_rule.rows,
                        note=f"{by_rule.note} {t('secondary_note')}")

    by_pair = Table(t("by_pair"), [Column(t("from_level")), Column(t("to_level")),
                                   *rate_columns(t)])
    for row in pair_rates(result, outcomes).itertuples(index=False):
        by_pair.rows.append([Cell(level_name(row.from_level, lang)),
                             Cell(level_name(row.to_level, lang)),
                             *rate_cells(int(row.evaluated), int(row.broken), opts)])

    tables = []
    for column, caption, heading in (("municipality", t("by_municipality"), t("municipality")),
                                     ("hospital", t("by_hospital"), t("hospital"))):
        table = Table(caption, [Column(heading), *rate_columns(t)])
        for row in _grouped(outcomes.dropna(subset=[column]), [column]).itertuples(index=False):
            name = getattr(row, column)
            table.rows.append([Cell(str(name)),
                               *rate_cells(int(row.evaluated), int(row.broken), opts,
                                            cell_states(status, (column, name)))])
        if any(c.text == ":" for r in table.rows for c in r):
            table = Table(caption, table.columns, table.rows, note=t("secondary_note"))
        tables.append(table)

    chart = None
    if len(outcomes) and outcomes["broken"].any():
        values = [(int(kinds.loc[k, "broken"]) if k in kinds.index else 0) for k in KINDS]
        shown = [v if status.get(("kind", k, "br"), "shown") == "shown"
                 and not 0 < v < opts.min_count else 0
                 for k, v in zip(KINDS, values, strict=True)]
        if any(shown):  # no empty picture: all zero or hidden is said by the table
            chart = Markup(bar_chart(
                [t(f"kind_{k}") for k in KINDS],
                [(t("n_breaks"), KIND_COLOUR["resource"], shown)],
                chart_id="breaks-kind", title=t("breaks_chart_title"),
                axis_label=t("breaks_axis")))
    cases = _case_table(result, t, opts) if opts.show_cases else None
    note = "" if len(summary) else t("breaks_no_rules")
    if len(summary) and not summary["triggers"].any():
        note = t("breaks_no_triggers")
    elif len(summary) and not outcomes["broken"].any():
        note = t("breaks_none")
    never = " ".join(t("breaks_never_met", rule=rule, expected=expected)
                     for rule, expected in never_met(result, t))  # type: ignore[arg-type]
    note = " ".join(part for part in (note, never) if part)
    return BreaksContext(rules=rules, by_kind=by_kind, by_rule=by_rule, by_pair=by_pair,
                         by_municipality=tables[0], by_hospital=tables[1], chart=chart,
                         cases=cases, note=note, compact=compact)


def pair_rates(result: object, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Broken and evaluated triggers per level pair.

    A rule's pair is its trigger's level and the level its breaks land at (the
    late or forbidden event's, or the level the rule expects), the most common
    one over its breaks; the denominator is the rule's evaluated triggers at
    that trigger level. Columns ``from_level``, ``to_level``, ``evaluated``,
    ``broken``.
    """
    table: pd.DataFrame = result.breaks  # type: ignore[attr-defined]
    if table.empty or outcomes.empty:
        return pd.DataFrame(columns=["from_level", "to_level", "evaluated", "broken"])
    landing = (table.dropna(subset=["to_level"])
               .groupby(["pathway", "rule_id", "from_level"])["to_level"]
               .agg(lambda s: s.value_counts().index[0]).reset_index())
    joined = _with_rules(result, outcomes).merge(
        landing, on=["pathway", "rule_id", "from_level"], how="inner")
    joined = joined[joined["from_level"] != joined["to_level"]]
    return _grouped(joined, ["from_level", "to_level"])


def _with_rules(result: object, outcomes: pd.DataFrame) -> pd.DataFrame:
    """The outcomes with their rule's ``pathway``, ``rule_id``, ``kind`` and ``title``."""
    if "pathway" in outcomes.columns:
        return outcomes
    summary: pd.DataFrame = result.summary  # type: ignore[attr-defined]
    info = summary[["pathway", "rule_id", "kind", "title"]].rename_axis("rule_no").reset_index()
    return outcomes.merge(info, on="rule_no", how="left")


def level_map_rates(result: object, outcomes: pd.DataFrame,
                    min_count: int) -> dict[tuple[str, str], float]:
    """(from level, to level) → break rate for the level map, suppressed ones left out."""
    rates = {}
    for row in pair_rates(result, outcomes).itertuples(index=False):
        rate = safe_rate(int(row.broken), int(row.evaluated), min_count)
        if rate is not None:
            rates[(row.from_level, row.to_level)] = rate
    return rates


def _case_table(result: object, t: Messages, opts: ReportOptions) -> Table:
    table: pd.DataFrame = result.breaks  # type: ignore[attr-defined]
    out = Table(t("case_list"), [Column(t("case_id")), Column(t("rule")), Column(t("status")),
                                 Column(t("trigger_time"))])
    for row in table.head(MAX_CASES).itertuples(index=False):
        out.rows.append([Cell(str(row.case_id)), Cell(f"{row.pathway}/{row.rule_id}"),
                         Cell(t(row.status)), Cell(str(row.trigger_time)[:16])])
    return out
