"""pm4py's BPMN and PNML files made stable: the same model gives the same bytes.

pm4py names elements by random UUIDs, Python object ids and the clock, and
writes coordinates with fifteen decimals. Every export then differs, and the
long digit runs can look like a national identity number (11 digits with
valid check digits) to anyone scanning the output. These functions number the
ids in a fixed order and round the coordinates, changing neither the model
nor its drawing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

_UUID_ID = re.compile(r"\bid[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                      r"(?![0-9a-f])")
_COORDINATE = re.compile(r'\b(x|y|width|height)="(-?[0-9]+\.[0-9]+)"')


def tidy_bpmn(xml: str) -> str:
    """pm4py's BPMN XML with numbered ids and coordinates to one decimal.

    pm4py names elements by random UUIDs and writes layout coordinates with
    fifteen decimals. Both put long runs of digits in the file that can look
    like a national identity number (11 digits with valid check digits) to
    anyone scanning the output, and the UUIDs make every export differ.
    Numbering the ids in order of appearance and rounding the coordinates
    changes neither the model nor its drawing.

    Examples
    --------
    >>> tidy_bpmn('<a id="id0f8fad5b-d9cb-469f-a165-70867728950e" x="12.3456789012"/>'
    ...           '<b ref="id0f8fad5b-d9cb-469f-a165-70867728950e"/>')
    '<a id="id1" x="12.3"/><b ref="id1"/>'
    """
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return numbers.setdefault(match.group(0), f"id{len(numbers) + 1}")

    xml = _UUID_ID.sub(number, xml)
    return _COORDINATE.sub(lambda m: f'{m.group(1)}="{float(m.group(2)):.1f}"', xml)


def tidy_pnml(xml: str) -> str:
    """pm4py's PNML with ids numbered in a fixed order and no random or timed names.

    pm4py names visible transitions by random UUIDs, arcs by Python object ids
    (15 digits), the net by the clock (``imdf_net_1795526592.8440213``), marks
    silent transitions with a random ``localNodeID``, and writes places,
    transitions and arcs in set order. The long digit runs can look like a
    national identity number to anyone scanning the output, and every export
    differs. Here places, transitions and arcs are renamed ``p1``, ``t1``,
    ``a1``… in an order taken from the net itself (distance from the initial
    marking, markings, labels, then the neighbourhood; pm4py's names only break
    ties the structure leaves), every reference is rewritten, the net is
    ``net1``, the ``localNodeID`` is dropped and layout coordinates keep one
    decimal. Visible labels, markings, arc weights and the net's structure are
    unchanged; a name that was only the old id becomes the new id.

    Examples
    --------
    >>> print(tidy_pnml(
    ...     '<pnml><net id="imdf_net_1795526592.84"><page id="n0">'
    ...     '<place id="sink"><name><text>sink</text></name></place>'
    ...     '<place id="source"><initialMarking><text>1</text></initialMarking></place>'
    ...     '<transition id="0f8fad5b-d9cb-469f-a165-70867728950e"><name><text>A</text>'
    ...     '</name></transition>'
    ...     '<arc id="139837553276432" source="0f8fad5b-d9cb-469f-a165-70867728950e"'
    ...     ' target="sink"/>'
    ...     '<arc id="139837553276999" source="source"'
    ...     ' target="0f8fad5b-d9cb-469f-a165-70867728950e"/>'
    ...     '</page></net></pnml>'))
    <?xml version='1.0' encoding='UTF-8'?>
    <pnml>
      <net id="net1">
        <page id="n0">
          <place id="p1">
            <initialMarking>
              <text>1</text>
            </initialMarking>
          </place>
          <place id="p2">
            <name>
              <text>p2</text>
            </name>
          </place>
          <transition id="t1">
            <name>
              <text>A</text>
            </name>
          </transition>
          <arc id="a1" source="p1" target="t1" />
          <arc id="a2" source="t1" target="p2" />
        </page>
      </net>
    </pnml>
    """
    root = ET.fromstring(xml)
    for number, net in enumerate((e for e in root.iter() if _tag(e) == "net"), start=1):
        _tidy_net(net, f"net{number}")
    ET.indent(root, space="  ")
    return "<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(root, "unicode") + "\n"


def _tag(element: ET.Element) -> str:
    """An element's tag without its namespace."""
    return element.tag.rpartition("}")[2]


def _child(element: ET.Element, tag: str) -> ET.Element | None:
    return next((c for c in element if _tag(c) == tag), None)


def _text(element: ET.Element, *path: str) -> str | None:
    """The text of ``path`` below ``element`` (PNML keeps values in ``<text>``)."""
    found: ET.Element | None = element
    for tag in (*path, "text"):
        found = None if found is None else _child(found, tag)
    return None if found is None else (found.text or "")


def _rename(element: ET.Element, new: str, *, label: bool = False) -> None:
    """Give ``element`` the id ``new``; a name that was the old id follows it.

    A ``label`` (a visible transition's name) stays, even when pm4py used it as
    the id too (the heuristics miner names transitions by their activity).
    """
    old = element.get("id")
    element.set("id", new)
    name = None if label else _child(element, "name")
    text = None if name is None else _child(name, "text")
    if text is not None and text.text == old:
        text.text = new


def _tidy_net(net: ET.Element, net_id: str) -> None:
    """Number the places, transitions and arcs of one ``<net>`` in place."""
    _rename(net, net_id)
    page = _child(net, "page")
    if page is None:  # pm4py's ProM 5 flavour has no page
        page = net
    places = [e for e in page if _tag(e) == "place"]
    transitions = [e for e in page if _tag(e) == "transition"]
    arcs = [e for e in page if _tag(e) == "arc"]
    final: dict[str, int] = {}
    for marked in net.iterfind("./{*}finalmarkings/{*}marking/{*}place"):
        final[marked.get("idref", "")] = int(_text(marked) or 0)
    colour: dict[str, tuple[Any, ...]] = {}
    visible: set[str] = set()
    for place in places:
        colour[place.get("id", "")] = (0, -int(_text(place, "initialMarking") or 0),
                                       final.get(place.get("id", ""), 0))
    for transition in transitions:
        invisible = any("invisible" in (t.get("activity") or "")
                        for t in transition if _tag(t) == "toolspecific")
        label = "" if invisible else _text(transition, "name") or ""  # not pm4py's tau names
        colour[transition.get("id", "")] = (1, invisible, label)
        if not invisible:
            visible.add(transition.get("id", ""))
    edge = {id(a): (a.get("source", ""), a.get("target", ""), _text(a, "inscription") or "1",
                    _text(a, "arctype") or "") for a in arcs}
    start = [p.get("id", "") for p in places if int(_text(p, "initialMarking") or 0) > 0]
    order = _canonical_order(colour, list(edge.values()), start)
    rank = {node: i for i, node in enumerate(order)}
    ids: dict[str, str] = {}
    for prefix, elements in (("p", places), ("t", transitions)):
        elements.sort(key=lambda e: rank[e.get("id", "")])
        for number, element in enumerate(elements, start=1):
            ids[element.get("id", "")] = f"{prefix}{number}"
            _rename(element, f"{prefix}{number}", label=element.get("id") in visible)
            for tool in element.iter():
                tool.attrib.pop("localNodeID", None)
    size = len(rank)
    arcs.sort(key=lambda a: (rank.get(a.get("source", ""), size),
                             rank.get(a.get("target", ""), size), edge[id(a)][2:]))
    for number, arc in enumerate(arcs, start=1):
        arc.set("id", f"a{number}")
        for end in ("source", "target"):
            arc.set(end, ids.get(arc.get(end, ""), arc.get(end, "")))
    for marking in net.iterfind("./{*}finalmarkings/{*}marking"):
        marked = list(marking)
        for place in marked:
            place.set("idref", ids.get(place.get("idref", ""), place.get("idref", "")))
            marking.remove(place)
        marked.sort(key=lambda p: rank.get(p.get("idref", ""), size))
        marking.extend(marked)
    for element in (*places, *transitions, *arcs):
        page.remove(element)
    page.extend([*places, *transitions, *arcs])
    for point in page.iterfind(".//{*}graphics/*"):
        for axis in ("x", "y"):
            value = point.get(axis)
            if value is not None and _DECIMAL.fullmatch(value):
                point.set(axis, f"{float(value):.1f}")


_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


def _canonical_order(colour: dict[str, tuple[Any, ...]],
                     edges: list[tuple[str, str, str, str]], start: list[str]) -> list[str]:
    """The nodes of a net in an order that depends on its structure, not its names.

    Each node starts from its own colour (kind, markings or label) and its
    distance from the initially marked places; colours are then refined by the
    colours of the neighbours until no class splits (Weisfeiler–Leman). Nodes
    the structure cannot tell apart are split one at a time, taking the one
    whose pm4py name sorts first and refining again.
    """
    neighbours: dict[str, list[tuple[str, str, str, str]]] = {n: [] for n in colour}
    for source, target, weight, kind in edges:
        if source in colour and target in colour:
            neighbours[source].append(("out", weight, kind, target))
            neighbours[target].append(("in", weight, kind, source))
    distance = {n: 0 for n in start if n in colour}
    frontier = list(distance)
    while frontier:
        reached = []
        for node in frontier:
            for direction, _, _, other in neighbours[node]:
                if direction == "out" and other not in distance:
                    distance[other] = distance[node] + 1
                    reached.append(other)
        frontier = reached
    far = len(colour) + 1
    ranks = _refine(_ranks({n: (c[0], distance.get(n, far), *c[1:])
                            for n, c in colour.items()}), neighbours)
    while len(set(ranks.values())) < len(ranks):
        sizes = Counter(ranks.values())
        tied = min(r for r, size in sizes.items() if size > 1)
        first = min((n for n in ranks if ranks[n] == tied), key=_natural)
        ranks = _refine(_ranks({n: (r, n != first) for n, r in ranks.items()}), neighbours)
    return sorted(ranks, key=ranks.__getitem__)


def _ranks(keys: dict[str, Any]) -> dict[str, int]:
    """Each node's key replaced by its rank among the distinct keys."""
    order = {key: i for i, key in enumerate(sorted(set(keys.values())))}
    return {node: order[key] for node, key in keys.items()}


def _refine(ranks: dict[str, int],
            neighbours: dict[str, list[tuple[str, str, str, str]]]) -> dict[str, int]:
    """Split classes by the ranks of their neighbours until none splits."""
    while True:
        refined = _ranks({n: (r, tuple(sorted((d, w, k, ranks[m])
                                              for d, w, k, m in neighbours[n])))
                          for n, r in ranks.items()})
        if len(set(refined.values())) == len(set(ranks.values())):
            return refined
        ranks = refined


def _natural(name: str) -> tuple[Any, ...]:
    """A sort key that puts ``p_9`` before ``p_10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"([0-9]+)", name))



class _RankedSet(set):  # type: ignore[type-arg]
    """A set that iterates in a fixed order (pm4py's BPMN nodes and flows by rank)."""

    rank: dict[Any, Any]

    def __iter__(self) -> Any:
        return iter(sorted(set.__iter__(self), key=lambda item: self.rank[item]))


def stable_bpmn(bpmn: Any) -> None:
    """Put a pm4py BPMN graph's nodes and flows in an order taken from its structure.

    pm4py keeps nodes and flows in sets of objects hashed by their random
    UUIDs, and its layout and export iterate those sets, so each export had
    another element order and another layout. Here every node is ranked by
    its kind, name and gateway direction, refined by the ranks of its
    neighbours until the ranks stop splitting (a Weisfeiler-Lehman refinement:
    nodes left tied are alike in structure); flows are ranked by their ends.
    The graph's sets, its arc lists and its network then iterate in rank
    order, and :func:`tidy_bpmn` numbers the ids in that order. The model
    (names, kinds, flows, ids) is unchanged.
    """
    from pm4py.util import nx_utils

    nodes = list(bpmn.get_nodes())
    flows = list(bpmn.get_flows())
    label = {node: "|".join((type(node).__name__, str(node.get_name()),
                             str(getattr(node, "get_gateway_direction", str)())))
             for node in nodes}
    rank = _ranks(label)
    for _ in range(len(nodes)):
        refined = {node: f"{rank[node]:06d}|" + ",".join(sorted(
            [f"<{rank[f.get_source()]:06d}" for f in flows if f.get_target() is node]
            + [f">{rank[f.get_target()]:06d}" for f in flows if f.get_source() is node]))
            for node in nodes}
        new_rank = _ranks(refined)
        if len(set(new_rank.values())) == len(set(rank.values())):
            break
        rank = new_rank
    flow_rank = {flow: (rank[flow.get_source()], rank[flow.get_target()], flow.get_name())
                 for flow in flows}
    for node in nodes:
        node.get_in_arcs().sort(key=flow_rank.__getitem__)
        node.get_out_arcs().sort(key=flow_rank.__getitem__)
    ordered_nodes, ordered_flows = _RankedSet(nodes), _RankedSet(flows)
    ordered_nodes.rank, ordered_flows.rank = rank, flow_rank
    graph = nx_utils.MultiDiGraph()
    for node in ordered_nodes:
        graph.add_node(node)
    for flow in ordered_flows:
        graph.add_edge(flow.get_source(), flow.get_target())
    bpmn._BPMN__nodes, bpmn._BPMN__flows = ordered_nodes, ordered_flows
    bpmn._BPMN__graph = graph


def _ranks(labels: dict[Any, str]) -> dict[Any, int]:
    """Each key's rank among the distinct labels, in sorted order."""
    order = {text: i for i, text in enumerate(sorted(set(labels.values())))}
    return {key: order[text] for key, text in labels.items()}
