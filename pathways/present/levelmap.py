"""The level map: a process map drawn with care levels as swimlanes.

Nodes are (care level, activity) pairs grouped in one Graphviz cluster per
level, the levels grouped by tier (municipal, specialist). Edges carry the
number of times one event directly followed another and the median waiting
time; edges that cross between municipal and specialist services, where the
white paper places the greatest risk of failure, are drawn thick and in
vermilion. Every label is escaped, so nothing in a log can change the drawing
or make Graphviz read a file.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pathways.enrich.levels import level_by_id, taxonomy
from pathways.present.labels import short_lines
from pathways.present.numbers import NBSP, hours_text, pct_text

#: Okabe-Ito colours (safe for colour-blind readers).
TIER_FILL = {"municipal": "#FBE3B0", "specialist": "#CDE7F6", "none": "#EEEEEE"}
TIER_LINE = {"municipal": "#E69F00", "specialist": "#0072B2", "none": "#999999"}
CROSS_TIER = "#D55E00"
EDGE = "#555555"
UNKNOWN = "unknown"

TIER_LABEL = {
    "nb": {"municipal": "Kommunale tjenester", "specialist": "Spesialisthelsetjenesten",
           "none": "Hjemme", UNKNOWN: "Ukjent nivå"},
    "en": {"municipal": "Municipal services", "specialist": "Specialist services",
           "none": "At home", UNKNOWN: "Unknown level"},
}


def dot_string(text: str) -> str:
    r"""Quote a value for a DOT attribute: backslashes, quotes and newlines escaped.

    Each line is cut to :data:`~pathways.present.labels.LABEL_CHARS` characters.

    Examples
    --------
    >>> print(dot_string('say "hi" \\ bye'))
    "say \"hi\" \\ bye"
    """
    # Every line cut first (a label over 16 KB makes Graphviz fail, and a long
    # one is unreadable in a picture anyway): every drawing quotes through here.
    clean = "".join(ch if ch >= " " or ch == "\n" else " " for ch in short_lines(text))
    escaped = clean.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def format_hours(hours: float | None, lang: str = "en") -> str:
    """A waiting time for a label: minutes, hours or days, as the report's tables write it.

    Examples
    --------
    >>> format_hours(0.5), format_hours(5.25), format_hours(72)
    ('30 min', '5.2 h', '3.0 d')
    >>> format_hours(5.25, "nb"), format_hours(72, "nb")
    ('5,2 t', '3,0 d')
    """
    if hours is None or hours != hours:
        return ""
    return hours_text(hours, lang).replace(NBSP, " ")


def count_label(count: int, min_count: int) -> str:
    """A count for a picture: ``<5`` below the suppression threshold.

    Examples
    --------
    >>> count_label(3, 5), count_label(12, 5)
    ('<5', '12')
    """
    return f"<{min_count}" if count < min_count else str(count)


def edge_label(count: int, median_hours: float | None, min_count: int,
               lang: str = "en") -> str:
    """Count and median waiting; the median is left out when the count is suppressed."""
    if count < min_count:
        return count_label(count, min_count)
    return f"{count}\n{format_hours(median_hours, lang)}"


def _tier(level: str | None) -> str:
    lv = level_by_id().get(level or "")
    return lv.tier if lv else UNKNOWN


def level_map_dot(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    title: str = "",
    lang: str = "nb",
    max_edges: int = 80,
    break_rates: Mapping[tuple[str, str], float] | None = None,
    min_count: int = 5,
) -> str:
    """DOT source of the level map.

    Parameters
    ----------
    nodes : DataFrame
        ``care_level``, ``activity``, ``count`` (from ``level_activity_nodes``).
    edges : DataFrame
        ``source_level``, ``source``, ``target_level``, ``target``, ``count``,
        ``median_hours`` (from ``level_activity_edges``).
    max_edges : int
        Draw only the most frequent edges (and their nodes); the caption says
        how many were left out.
    break_rates : mapping, optional
        (from level, to level) → break rate, shown on cross-level edges.
    min_count : int
        Counts below this are shown as ``<min_count`` and their medians left out,
        so a picture can be shared (DESIGN §8).
    """
    shown = edges.head(max_edges)
    keep = set(zip(shown["source_level"].fillna(UNKNOWN), shown["source"], strict=True))
    keep |= set(zip(shown["target_level"].fillna(UNKNOWN), shown["target"], strict=True))
    node_rows = nodes.assign(care_level=nodes["care_level"].fillna(UNKNOWN))
    if len(edges):
        node_rows = node_rows[[
            (lv, act) in keep for lv, act in zip(node_rows["care_level"], node_rows["activity"],
                                                  strict=True)
        ]]
    ids = {(lv, act): f"n{i}" for i, (lv, act) in enumerate(
        zip(node_rows["care_level"], node_rows["activity"], strict=True))}
    labels = TIER_LABEL["en" if lang == "en" else "nb"]
    caption = title
    if len(edges) > len(shown):
        more = len(edges) - len(shown)
        caption += (f"\n{len(shown)} most frequent of {len(edges)} transitions shown "
                    f"({more} rarer left out)") if lang == "en" else (
                    f"\nDe {len(shown)} hyppigste av {len(edges)} overgangene vises "
                    f"({more} sjeldnere er utelatt)")
    lines = [
        "digraph levelmap {",
        f'  graph [rankdir=LR, fontname="DejaVu Sans", fontsize=12, newrank=true, '
        f'labelloc=t, label={dot_string(caption)}];',
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
    ]
    order = [lv.id for lv in taxonomy()] + [UNKNOWN]
    by_level: dict[str, list[tuple[str, int]]] = {}
    for lv, act, count in zip(node_rows["care_level"], node_rows["activity"],
                              node_rows["count"], strict=True):
        by_level.setdefault(lv, []).append((act, int(count)))
    for tier in ("municipal", "specialist", "none", UNKNOWN):
        levels = [lv for lv in order if lv in by_level and _tier(lv) == tier]
        if not levels:
            continue
        lines.append(f"  subgraph cluster_tier_{tier} {{")
        lines.append(f'    label={dot_string(labels[tier])}; style="rounded"; '
                     f'color="{TIER_LINE.get(tier, "#999999")}"; penwidth=2;')
        for lv in levels:
            level = level_by_id().get(lv)
            name = level.label(lang) if level else labels[UNKNOWN]
            lines.append(f"    subgraph cluster_{lv} {{")
            lines.append(f'      label={dot_string(name)}; style="rounded,dashed"; '
                         f'color="#888888";')
            for act, count in by_level[lv]:
                fill = TIER_FILL.get(tier, "#FFFFFF")
                label = dot_string(f"{act}\n{count_label(count, min_count)}")
                lines.append(f'      {ids[(lv, act)]} [label={label}, fillcolor="{fill}"];')
            lines.append("    }")
        lines.append("  }")
    top = max([int(c) for c in shown["count"]] or [1])
    for row in shown.itertuples(index=False):
        src = ids.get((row.source_level if isinstance(row.source_level, str) else UNKNOWN,
                       row.source))
        dst = ids.get((row.target_level if isinstance(row.target_level, str) else UNKNOWN,
                       row.target))
        if src is None or dst is None:
            continue
        s_tier, t_tier = _tier(row.source_level), _tier(row.target_level)
        cross = {s_tier, t_tier} == {"municipal", "specialist"}
        label = edge_label(int(row.count), row.median_hours, min_count, lang)
        pair = (row.source_level, row.target_level)
        if break_rates and pair in break_rates:
            word = "brudd" if lang == "nb" else "breaks"
            label += f"\n{word} {pct_text(break_rates[pair], lang).replace(NBSP, ' ')}"
        width = 1 + 4 * int(row.count) / top
        style = (f'color="{CROSS_TIER}", penwidth={width + 1.5:.1f}, style=bold'
                 if cross else f'color="{EDGE}", penwidth={width:.1f}')
        lines.append(f"  {src} -> {dst} [label={dot_string(label)}, {style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def level_view_dot(transitions: pd.DataFrame, level_counts: pd.DataFrame, *,
                   title: str = "", lang: str = "nb", min_count: int = 5) -> str:
    """DOT source of the level view: nodes are care levels, edges transitions.

    Parameters
    ----------
    transitions : DataFrame
        From :func:`pathways.analyse.transitions.transitions`.
    level_counts : DataFrame
        ``care_level``, ``count``: events per level.
    """
    lines = [
        "digraph levels {",
        f'  graph [rankdir=LR, fontname="DejaVu Sans", labelloc=t, label={dot_string(title)}];',
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=11];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
    ]
    ids = {}
    for i, (lv, count) in enumerate(zip(level_counts["care_level"], level_counts["count"],
                                        strict=True)):
        if not isinstance(lv, str):
            continue
        ids[lv] = f"l{i}"
        level = level_by_id().get(lv)
        tier = level.tier if level else UNKNOWN
        name = level.label(lang) if level else lv
        label = dot_string(f"{name}\n{count_label(int(count), min_count)}")
        lines.append(f"  l{i} [label={label}, "
                     f'fillcolor="{TIER_FILL.get(tier, "#FFFFFF")}", '
                     f'color="{TIER_LINE.get(tier, "#999999")}"];')
    top = max([int(c) for c in transitions["count"]] or [1])
    for row in transitions.itertuples(index=False):
        if row.from_level not in ids or row.to_level not in ids:
            continue
        label = edge_label(int(row.count), row.median_hours, min_count, lang)
        width = 1 + 4 * int(row.count) / top
        style = (f'color="{CROSS_TIER}", penwidth={width + 1.5:.1f}, style=bold'
                 if row.cross_tier else f'color="{EDGE}", penwidth={width:.1f}')
        lines.append(f"  {ids[row.from_level]} -> {ids[row.to_level]} "
                     f"[label={dot_string(label)}, {style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
