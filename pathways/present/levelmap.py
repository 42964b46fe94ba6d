"""The level map: a process map drawn with care levels as swimlanes.

Nodes are (care level, activity) pairs grouped in one Graphviz cluster per
level, the levels grouped by tier (municipal, specialist). Edges carry the
number of times one event directly followed another and the median waiting
time; edges that cross between municipal and specialist services, where the
white paper places the greatest risk of failure, are drawn thick and in
vermilion. Every label is escaped, so nothing in a log can change the drawing
or make Graphviz read a file.

Counts below ``min_count`` are drawn as ``<min_count``; where a box's count
is the sum of the drawn edges out of it (or into it), as for an activity
always followed by another, a second count is hidden as ``:``
(:func:`map_status`), so no ``<5`` comes back by subtraction.

**Simplified by default**, as Disco's and pm4py's maps are
(:func:`simplify_map`): a detail level ``d`` from 0 to 100 (or ``low`` 60,
``medium`` 80, ``high`` 95, ``full`` 100) keeps the activities that hold at
least ``(100 - d) / 20`` % of the events (1 % at ``medium``) and, between them,
the edges that carry at least that share of the flow (all directly-follows
steps), plus each kept activity's busiest edge in and out so no box floats
alone. ``full`` draws everything. The edges are the engine's
(:func:`pathways.analyse.transitions.level_activity_edges`); the selection only
filters that small table.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from pathways.enrich.levels import level_by_id, taxonomy
from pathways.errors import OptionError
from pathways.present.labels import short_lines
from pathways.present.messages import Messages, in_lang
from pathways.present.numbers import NBSP, hours_text, pct_text
from pathways.present.suppression import Line, Status, status_text, sum_line, suppress

#: Okabe-Ito colours (safe for colour-blind readers).
TIER_FILL = {"municipal": "#FBE3B0", "specialist": "#CDE7F6", "none": "#EEEEEE"}
TIER_LINE = {"municipal": "#E69F00", "specialist": "#0072B2", "none": "#999999"}
CROSS_TIER = "#D55E00"
EDGE = "#555555"
UNKNOWN = "unknown"
#: The clusters of the map, in drawing order.
TIERS = ("municipal", "specialist", "none", UNKNOWN)

#: Named detail levels: the share (%) of events and of flow kept.
MAP_DETAIL_WORDS = {"low": 60.0, "medium": 80.0, "high": 95.0, "full": 100.0}

#: The level map's default detail.
DEFAULT_MAP_DETAIL = "medium"


def parse_map_detail(value: str | float) -> float:
    """A ``--map-detail`` as a percentage from 0 to 100.

    Examples
    --------
    >>> parse_map_detail("medium"), parse_map_detail("90"), parse_map_detail("full")
    (80.0, 90.0, 100.0)
    """
    text = str(value).strip().lower()
    if text in MAP_DETAIL_WORDS:
        return MAP_DETAIL_WORDS[text]
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        number = -1.0
    if not 0 <= number <= 100:
        raise OptionError(
            "map_detail must be a number from 0 to 100 or one of "
            f"{', '.join(repr(w) for w in MAP_DETAIL_WORDS)}; got {value!r}.")
    return number


@dataclass(frozen=True)
class MapSelection:
    """What a simplified level map keeps."""

    #: The kept rows of the node table.
    nodes: pd.DataFrame
    #: The kept rows of the edge table.
    edges: pd.DataFrame
    #: The detail level used (0–100).
    detail: float
    threshold: float
    #: Activities before simplifying.
    nodes_total: int
    #: Edges before simplifying.
    edges_total: int
    #: Share of all events in the kept activities (0–1).
    event_share: float
    #: Share of all directly-follows steps on the kept edges (0–1).
    flow_share: float

    @property
    def complete(self) -> bool:
        """Whether nothing was left out."""
        return len(self.nodes) == self.nodes_total and len(self.edges) == self.edges_total


def min_share(detail: float) -> float:
    """The smallest share (0–1) of events or flow an activity or edge needs at ``detail``.

    Examples
    --------
    >>> min_share(80), min_share(100), min_share(0)
    (0.01, 0.0, 0.05)
    """
    return round((100 - detail) / 100 * 0.05, 6)


def simplify_map(nodes: pd.DataFrame, edges: pd.DataFrame, *,
                 detail: str | float = DEFAULT_MAP_DETAIL) -> MapSelection:
    """The activities and edges that carry most of the flow (see the module notes).

    Parameters
    ----------
    nodes : DataFrame
        ``care_level``, ``activity``, ``count``.
    edges : DataFrame
        ``source_level``, ``source``, ``target_level``, ``target``, ``count``, ...
    detail : str or float
        0–100, or ``low`` (60), ``medium`` (80), ``high`` (95), ``full`` (100).

    Examples
    --------
    At detail 0 an activity needs 5 % of the events: C (3 of 100) goes.

    >>> nodes = pd.DataFrame({"care_level": ["gp"] * 3, "activity": list("ABC"),
    ...                       "count": [50, 47, 3]})
    >>> edges = pd.DataFrame({"source_level": ["gp"] * 3, "source": list("ABA"),
    ...                       "target_level": ["gp"] * 3, "target": list("BAC"),
    ...                       "count": [40, 30, 3], "median_hours": [1.0, 2.0, 3.0]})
    >>> kept = simplify_map(nodes, edges, detail=0)
    >>> list(kept.nodes["activity"]), len(kept.edges), kept.event_share
    (['A', 'B'], 2, 0.97)
    """
    detail_pct = parse_map_detail(detail)
    share = min_share(detail_pct)
    nodes = nodes.assign(care_level=nodes["care_level"].fillna(UNKNOWN)).sort_values(
        ["count", "activity"], ascending=[False, True], ignore_index=True)
    edges = edges.assign(source_level=edges["source_level"].fillna(UNKNOWN),
                         target_level=edges["target_level"].fillna(UNKNOWN)).sort_values(
        ["count", "source", "target"], ascending=[False, True, True], ignore_index=True)
    kept_nodes = nodes[nodes["count"] >= share * float(nodes["count"].sum())]
    keys = kept_nodes[["care_level", "activity"]]
    inside = (edges.merge(keys.rename(columns={"care_level": "source_level",
                                               "activity": "source"}))
              .merge(keys.rename(columns={"care_level": "target_level",
                                          "activity": "target"})))
    inside = inside.sort_values(["count", "source", "target"], ascending=[False, True, True],
                                ignore_index=True)
    by_flow = inside["count"] >= share * float(edges["count"].sum())
    # each kept activity keeps its busiest edge out and in, so no box floats alone
    busiest_out = ~inside.duplicated(["source_level", "source"])
    busiest_in = ~inside.duplicated(["target_level", "target"])
    kept_edges = inside[by_flow | busiest_out | busiest_in].reset_index(drop=True)
    return MapSelection(
        nodes=kept_nodes.reset_index(drop=True), edges=kept_edges, detail=detail_pct,
        threshold=share,
        nodes_total=len(nodes), edges_total=len(edges),
        event_share=float(kept_nodes["count"].sum()) / (float(nodes["count"].sum()) or 1.0),
        flow_share=float(kept_edges["count"].sum()) / (float(edges["count"].sum()) or 1.0))


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
               lang: str = "en", state: Status = "shown") -> str:
    """Count and median waiting; the median is left out when the count is suppressed.

    ``state`` is the count's status from :func:`map_status` (``:`` when hidden).
    """
    if count < min_count or state != "shown":
        return status_text(count, "small" if count < min_count else state, "", min_count)
    return f"{count}\n{format_hours(median_hours, lang)}"


def map_status(nodes: Mapping[Hashable, int],
               edges: Sequence[tuple[Hashable, Hashable, int]], min_count: int,
               ) -> tuple[dict[Hashable, Status], list[Status]]:
    """Suppression of a map's box counts and drawn edge counts, together.

    Lines: a box's count and the drawn edges out of it, and those into it,
    where they add up (an activity always followed, or always preceded, by
    another drawn one). Returns each box's status and each edge's.

    Examples
    --------
    Seven GP visits, six followed by the emergency department and one by
    out-of-hours care: the six are hidden too, on the edge and on the box they
    all come into.

    >>> map_status({"gp": 7, "ed": 6, "ooh": 1}, [("gp", "ed", 6), ("gp", "ooh", 1)], 5)
    ({'gp': 'shown', 'ed': 'hidden', 'ooh': 'small'}, ['hidden', 'small'])
    """
    values: dict[Hashable, int] = {("node", k): int(v) for k, v in nodes.items()}
    values |= {("edge", i): int(count) for i, (_, _, count) in enumerate(edges)}
    lines: list[Line] = []
    for node in nodes:  # the boxes of a drawing: tens
        for end in (0, 1):
            members = [("edge", i) for i, edge in enumerate(edges) if edge[end] == node]
            lines += sum_line(("node", node), members, values)
    status = suppress(values, lines, min_count=min_count)
    return ({k: status[("node", k)] for k in nodes},
            [status[("edge", i)] for i in range(len(edges))])


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
    note: str = "",
) -> str:
    """DOT source of the level map.

    Laid out so that labels never cover a box: edge labels are Graphviz
    ``label`` (dot makes room for them in the layout; ``xlabel`` would be
    placed afterwards and may overlap), with generous ``nodesep`` and
    ``ranksep`` and curved ``splines``.

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
    note : str
        A line under the title, such as what a simplification kept.
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
    t = Messages("en" if lang == "en" else "nb")
    labels = {tier: t(f"map_tier_{tier}") for tier in TIERS}
    caption = title
    if len(edges) > len(shown):
        caption += "\n" + t("map_most_frequent", shown=len(shown), total=len(edges),
                            more=len(edges) - len(shown))
    if note:
        caption += f"\n{note}"
    lines = [
        "digraph levelmap {",
        f'  graph [rankdir=TB, fontname="DejaVu Sans", fontsize=12, newrank=true, '
        f'labelloc=t, label={dot_string(caption.strip())}, nodesep=0.35, ranksep=0.7, '
        'splines=spline, pad=0.2];',
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
    ]
    order = [lv.id for lv in taxonomy()] + [UNKNOWN]
    by_level: dict[str, list[tuple[str, int]]] = {}
    for lv, act, count in zip(node_rows["care_level"], node_rows["activity"],
                              node_rows["count"], strict=True):
        by_level.setdefault(lv, []).append((act, int(count)))
    drawn = [(row, src, dst) for row in shown.itertuples(index=False)  # at most max_edges
             if (src := ids.get((row.source_level if isinstance(row.source_level, str)
                                 else UNKNOWN, row.source))) is not None
             and (dst := ids.get((row.target_level if isinstance(row.target_level, str)
                                  else UNKNOWN, row.target))) is not None]
    node_states, edge_states = map_status(
        {ids[(lv, act)]: count for lv, acts in by_level.items() for act, count in acts},
        [(src, dst, int(row.count)) for row, src, dst in drawn], min_count)
    for tier in TIERS:
        levels = [lv for lv in order if lv in by_level and _tier(lv) == tier]
        if not levels:
            continue
        lines.append(f"  subgraph cluster_tier_{tier} {{")
        lines.append(f'    label={dot_string(labels[tier])}; style="rounded"; '
                     f'color="{TIER_LINE.get(tier, "#999999")}"; penwidth=2;')
        for lv in levels:
            level = level_by_id().get(lv)
            name = in_lang(level, lang) if level else labels[UNKNOWN]
            lines.append(f"    subgraph cluster_{lv} {{")
            lines.append(f'      label={dot_string(name)}; style="rounded,dashed"; '
                         f'color="#888888";')
            for act, count in by_level[lv]:
                fill = TIER_FILL.get(tier, "#FFFFFF")
                state = node_states[ids[(lv, act)]]
                label = dot_string(f"{act}\n{status_text(count, state, str(count), min_count)}")
                lines.append(f'      {ids[(lv, act)]} [label={label}, fillcolor="{fill}"];')
            lines.append("    }")
        lines.append("  }")
    top = max([int(c) for c in shown["count"]] or [1])
    for (row, src, dst), state in zip(drawn, edge_states, strict=True):
        s_tier, t_tier = _tier(row.source_level), _tier(row.target_level)
        cross = {s_tier, t_tier} == {"municipal", "specialist"}
        label = edge_label(int(row.count), row.median_hours, min_count, lang, state)
        pair = (row.source_level, row.target_level)
        if break_rates and pair in break_rates:
            label += f"\n{t('map_breaks')} {pct_text(break_rates[pair], lang).replace(NBSP, ' ')}"
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
    ids = {lv: f"l{i}" for i, lv in enumerate(level_counts["care_level"])
           if isinstance(lv, str)}  # the care levels: a dozen
    drawn = [row for row in transitions.itertuples(index=False)
             if row.from_level in ids and row.to_level in ids]
    node_states, edge_states = map_status(
        {lv: int(c) for lv, c in zip(level_counts["care_level"], level_counts["count"],
                                      strict=True) if lv in ids},
        [(row.from_level, row.to_level, int(row.count)) for row in drawn], min_count)
    for i, (lv, count) in enumerate(zip(level_counts["care_level"], level_counts["count"],
                                        strict=True)):
        if not isinstance(lv, str):
            continue
        level = level_by_id().get(lv)
        tier = level.tier if level else UNKNOWN
        name = in_lang(level, lang) if level else lv
        shown = status_text(int(count), node_states[lv], str(int(count)), min_count)
        label = dot_string(f"{name}\n{shown}")
        lines.append(f"  l{i} [label={label}, "
                     f'fillcolor="{TIER_FILL.get(tier, "#FFFFFF")}", '
                     f'color="{TIER_LINE.get(tier, "#999999")}"];')
    top = max([int(c) for c in transitions["count"]] or [1])
    for row, state in zip(drawn, edge_states, strict=True):
        label = edge_label(int(row.count), row.median_hours, min_count, lang, state)
        width = 1 + 4 * int(row.count) / top
        style = (f'color="{CROSS_TIER}", penwidth={width + 1.5:.1f}, style=bold'
                 if row.cross_tier else f'color="{EDGE}", penwidth={width:.1f}')
        lines.append(f"  {ids[row.from_level]} -> {ids[row.to_level]} "
                     f"[label={dot_string(label)}, {style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
