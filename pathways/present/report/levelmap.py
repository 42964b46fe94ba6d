"""Section 2: the level map, simplified to what carries most of the flow."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from pathways.analyse.transitions import (
    level_activity_edges,
    level_activity_nodes,
)
from pathways.log import EventLog
from pathways.present.levelmap import level_map_dot, simplify_map
from pathways.present.messages import Messages
from pathways.present.numbers import (
    decimal_text,
    int_text,
    pct_text,
)
from pathways.present.report.context import ReportOptions, inline_svg

#: Edges drawn in the level map below ``full`` detail, at most (the note under
#: the map says how many were left out).
MAP_EDGES = 40


@dataclass(frozen=True)
class LevelMapContext:
    """Section 2: the swimlane map of DESIGN §5 as inline SVG."""

    #: The drawing (labels escaped by ``dot_string`` and again by Graphviz's
    #: XML output), scaled by its viewBox to the page's width; None when
    #: Graphviz is missing.
    svg: Markup | None
    #: What was left out, and why: the simplification's thresholds first.
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
