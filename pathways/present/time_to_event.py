"""Time to event in words and pictures: the measures command's output and the report's section.

The analysis is :func:`pathways.analyse.time_to_event.time_to_event`; here its
groups are suppressed and shown. Each group's counts (index events, events,
deaths, censored) add up to its index events, and the groups' counts to the
whole's when every index has one group (municipality, hospital, period; not
cohorts, where a case may count twice), so small counts are suppressed with
:func:`pathways.present.suppression.suppress` over those lines. A group below
the minimum count has no curve and no median (the analysis already leaves
them out). The picture is the Aalen–Johansen cumulative incidence as matplotlib
step curves, drawn with :func:`pathways.present.charts.figure_svg`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import matplotlib
from markupsafe import Markup
from matplotlib.figure import Figure

from pathways.present.charts import OKABE_ITO, RC, figure_svg
from pathways.present.messages import CATALOGUE, Messages
from pathways.present.numbers import decimal_text
from pathways.present.suppression import Status, status_text, suppress
from pathways.present.tables import Cell, Column, Table

if TYPE_CHECKING:
    from pathways.analyse.time_to_event import TimeToEvent
    from pathways.present.report.context import ReportOptions

COUNTS = ("indexes", "events", "deaths", "censored")

#: Curves drawn in one chart at most (the whole and the largest groups).
MAX_CURVES = 6

_COLOURS = [OKABE_ITO[c] for c in ("black", "blue", "orange", "green", "vermilion",
                                   "purple", "sky")]


def group_status(result: TimeToEvent, min_count: int) -> dict[Hashable, Status]:
    """Suppression of every count of the groups table: keys ``(row number, column)``.

    Lines: each row's events + deaths + censored = its index events; and,
    when the groups (all rows but the whole, row 0) add up to the whole in
    every column, each column's groups = the whole's.
    """
    groups = result.groups
    values: dict[Hashable, int] = {}
    for column in COUNTS:  # four columns, each a vector
        values |= {(i, column): int(v) for i, v in enumerate(groups[column])}
    lines: list[tuple[Hashable, tuple[Hashable, ...]]] = [
        ((i, "indexes"), ((i, "events"), (i, "deaths"), (i, "censored")))
        for i in range(len(groups))]
    members = range(1, len(groups))
    if len(groups) > 1 and all(
            int(groups[c].iloc[1:].sum()) == int(groups[c].iloc[0]) for c in COUNTS):
        lines += [((0, c), tuple((i, c) for i in members)) for c in COUNTS]
    return suppress(values, lines, min_count=min_count)


def _count(value: int, state: Status, lang: str, min_count: int) -> str:
    from pathways.present.numbers import count_text

    return status_text(value, state, count_text(value, lang, min_count), min_count)


def _shown(value: int, state: Status, min_count: int) -> int | str:
    """A count for JSON or CSV: the number, ``<N`` or ``:``."""
    return status_text(value, state, str(value), min_count) if state != "shown" else value


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) \
        else float(value)


def _group_name(name: object, lang: str) -> str:
    if name is None:
        return CATALOGUE["unknown_value"][lang]
    if name == "all":
        return CATALOGUE["tte_all"][lang]
    return str(name)


def _scale(result: TimeToEvent) -> tuple[float, str]:
    """Hours per unit and the unit: days when the longest duration passes four days."""
    longest = float(result.durations["hours"].max()) if len(result.durations) else 0.0
    return (24.0, "days") if longest > 96 else (1.0, "hours")


def median_text(row: Any, lang: str) -> str:
    """A group's median with its 95 % interval, in days or hours: ``9,9 d (8,9–10,1)``."""
    median = _number(row.median_hours)
    if not row.curve:
        return "–"
    if median is None:
        return CATALOGUE["tte_not_reached"][lang]
    per, unit = (24.0, "d") if median >= 48 else (1.0, Messages(lang)("tte_hours_unit"))
    low, high = _number(row.median_lower95), _number(row.median_upper95)
    bounds = "–".join("?" if v is None else decimal_text(v / per, lang) for v in (low, high))
    return f"{decimal_text(median / per, lang)} {unit} ({bounds})"


def title_text(result: TimeToEvent, lang: str) -> str:
    """``Utskrivning → Fastlegekonsultasjon`` (with the rule's id when from a rule)."""
    words = f"{result.from_} → {result.to}"
    return f"{words} ({result.rule})" if result.rule else words


def groups_table(result: TimeToEvent, lang: str, min_count: int,
                 caption: str | None = None) -> Table:
    """The groups with their counts (suppressed) and medians with 95 % intervals."""
    t = Messages(lang)  # type: ignore[arg-type]
    status = group_status(result, min_count)
    table = Table(caption or title_text(result, lang), [
        Column(t(f"tte_by_{result.by}") if result.by else t("tte_group")),
        *[Column(t(f"tte_{c}"), True) for c in COUNTS], Column(t("tte_median"), True)],
        note=t("tte_note", min_count=min_count))
    for i, row in enumerate(result.groups.itertuples(index=False)):  # a printed table
        cells = [Cell(_group_name(row.group, lang))]
        for column in COUNTS:
            value = int(getattr(row, column))
            state = status.get((i, column), "shown")
            cells.append(Cell(_count(value, state, lang, min_count),
                              sort=0.5 if state != "shown" else value))
        median = _number(row.median_hours)
        cells.append(Cell(median_text(row, lang), sort=-1 if median is None else median))
        table.rows.append(cells)
    return table


def time_to_event_text(result: TimeToEvent, lang: str, min_count: int) -> str:
    """The result as text for ``pathways measures --time-to``: definition, then the groups."""
    from pathways.present.export import aligned  # the measures output's table layout

    t = Messages(lang)  # type: ignore[arg-type]
    lines = [f"{t('tte_heading')}: {title_text(result, lang)}",
             f"  {t('tte_definition')}"]
    table = groups_table(result, lang, min_count)
    lines += ["    " + line for line in aligned(table).splitlines()]
    return "\n".join(lines)


def time_to_event_json(result: TimeToEvent, min_count: int) -> dict[str, Any]:
    """The result as a JSON-ready object.

    ``name`` is ``time_to_event``; ``from``, ``to``, ``rule``, ``by``;
    ``groups``: per group ``group``, ``indexes``, ``events``, ``deaths``,
    ``censored`` (small counts as ``"<5"``, complementary ones as ``":"``),
    ``median_hours``, ``median_lower95``, ``median_upper95`` (null without a
    curve or where not reached); ``curves``: the step curves of the groups
    with one, ``group``, ``method`` (``kaplan_meier`` or
    ``cumulative_incidence``), ``hours``, ``value``, ``lower95``, ``upper95``.
    """
    status = group_status(result, min_count)
    groups = []
    for i, row in enumerate(result.groups.itertuples(index=False)):  # tens of groups
        entry: dict[str, Any] = {"group": row.group}
        for column in COUNTS:
            entry[column] = _shown(int(getattr(row, column)), status.get((i, column), "shown"),
                                   min_count)
        for column in ("median_hours", "median_lower95", "median_upper95"):
            entry[column] = _number(getattr(row, column)) if row.curve else None
        groups.append(entry)
    curves = result.curves.astype(object).where(result.curves.notna(), None)
    return {"name": "time_to_event", "from": result.from_, "to": result.to,
            "rule": result.rule, "by": result.by, "groups": groups,
            "curves": curves.to_dict(orient="records")}


def time_to_event_csv_rows(result: TimeToEvent, lang: str, min_count: int,
                           ) -> list[list[Any]]:
    """Rows for the measures CSV: per group, its median (unit hours) with its interval.

    ``measure`` is ``time_to_event:FROM→TO`` (or the rule id), ``headline``
    ``GROUP:median_hours``; ``count`` the events and ``of`` the index events
    (suppressed as ``<N``), ``lower95`` and ``upper95`` the median's interval.
    """
    status = group_status(result, min_count)
    name = f"time_to_event:{result.rule or f'{result.from_}→{result.to}'}"
    label = CATALOGUE["tte_median"][lang]
    rows = []
    for i, row in enumerate(result.groups.itertuples(index=False)):  # tens of groups
        median = _number(row.median_hours) if row.curve else None
        rows.append([name, f"{row.group}:median_hours", label, median,
                     _shown(int(row.events), status.get((i, "events"), "shown"), min_count),
                     _shown(int(row.indexes), status.get((i, "indexes"), "shown"), min_count),
                     "hours", None, None, None,
                     _number(row.median_lower95) if row.curve else None,
                     _number(row.median_upper95) if row.curve else None])
    return rows


def curve_chart(result: TimeToEvent, chart_id: str, lang: str,
                title: str | None = None) -> str | None:
    """The cumulative incidence (Aalen–Johansen) of each group with a curve, as SVG.

    None when no group has a curve. The whole is drawn black; at most
    :data:`MAX_CURVES` curves (the whole and the largest groups). The time
    axis ends where 95 % of the observed events have happened, so a few very
    late events do not squeeze the curves into a corner.
    """
    t = Messages(lang)  # type: ignore[arg-type]
    shown = result.groups[result.groups["curve"]]
    if shown.empty:
        return None
    names = list(shown.sort_values("indexes", ascending=False, kind="stable")["group"]
                 .head(MAX_CURVES))
    per, unit = _scale(result)
    curves = result.curves[result.curves["method"] == "cumulative_incidence"]
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(6.0, 3.0), dpi=72)
        axes = figure.add_subplot()
        for k, name in enumerate(names):  # a handful of curves
            part = curves[curves["group"] == name] if name is not None \
                else curves[curves["group"].isna()]
            if part.empty:
                continue
            axes.step(part["hours"] / per, part["value"], where="post",
                      color=_COLOURS[k % len(_COLOURS)], linewidth=2 if k == 0 else 1.2,
                      label=_group_name(name, lang))
        axes.set_ylim(0, 1)
        events = result.durations.loc[result.durations["outcome"] == "event", "hours"]
        if len(events):
            axes.set_xlim(0, max(float(events.quantile(0.95)), 1.0) / per)
        else:
            axes.set_xlim(left=0)
        axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        axes.set_xlabel(t(f"tte_axis_{unit}"))
        axes.set_ylabel(t("tte_axis_share"))
        axes.legend(loc="lower right", frameon=False, fontsize=8)
    return figure_svg(figure, chart_id, title or title_text(result, lang),
                      points=len(result.durations))


@dataclass(frozen=True)
class CurveView:
    """One time-to-event curve as shown: heading, chart and groups table."""

    heading: str
    chart: Markup | None
    table: Table


@dataclass(frozen=True)
class TimeToEventContext:
    """The report's time-to-event section: the built-in rules' expected events."""

    #: One curve a built-in rule's expected event that the log has cases for.
    curves: list[CurveView] = field(default_factory=list)
    #: What the curves are: censoring, death as a competing event, the median.
    note: str = ""


def time_to_event_section(results: list[tuple[str, TimeToEvent]], t: Messages,
                          opts: ReportOptions) -> TimeToEventContext:
    """The section from ``(key, result)`` pairs (see :data:`BUILTIN_CURVES`)."""
    views = []
    for key, result in results:  # three curves
        if not len(result.durations):
            continue
        heading = t(f"tte_{key}")
        chart = curve_chart(result, f"tte-{key}", opts.lang, heading)
        views.append(CurveView(heading=heading, chart=Markup(chart) if chart else None,
                               table=groups_table(result, opts.lang, opts.min_count,
                                                  caption=heading)))
    return TimeToEventContext(curves=views, note=t("tte_definition"))


def builtin_results(log: Any, *, min_count: int, by: str | None = "municipality",
                    ) -> list[tuple[str, TimeToEvent]]:
    """The built-in rules' expected events, each by ``by`` (the report's curves)."""
    from pathways.analyse.time_to_event import BUILTIN_CURVES, time_to_event

    return [(key, time_to_event(log, from_=start, to=end, by=by, min_count=min_count))
            for key, start, end in BUILTIN_CURVES]
