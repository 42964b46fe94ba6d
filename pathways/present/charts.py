"""The report's pictures as inline SVG strings: run charts, distributions, bars.

matplotlib draws them (``Figure`` objects, no pyplot state); the SVG is made
deterministic (fixed hash salt, no date) and fit for inlining: no XML prolog,
no global ``<style>``, ids prefixed so several charts can share a page, text
kept as ``<text>`` (matplotlib escapes it) in a generic sans-serif font, and an
accessible name (``role="img"``, ``aria-label`` and ``<title>``). Colours are
Okabe–Ito, safe for colour-blind readers. Small sparklines for table rows are
written directly, without matplotlib.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import matplotlib
from matplotlib.figure import Figure

from pathways.present.drawing import render_svg

#: Okabe–Ito palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermilion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}
KIND_COLOUR = {"time": OKABE_ITO["blue"], "information": OKABE_ITO["orange"],
               "resource": OKABE_ITO["green"]}

RC = {
    "svg.hashsalt": "pathways",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def figure_svg(figure: Figure, chart_id: str, title: str, *, points: int | None = None) -> str:
    """The figure as an inline ``<svg>`` element named ``title`` for screen readers.

    ``points`` (the data points drawn) is written as ``data-points`` so a test
    can check that no picture on the page is empty.
    """
    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", text, flags=re.S)
    text = re.sub(r'id="([^"]+)"', rf'id="{chart_id}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{chart_id}-\1"', text)
    text = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", text, count=1)
    label = escape(title, quote=True)
    count = "" if points is None else f'data-points="{int(points)}" '
    text = text.replace("<svg ", f'<svg role="img" aria-label="{label}" class="chart" {count}', 1)
    head_end = text.index(">") + 1
    return f"{text[:head_end]}<title>{label}</title>{text[head_end:]}"


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(RC):
        return Figure(figsize=(width, height), dpi=72)


@dataclass(frozen=True)
class RunChartLine:
    """A horizontal line across part of a run chart (a median)."""

    start: int
    stop: int
    value: float
    label: str


def run_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    chart_id: str,
    title: str,
    medians: Sequence[RunChartLine],
    signal_points: Sequence[int],
    interventions: Sequence[tuple[float, str]],
    axis_labels: tuple[str, str],
    legend: tuple[str, str, str],
) -> str:
    """A run chart of rates (0–1) with median lines, signals and interventions.

    Parameters
    ----------
    labels, values : sequences
        Period labels and rates (None where suppressed or without triggers).
    medians : sequence of RunChartLine
        Median lines (one per part when there are interventions).
    signal_points : sequence of int
        Positions drawn as signal points.
    interventions : sequence of (position, label)
        Vertical markers, at a fractional position between periods.
    axis_labels : (x, y)
    legend : (rate, signal, intervention) labels.
    """
    with matplotlib.rc_context(RC):
        fig = _figure(7.2, 2.8)
        ax = fig.add_subplot()
        xs = [i for i, v in enumerate(values) if v is not None]
        ys = [100 * float(v) for v in values if v is not None]
        ax.plot(xs, ys, color=OKABE_ITO["blue"], marker="o", markersize=4, linewidth=1.2,
                label=legend[0])
        flagged = [i for i in signal_points if values[i] is not None]
        if flagged:
            ax.plot(flagged, [100 * float(values[i]) for i in flagged], linestyle="none",
                    marker="o", markersize=7, markerfacecolor="none", markeredgewidth=1.6,
                    color=OKABE_ITO["vermilion"], label=legend[1])
        for line in medians:
            ax.hlines(100 * line.value, line.start - 0.3, line.stop + 0.3,
                      colors=OKABE_ITO["black"], linestyles="--", linewidth=1,
                      label=line.label)
        for k, (position, text) in enumerate(interventions):
            ax.axvline(position, color=OKABE_ITO["purple"], linewidth=1.4,
                       label=legend[2] if k == 0 else None)
            ax.annotate(text, (position, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points", fontsize=8,
                        va="top", color=OKABE_ITO["purple"])
        ax.set_xticks(range(len(labels)), list(labels), rotation=45, ha="right",
                      fontsize=8)
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(axis_labels[0])
        ax.set_ylabel(f"{axis_labels[1]} (%)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        return figure_svg(fig, chart_id, title, points=len(xs))


def waiting_boxplot(
    names: Sequence[str],
    stats: Sequence[Mapping[str, float]],
    cross_tier: Sequence[bool],
    *,
    chart_id: str,
    title: str,
    axis_label: str,
    legend: tuple[str, str],
) -> str:
    """Horizontal box plots of waiting hours per transition, on a log scale.

    ``stats`` holds, per transition, the percentiles ``p10``, ``p25``, ``p50``,
    ``p75``, ``p90`` (computed in the engine): box from P25 to P75, whiskers
    from P10 to P90.
    """
    from matplotlib.patches import Patch

    with matplotlib.rc_context(RC):
        fig = _figure(7.2, 0.9 + 0.28 * len(names))
        ax = fig.add_subplot()
        positions = list(range(len(names), 0, -1))
        boxes = [{"med": s["p50"], "q1": s["p25"], "q3": s["p75"], "whislo": s["p10"],
                  "whishi": s["p90"], "fliers": []} for s in stats]
        parts = ax.bxp(boxes, positions=positions, orientation="horizontal", widths=0.6,
                       patch_artist=True, showfliers=False)
        for box, cross in zip(parts["boxes"], cross_tier, strict=True):
            box.set_facecolor(OKABE_ITO["vermilion"] if cross else OKABE_ITO["sky"])
            box.set_edgecolor(OKABE_ITO["black"])
        for med in parts["medians"]:
            med.set_color(OKABE_ITO["black"])
        ax.set_yticks(positions, list(names), fontsize=8)
        ax.set_xscale("log")
        ax.set_xlabel(axis_label)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.legend(handles=[Patch(facecolor=OKABE_ITO["vermilion"], label=legend[0]),
                           Patch(facecolor=OKABE_ITO["sky"], label=legend[1])],
                  loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8,
                  frameon=False)
        return figure_svg(fig, chart_id, title, points=len(names))


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    chart_id: str,
    title: str,
    axis_label: str,
) -> str:
    """Horizontal grouped bars: ``series`` holds (legend label, colour, values)."""
    with matplotlib.rc_context(RC):
        fig = _figure(7.2, 0.9 + 0.32 * len(categories) * max(1, len(series)) / 1.5)
        ax = fig.add_subplot()
        height = 0.8 / max(1, len(series))
        for k, (label, colour, values) in enumerate(series):
            ys = [len(categories) - i - 0.4 + height * (k + 0.5) for i in range(len(categories))]
            ax.barh(ys, list(values), height=height, color=colour, label=label)
        ax.set_yticks([len(categories) - i for i in range(len(categories))], list(categories),
                      fontsize=8)
        ax.set_xlabel(axis_label)
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        return figure_svg(fig, chart_id, title,
                          points=sum(1 for _, _, vs in series for v in vs if v))


def histogram(
    values: Sequence[float],
    *,
    bins: Sequence[float],
    chart_id: str,
    title: str,
    axis_labels: tuple[str, str],
    legend: str,
) -> str:
    """A histogram with fixed bins (for fitness, 0–1)."""
    with matplotlib.rc_context(RC):
        fig = _figure(6.0, 2.4)
        ax = fig.add_subplot()
        ax.hist(list(values), bins=list(bins), color=OKABE_ITO["blue"],
                edgecolor="white", label=legend)
        ax.set_xlabel(axis_labels[0])
        ax.set_ylabel(axis_labels[1])
        ax.legend(loc="upper left", fontsize=8)
        return figure_svg(fig, chart_id, title, points=len(values))


def small_multiples(
    panels: Sequence[tuple[str, Sequence[float | None]]],
    labels: Sequence[str],
    *,
    chart_id: str,
    title: str,
    legend: str,
    columns: int = 3,
) -> str:
    """Several rules' rates (0–1) per period as small run charts on one figure.

    For rules with too few points for Anhøj's rules: each panel is titled,
    shares the period axis (first and last label only) and has at least one
    point (panels without one belong in a table, not here).
    """
    rows = max(1, -(-len(panels) // columns))
    with matplotlib.rc_context(RC):
        fig = _figure(7.2, 0.35 + 1.25 * rows)
        axes = fig.subplots(rows, columns, squeeze=False)
        points = 0
        for k, ax in enumerate(axes.flat):
            if k >= len(panels):
                ax.set_axis_off()
                continue
            name, values = panels[k]
            xs = [i for i, v in enumerate(values) if v is not None]
            ys = [100 * float(v) for v in values if v is not None]
            points += len(xs)
            ax.plot(xs, ys, color=OKABE_ITO["blue"], marker="o", markersize=3, linewidth=1,
                    label=legend)
            if k == 0:
                ax.legend(loc="upper left", fontsize=6, frameon=False)
            ax.set_title(name[:38], fontsize=7, loc="left")
            ax.set_xlim(-0.6, len(labels) - 0.4)
            ax.set_ylim(bottom=0, top=max(ys) * 1.25 if max(ys) > 0 else 1)
            ax.set_xticks([0, len(labels) - 1], [labels[0], labels[-1]], fontsize=6)
            ax.tick_params(axis="y", labelsize=6)
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.5)
        fig.subplots_adjust(hspace=0.9, wspace=0.3)
        return figure_svg(fig, chart_id, title, points=points)


def sparkline(counts: Sequence[int], *, label: str, colour: str = OKABE_ITO["blue"]) -> str:
    """A tiny histogram (bar heights relative to the largest) for a table cell."""
    width, height, gap = 96, 22, 1
    top = max(counts) if counts and max(counts) > 0 else 1
    bar = (width - gap * (len(counts) - 1)) / max(1, len(counts))
    heights = [round(height * count / top, 1) for count in counts]
    bars = [{"x": round(i * (bar + gap), 1), "y": round(height - h, 1),
             "width": round(bar, 1), "height": h} for i, h in enumerate(heights)]
    return render_svg("sparkline.svg", label=label, width=width, height=height,
                      bars=bars, colour=colour)
