"""Drawings of pm4py's models (BPMN, Petri net) as DOT, with every label escaped.

pm4py's own visualisers hand activity names to Graphviz unescaped, so a name
with quotes, backslashes or ``<`` breaks the drawing or, through HTML-like
labels, could make Graphviz read a file. These drawings walk the model objects
and quote every label with :func:`pathways.present.levelmap.dot_string`.
"""

from __future__ import annotations

from typing import Any

from pathways.present.levelmap import dot_string

_HEADER = [
    '  graph [rankdir=LR, fontname="DejaVu Sans", labelloc=t];',
    '  node [fontname="DejaVu Sans", fontsize=10];',
    '  edge [color="#555555"];',
]


def bpmn_dot(bpmn: Any, *, title: str = "") -> str:
    """DOT source of a pm4py BPMN model: tasks, gateways, start and end events."""
    from pm4py.objects.bpmn.obj import BPMN

    lines = ["digraph bpmn {", *_HEADER, f"  graph [label={dot_string(title)}];"]
    ids: dict[Any, str] = {}
    nodes = list(bpmn.get_nodes())
    order = _structural_order({n: f"{type(n).__name__}:{n.get_name()}" for n in nodes},
                              [(f.get_source(), f.get_target()) for f in bpmn.get_flows()])
    for i, node in enumerate(sorted(nodes, key=order.__getitem__)):
        ids[node] = f"b{i}"
        if isinstance(node, BPMN.StartEvent):
            shape = 'shape=circle, label="", width=0.3, style=filled, fillcolor="#CDE7F6"'
        elif isinstance(node, BPMN.EndEvent):
            shape = 'shape=circle, label="", width=0.3, penwidth=3'
        elif isinstance(node, BPMN.ParallelGateway):
            shape = 'shape=diamond, label="+", width=0.4, height=0.4'
        elif isinstance(node, BPMN.Gateway):
            shape = 'shape=diamond, label="×", width=0.4, height=0.4'
        else:
            shape = (f'shape=box, style="rounded,filled", fillcolor="#F5F5F5", '
                     f"label={dot_string(node.get_name())}")
        lines.append(f"  b{i} [{shape}];")
    flows = sorted((int(ids[f.get_source()][1:]), int(ids[f.get_target()][1:]))
                   for f in bpmn.get_flows()
                   if f.get_source() in ids and f.get_target() in ids)
    lines.extend(f"  b{source} -> b{target};" for source, target in flows)
    lines.append("}")
    return "\n".join(lines) + "\n"


def petri_net_dot(net: Any, initial: Any, final: Any, *, title: str = "") -> str:
    """DOT source of a pm4py Petri net: places, (silent) transitions and arcs."""
    lines = ["digraph petri {", *_HEADER, f"  graph [label={dot_string(title)}];"]
    ids: dict[Any, str] = {}
    order = _structural_order(
        {**{p: "p" + ("●" if p in initial else "■" if p in final else "") for p in net.places},
         **{t: "t" + (t.label or "") for t in net.transitions}},
        [(a.source, a.target) for a in net.arcs])
    for i, place in enumerate(sorted(net.places, key=order.__getitem__)):
        ids[place] = f"p{i}"
        tokens = "●" if place in initial else ("■" if place in final else "")
        lines.append(f"  p{i} [shape=circle, width=0.35, label={dot_string(tokens)}];")
    for i, transition in enumerate(sorted(net.transitions, key=order.__getitem__)):
        ids[transition] = f"t{i}"
        if transition.label is None:
            lines.append(f'  t{i} [shape=box, style=filled, fillcolor="#333333", '
                         'label="", width=0.15, height=0.4];')
        else:
            lines.append(f"  t{i} [shape=box, label={dot_string(transition.label)}];")
    arcs = sorted((int(ids[a.source][1:]), ids[a.source], int(ids[a.target][1:]), ids[a.target])
                  for a in net.arcs)
    lines.extend(f"  {source} -> {target};" for _, source, _, target in arcs)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _structural_order(start: dict[Any, str], arcs: list[tuple[Any, Any]],
                      ) -> dict[Any, tuple[str, str]]:
    """A sort key for each node of a model from its shape, not its ids.

    pm4py names places, transitions and BPMN nodes with ids or counters that
    differ from run to run, and keeps them in sets ordered by memory address;
    drawn in that order, one model gave a different picture each time. Each
    node starts with what it shows (``start``: its kind and label) and takes
    in, four times over, what its neighbours along ``arcs`` show
    (Weisfeiler–Lehman refinement); nodes it cannot tell apart are
    symmetric, and either order draws the same picture.
    """
    import hashlib

    before: dict[Any, list[Any]] = {node: [] for node in start}
    after: dict[Any, list[Any]] = {node: [] for node in start}
    for source, target in arcs:  # a model has a few dozen nodes and arcs
        if source in start and target in start:
            after[source].append(target)
            before[target].append(source)
    color = dict(start)
    for _ in range(4):
        color = {node: hashlib.sha1(repr((
            color[node], sorted(color[n] for n in before[node]),
            sorted(color[n] for n in after[node]))).encode("utf-8")).hexdigest()
            for node in color}
    return {node: (color[node], start[node]) for node in color}
