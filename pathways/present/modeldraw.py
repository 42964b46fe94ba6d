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
    for i, node in enumerate(sorted(bpmn.get_nodes(), key=lambda n: str(n.get_id()))):
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
    for flow in bpmn.get_flows():
        source, target = ids.get(flow.get_source()), ids.get(flow.get_target())
        if source and target:
            lines.append(f"  {source} -> {target};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def petri_net_dot(net: Any, initial: Any, final: Any, *, title: str = "") -> str:
    """DOT source of a pm4py Petri net: places, (silent) transitions and arcs."""
    lines = ["digraph petri {", *_HEADER, f"  graph [label={dot_string(title)}];"]
    ids: dict[Any, str] = {}
    for i, place in enumerate(sorted(net.places, key=lambda p: str(p.name))):
        ids[place] = f"p{i}"
        tokens = "●" if place in initial else ("■" if place in final else "")
        lines.append(f"  p{i} [shape=circle, width=0.35, label={dot_string(tokens)}];")
    for i, transition in enumerate(sorted(net.transitions, key=lambda t: str(t.name))):
        ids[transition] = f"t{i}"
        if transition.label is None:
            lines.append(f'  t{i} [shape=box, style=filled, fillcolor="#333333", '
                         'label="", width=0.15, height=0.4];')
        else:
            lines.append(f"  t{i} [shape=box, label={dot_string(transition.label)}];")
    for arc in net.arcs:
        lines.append(f"  {ids[arc.source]} -> {ids[arc.target]};")
    lines.append("}")
    return "\n".join(lines) + "\n"
