"""A comparison in words and pictures: funnel plots, before and after, as JSON or one HTML page.

:func:`pathways.analyse.compare.compare` gives the numbers; this module says
them: which groups lie outside the funnel's control limits ("Halden ligger
over øvre kontrollgrense for …"), how much a share changed and whether the
change is more than chance, and draws each funnel with matplotlib. Suppressed
groups are never plotted and never named with a figure.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from matplotlib.figure import Figure

from pathways.analyse.compare import (
    AFTER,
    BEFORE,
    CHANGE,
    FOLLOWUP_DAYS,
    RATES,
    READMISSION_DAYS,
    Comparison,
)
from pathways.analyse.statistics import funnel_limits
from pathways.enrich.levels import level_by_id
from pathways.errors import OptionError
from pathways.present.charts import OKABE_ITO, figure_svg
from pathways.present.levelmap import (
    CROSS_TIER,
    EDGE,
    TIER_FILL,
    TIER_LINE,
    UNKNOWN,
    count_label,
    dot_string,
    format_hours,
)
from pathways.present.messages import LANGUAGES, Messages, in_lang
from pathways.present.numbers import decimal_text, pct_text
from pathways.present.output import atomic_path, check_extension, check_writable
from pathways.present.report.context import inline_svg

__all__ = ["CompareSection", "compare_findings", "compare_section", "write_compare"]

FORMATS = (".json", ".html", ".htm")


@dataclass(frozen=True)
class GroupRow:
    """One group's line in an indicator's table, in words."""

    group: str
    count: str
    of: str
    value: str
    limits: str
    verdict: str


@dataclass(frozen=True)
class IndicatorView:
    """One indicator: its title, its findings in words, its picture and its table."""

    anchor: str
    title: str
    findings: tuple[str, ...]
    svg: Markup | None
    rows: tuple[GroupRow, ...]


@dataclass(frozen=True)
class CompareSection:
    """The comparison as the page shows it."""

    by: str
    heading: str
    intro: str
    indicators: tuple[IndicatorView, ...]
    findings: tuple[str, ...]
    too_few: tuple[str, ...]
    flow_svg: Markup | None = None


def write_compare(comparison: Comparison, path: str | Path, *, lang: str = "nb",
                  source: str = "") -> Path:
    """Write a comparison as ``.json`` (DESIGN §9's keys) or a self-contained ``.html`` page."""
    target = Path(path)
    check_extension(target, FORMATS, "the comparison")
    if lang not in LANGUAGES:
        raise OptionError(f"lang must be one of 'nb', 'en'; got {lang!r}.")
    check_writable(target)
    if target.suffix.lower() == ".json":
        text = json.dumps(comparison.to_records(), ensure_ascii=False, indent=1) + "\n"
    else:
        text = compare_page(comparison, lang=lang, source=source)
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def compare_page(comparison: Comparison, *, lang: str, source: str) -> str:
    """The comparison as one HTML page (inline SVG and CSS, no network)."""
    t = Messages(lang)  # type: ignore[arg-type]
    section = compare_section(comparison, t)
    env = Environment(loader=PackageLoader("pathways.present", "templates"),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    css = resources.files("pathways.present").joinpath("static", "report.css").read_text("utf-8")
    return env.get_template("compare.html").render(
        s=section, t=t, lang=lang, source=source, css=Markup(css),
        min_count=comparison.min_count)


def indicator_title(comparison: Comparison, name: str, t: Messages) -> str:
    """An indicator's title in ``t``'s language, else its name.

    A rule's and a measure's come with the comparison (from the rule file and
    the measure); the fixed indicators' are the catalogue's.
    """
    given = comparison.titles
    if name == f"readmissions_{READMISSION_DAYS}d":
        return t("compare_title_readmissions", days=READMISSION_DAYS)
    if name == "discharge_ready_days_per_1000":
        return t("compare_title_discharge_ready_rate")
    followup = {f"followup_after_discharge_{k}d": k for k in FOLLOWUP_DAYS}
    if name in followup and "followup_after_discharge" in given:
        return t("compare_title_followup", days=followup[name],
                 title=given["followup_after_discharge"][t.lang])
    return given.get(name, {}).get(t.lang, name)


def compare_section(comparison: Comparison, t: Messages) -> CompareSection:
    """Every indicator of a comparison in words, with its funnel or before/after table."""
    views, too_few = [], []
    rows = comparison.rows
    for number, (name, part) in enumerate(rows.groupby("indicator", sort=False)):
        title = indicator_title(comparison, str(name), t)
        if (~part["suppressed"] & (part["group"] != CHANGE)).sum() < 2:
            too_few.append(title)  # no picture and no table of hidden numbers
            continue
        two = (part["group"] == CHANGE).any() or set(part["group"]) <= {BEFORE, AFTER}
        findings = (_change_words(part, title, t) if two
                    else _outside_words(part, title, t))
        svg = None if two else _funnel_svg(part, comparison, str(name), title, t, number)
        views.append(IndicatorView(
            anchor=f"cmp-{number}", title=title, findings=tuple(findings), svg=svg,
            rows=tuple(_group_rows(part, t, two, comparison.min_count))))
    by_word = t(f"compare_by_{comparison.by}")
    intro = (t("compare_intro_period", at=comparison.at.isoformat())
             if comparison.by == "period" and comparison.at else
             t("compare_intro_funnel", by=by_word))
    views.sort(key=lambda view: not view.findings)  # indicators with a finding first
    findings = tuple(f for view in views for f in view.findings)
    return CompareSection(by=comparison.by, heading=t("compare_heading", by=by_word),
                          intro=intro, indicators=tuple(views), findings=findings,
                          too_few=tuple(too_few),
                          flow_svg=None if comparison.flows is None else flow_change_svg(
                              comparison.flows, t, comparison.min_count))


def compare_findings(comparison: Comparison, t: Messages) -> tuple[str, ...]:
    """Only the sentences worth reading first: groups outside the limits, significant changes."""
    return compare_section(comparison, t).findings


def _outside_words(part: object, title: str, t: Messages) -> list[str]:
    shown = part[~part["suppressed"] & part["outside"].notna()]  # type: ignore[index]
    return [t(f"compare_outside_{row['outside']}", group=row["group"], title=title)
            for row in shown.to_dict("records")]


def _change_words(part: object, title: str, t: Messages) -> list[str]:
    change = part[(part["group"] == CHANGE) & ~part["suppressed"]]  # type: ignore[index]
    words = []
    for row in change.to_dict("records"):
        if row["outside"] is None:
            continue
        groups = part[part["group"] != CHANGE]  # type: ignore[index]
        first, second = groups.iloc[0], groups.iloc[1]
        words.append(t(f"compare_change_{row['outside']}", title=title,
                       first=_group_name(first["group"], t),
                       second=_group_name(second["group"], t),
                       before=pct_text(first["value"], t.lang),
                       after=pct_text(second["value"], t.lang),
                       low=_points(row["lower95"], t), high=_points(row["upper95"], t),
                       p=_p_text(row["p_value"], t.lang)))
    return words


def _group_rows(part: object, t: Messages, two: bool, min_count: int) -> list[GroupRow]:
    out = []
    for row in part.to_dict("records"):  # type: ignore[attr-defined]
        hidden = bool(row["suppressed"])
        if row["group"] == CHANGE:
            out.append(GroupRow(
                group=t("compare_change"), count="", of="",
                value="–" if hidden else _points(row["value"], t),
                limits="–" if hidden else f"{_points(row['lower95'], t)} – "
                                          f"{_points(row['upper95'], t)}",
                verdict="" if hidden else t("compare_p", p=_p_text(row["p_value"], t.lang))))
            continue
        count = f"<{min_count}" if hidden else str(int(row["count"]))
        name = str(row["indicator"])
        limits = (f"{_value_text(name, row['lower95'], t)} – "
                  f"{_value_text(name, row['upper95'], t)}")
        verdict = "" if hidden or not row["outside"] else t(f"compare_verdict_{row['outside']}")
        out.append(GroupRow(group=_group_name(row["group"], t), count=count, of=str(int(row["of"])),
                            value="–" if hidden else _value_text(name, row["value"], t),
                            limits=limits, verdict=verdict))
    del two
    return out


def _value_text(indicator: str, value: float, t: Messages) -> str:
    """A share as a percentage; a rate of :data:`RATES` per 1,000 residents."""
    if indicator in RATES:
        return f"{decimal_text(value * RATES[indicator], t.lang, 1)} {t('compare_per_1000')}"
    return pct_text(value, t.lang, 1)


def _group_name(group: object, t: Messages) -> str:
    """A group's name; ``before`` and ``after`` in the page's language."""
    return t(f"compare_{group}") if group in (BEFORE, AFTER) else str(group)


def _funnel_svg(part: object, comparison: Comparison, name: str, title: str, t: Messages,
                number: int) -> Markup | None:
    """The funnel: shown groups as points, the whole's share and the limits as curves."""
    shown = part[~part["suppressed"]]  # type: ignore[index]
    if shown.empty or name not in comparison.targets:
        return None
    target, tau2 = comparison.targets[name], comparison.tau2.get(name, 0.0)
    most = float(part["of"].max())  # type: ignore[index]
    grid = np.linspace(max(1.0, comparison.min_count), max(most * 1.1, 10.0), 200)
    rate = name in RATES
    limits = funnel_limits(target, tau2, grid, scale="rate" if rate else "share")
    per = RATES[name] if rate else 100  # the y axis: per 1,000 residents, or percent
    figure = Figure(figsize=(5.0, 2.8))
    axes = figure.subplots()
    axes.plot(grid, per * limits["upper998"], color=OKABE_ITO["vermilion"], lw=1,
              label=t("compare_limit_998"))
    axes.plot(grid, per * limits["lower998"], color=OKABE_ITO["vermilion"], lw=1)
    axes.plot(grid, per * limits["upper95"], color=OKABE_ITO["orange"], lw=1, ls="--",
              label=t("compare_limit_95"))
    axes.plot(grid, per * limits["lower95"], color=OKABE_ITO["orange"], lw=1, ls="--")
    axes.axhline(per * target, color=OKABE_ITO["grey"], lw=1, label=t("compare_target"))
    axes.scatter(shown["of"], per * shown["value"], s=18, color=OKABE_ITO["blue"], zorder=3)
    for row in shown.to_dict("records"):
        axes.annotate(str(row["group"])[:24], (row["of"], per * row["value"]), fontsize=7,
                      xytext=(3, 3), textcoords="offset points")
    axes.set_xlabel(t("compare_residents" if rate else "compare_denominator"))
    axes.set_ylabel(t("compare_per_1000") if rate else "%")
    axes.legend(fontsize=7, frameon=False, loc="upper right")
    return Markup(figure_svg(figure, f"funnel-{number}", t("compare_funnel_title", title=title),
                             points=len(shown)))


def _points(value: float, t: Messages) -> str:
    """A difference of shares in percentage points, signed."""
    sign = "−" if value < 0 else "+"
    return f"{sign}{decimal_text(100 * abs(value), t.lang, 1)} {t('compare_points')}"


def _p_text(p: float, lang: str) -> str:
    """A p-value with three decimals, or below 0.001."""
    return f"< {decimal_text(0.001, lang, 3)}" if p < 0.001 else decimal_text(p, lang, 3)


def flow_change_dot(flows: pd.DataFrame, *, lang: str, min_count: int,
                    max_edges: int = 16) -> str:
    """DOT of the difference level map: one box per care level, an edge per level pair.

    An edge is vermilion when its share of all transitions rose more than
    chance would (95 % interval above 0), blue when it fell, grey otherwise;
    its label gives the counts before → after, the change in percentage
    points, and the median waits, marked ``*`` when Mood's median test finds
    them different (p < 0.05). A count between 1 and ``min_count - 1`` hides
    the share change and the medians of that edge (drawn dashed). The
    ``max_edges`` drawn are the clear changes first, then the largest flows.
    """
    t = Messages(lang)  # type: ignore[arg-type]
    levels = level_by_id()
    clear = (flows["share_lower"] > 0) | (flows["share_upper"] < 0)
    larger = flows[["count_before", "count_after"]].max(axis=1)
    order = pd.DataFrame({"clear": clear, "larger": larger}).sort_values(
        ["clear", "larger"], ascending=False, kind="stable").index
    shown = flows.loc[order].head(max_edges)
    names = sorted({*shown["from_level"], *shown["to_level"]})
    ids = {name: f"l{i}" for i, name in enumerate(names)}
    lines = ["digraph change {",
             '  graph [rankdir=TB, fontname="DejaVu Sans", nodesep=0.4, ranksep=0.5];',
             '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=11];',
             '  edge [fontname="DejaVu Sans", fontsize=9];']
    for name, node in ids.items():
        level = levels.get(name)
        tier = level.tier if level else UNKNOWN
        label = in_lang(level, lang) if level else name
        lines.append(f"  {node} [label={dot_string(label)}, "
                     f'fillcolor="{TIER_FILL.get(tier, "#FFFFFF")}", '
                     f'color="{TIER_LINE.get(tier, "#999999")}"];')
    for row in shown.to_dict("records"):
        before, after = int(row["count_before"]), int(row["count_after"])
        small = 0 < before < min_count or 0 < after < min_count
        counts = f"{count_label(before, min_count) if before else 0} → " \
                 f"{count_label(after, min_count) if after else 0}"
        if small:
            label, style = counts, f'color="{EDGE}", style=dashed'
        else:
            star = "*" if row["wait_p"] == row["wait_p"] and row["wait_p"] < 0.05 else ""
            waits = (f"{format_hours(row['median_before'], lang) or '–'} → "
                     f"{format_hours(row['median_after'], lang) or '–'}{star}")
            points = _points(row["share_change"], t).replace(t("compare_points"), "pp")
            label = f"{counts} ({points})\n{waits}"
            rising = row["share_lower"] > 0
            falling = row["share_upper"] < 0
            colour = CROSS_TIER if rising else "#0072B2" if falling else EDGE
            width = 3.0 if rising or falling else 1.0
            style = f'color="{colour}", penwidth={width:.1f}'
        lines.append(f"  {ids[row['from_level']]} -> {ids[row['to_level']]} "
                     f"[label={dot_string(label)}, {style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def flow_change_svg(flows: pd.DataFrame, t: Messages, min_count: int) -> Markup | None:
    """The difference level map as inline SVG (None without Graphviz or flows)."""
    dot = shutil.which("dot")
    if dot is None or flows.empty:
        return None
    source = flow_change_dot(flows, lang=t.lang, min_count=min_count)
    result = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"),
                            capture_output=True, check=False, timeout=300)
    if result.returncode != 0:
        return None
    svg = str(inline_svg(result.stdout.decode("utf-8"), t("compare_flow_title")))
    # Scaled to the page's width (its viewBox stays), not scrolled: a picture to read at once.
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", svg, count=1)
    return Markup(svg.replace('class="levelmap"',
                              f'class="chart flowmap" data-points="{len(flows)}"', 1))
