"""Write a discovered model by the output's extension (DESIGN §5).

``.svg .png .pdf .dot``: the level map (DFG miner, or ``view="levels"`` for the
level view) or a drawing of pm4py's model (inductive: BPMN; heuristics: Petri
net), with every label escaped. ``.bpmn`` and ``.pnml``: pm4py's exports of the model,
with ids numbered in order (:mod:`pathways.present.stable_exports`) so that the same
model gives the same bytes.
``.json``: the DFG (nodes with counts; edges with ``source``, ``target``,
``count``, ``median_hours``), plus the process tree for the inductive miner.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pathways.analyse.discovery import ProcessModel
from pathways.analyse.transitions import level_activity_edges, level_activity_nodes, transitions
from pathways.errors import OptionError
from pathways.log import EventLog
from pathways.present.levelmap import level_map_dot, level_view_dot, simplify_map
from pathways.present.modeldraw import bpmn_dot, petri_net_dot
from pathways.present.output import render_dot, write_with
from pathways.present.stable_exports import stable_bpmn, tidy_bpmn, tidy_pnml

PICTURES = (".svg", ".png", ".pdf", ".dot")
EXTENSIONS = (*PICTURES, ".bpmn", ".pnml", ".json")

View = Literal["activities", "levels"]


def output_extension(path: Path) -> str:
    """The extension that chooses the format, checked."""
    ext = path.suffix.lower()
    if ext not in EXTENSIONS:
        raise OptionError(
            f"Cannot write {path.name}: the extension must be one of "
            f"{', '.join(EXTENSIONS)}."
        )
    return ext


def model_dot(log: EventLog, model: ProcessModel | None, *, view: View = "activities",
              lang: str = "nb", max_edges: int = 80, min_count: int = 5,
              map_detail: str | float = "full") -> str:
    """DOT source of the picture for ``model`` (the level map simplified by ``map_detail``).

    ``model=None`` is the DFG miner's picture, the level map: it is drawn from
    the log alone (the directly-follows edges between (level, activity)
    pairs), so it needs none of the model's tables.
    """
    title = Path(log.report.source).name
    if view == "levels":
        counts = log.engine.query(
            f"SELECT care_level, count(*) AS count FROM {log.table} "
            "WHERE care_level IS NOT NULL GROUP BY 1 ORDER BY 2 DESC")
        return level_view_dot(transitions(log), counts, title=title, lang=lang,
                              min_count=min_count)
    if model is None or model.miner == "dfg":
        chosen = simplify_map(level_activity_nodes(log), level_activity_edges(log),
                              detail=map_detail)
        note = "" if chosen.complete else (
            f"detail {chosen.detail:g}: activities and transitions with at least "
            f"{chosen.threshold:.2%} of the events and of the flow "
            f"({len(chosen.nodes)} of {chosen.nodes_total} activities, "
            f"{len(chosen.edges)} of {chosen.edges_total} transitions)")
        return level_map_dot(chosen.nodes, chosen.edges, title=title, lang=lang,
                             max_edges=max_edges, min_count=min_count, note=note)
    return _pm4py_dot(model, title)


def _pm4py_dot(model: ProcessModel, title: str) -> str:
    """Our escaped drawing of a pm4py model: BPMN (inductive) or Petri net (heuristics)."""
    if model.miner == "inductive":
        return bpmn_dot(model.bpmn, title=title)
    net, initial, final = model.petri_net  # type: ignore[misc]
    return petri_net_dot(net, initial, final, title=title)


def write_model(log: EventLog, model: ProcessModel, path: Path, *, view: View = "activities",
                lang: str = "nb", max_edges: int = 80, min_count: int = 5,
                map_detail: str | float = "full") -> None:
    """Write ``model`` to ``path`` in the format its extension names.

    Pictures suppress counts below ``min_count`` (shown as ``<5``) so they can be
    shared; the JSON holds exact counts, for the analyst who holds the log.
    """
    ext = output_extension(path)
    source = [log.report.source]  # never the log the model came from
    if ext == ".json":
        text = json.dumps(model_json(model), ensure_ascii=False, indent=2) + "\n"
        write_with(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), inputs=source)
    elif ext in (".bpmn", ".pnml"):
        _write_pm4py(model, path, ext, source)
    else:
        write_picture(log, model_dot(log, model, view=view, lang=lang, max_edges=max_edges,
                                     min_count=min_count, map_detail=map_detail), path)


def write_picture(log: EventLog, dot: str, path: Path) -> None:
    """Write a picture's DOT source to ``path``: as text for ``.dot``, else drawn by Graphviz."""
    ext = output_extension(path)
    source = [log.report.source]  # never the log the picture came from
    if ext == ".dot":
        write_with(path, lambda tmp: tmp.write_text(dot, encoding="utf-8"), inputs=source)
    else:
        render_dot(dot, path, ext[1:], inputs=source)


def _write_pm4py(model: ProcessModel, path: Path, ext: str, source: list[str]) -> None:
    if model.petri_net is None:
        raise OptionError(
            f"{path.name}: a directly-follows graph cannot be written as {ext}. "
            "Use --miner inductive or --miner heuristics."
        )
    if ext == ".bpmn":
        write_with(path, lambda tmp: _write_bpmn(model.bpmn, tmp), inputs=source)
    else:
        net, im, fm = model.petri_net
        write_with(path, lambda tmp: _write_pnml(net, im, fm, tmp), inputs=source)


def _write_bpmn(bpmn: Any, path: Path) -> None:
    """pm4py's BPMN export, with a diagram layout when Graphviz can draw one.

    pm4py lays the diagram out with Graphviz without escaping the labels, so an
    activity name with quotes or backslashes makes the layout fail; the model is
    then written without diagram coordinates (BPMN tools lay it out themselves).
    The XML itself is always escaped.
    """
    import subprocess

    import pm4py

    stable_bpmn(bpmn)  # ids and order from the structure: the same bytes each time
    try:
        with _quiet_stderr():
            pm4py.write_bpmn(bpmn, str(path))
    except (subprocess.CalledProcessError, OSError, ValueError):
        pm4py.write_bpmn(bpmn, str(path), auto_layout=False)
    path.write_text(tidy_bpmn(path.read_text(encoding="utf-8")), encoding="utf-8")


def _write_pnml(net: Any, initial: Any, final: Any, path: Path) -> None:
    """pm4py's PNML export of a Petri net, tidied by :func:`tidy_pnml`."""
    import pm4py

    pm4py.write_pnml(net, initial, final, str(path))
    path.write_text(tidy_pnml(path.read_text(encoding="utf-8")), encoding="utf-8")


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Keep Graphviz's own complaints (run by pm4py) off the user's terminal."""
    saved = os.dup(2)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def model_json(model: ProcessModel) -> dict[str, Any]:
    """The JSON document of DESIGN §5 for a model."""
    doc: dict[str, Any] = {
        "miner": model.miner,
        "input": model.input,
        "nodes": [{"activity": a, "count": int(c)} for a, c in
                  zip(model.activities["activity"], model.activities["count"], strict=True)],
        "edges": [
            {"source": s, "target": t, "count": int(c),
             "median_hours": None if m != m else round(float(m), 6)}
            for s, t, c, m in zip(model.dfg["source"], model.dfg["target"],
                                  model.dfg["count"], model.dfg["median_hours"], strict=True)
        ],
        "start_activities": {a: int(c) for a, c in zip(
            model.start_activities["activity"], model.start_activities["count"], strict=True)},
        "end_activities": {a: int(c) for a, c in zip(
            model.end_activities["activity"], model.end_activities["count"], strict=True)},
    }
    if model.process_tree is not None:
        doc["process_tree"] = str(model.process_tree)
    return doc
