"""Process discovery: pm4py does the mining, fed from the engine.

This is the only module that imports pm4py (lazily, so ``pathways --help`` and
small commands stay fast). The directly-follows graph is always computed in the
engine. The inductive and heuristics miners get the event table when the log
is small enough for pm4py, and otherwise counts from the engine (pm4py's
DFG-based inductive variant; its classic heuristics miner given the DFG, the
two-step successions and triples). Which input was used is recorded in
:attr:`ProcessModel.input`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from pathways.analyse.transitions import (
    activity_counts,
    directly_follows,
    start_end_activities,
)
from pathways.errors import OptionError
from pathways.log import EventLog

Miner = Literal["dfg", "inductive", "heuristics"]
MINERS = ("dfg", "inductive", "heuristics")

#: Above this many events pm4py's event-table algorithms get the DFG instead.
EVENT_TABLE_LIMIT = 1_000_000


@dataclass(frozen=True)
class ProcessModel:
    """A discovered model."""

    #: ``dfg``, ``inductive`` or ``heuristics``.
    miner: str
    #: What pm4py was given: ``events`` or ``dfg`` (``engine`` for the DFG miner,
    #: which pm4py does not run).
    input: str
    #: Edges ``source``, ``target``, ``count``, ``median_hours``.
    dfg: pd.DataFrame
    #: ``activity``, ``count``, ``cases``.
    activities: pd.DataFrame
    #: The activities journeys start with: ``activity``, ``count``.
    start_activities: pd.DataFrame
    #: The activities they end with: ``activity``, ``count``.
    end_activities: pd.DataFrame
    #: pm4py's (net, initial marking, final marking).
    petri_net: tuple[Any, Any, Any] | None = None
    #: pm4py's BPMN model.
    bpmn: Any = None
    #: pm4py's process tree (inductive miner).
    process_tree: Any = None
    #: pm4py's heuristics net.
    heuristics_net: Any = None


def check_miner(miner: str) -> None:
    """Fail with the allowed values when ``miner`` is unknown."""
    if miner not in MINERS:
        raise OptionError(
            f"miner must be one of {', '.join(repr(m) for m in MINERS)}; got {miner!r}."
        )


def discover(log: EventLog, *, miner: Miner = "dfg", noise_threshold: float = 0.0,
             event_table_limit: int = EVENT_TABLE_LIMIT) -> ProcessModel:
    """Discover a process model of the log.

    Parameters
    ----------
    log : EventLog
        The log (from :func:`pathways.read`).
    miner : {'dfg', 'inductive', 'heuristics'}
        The directly-follows graph (with counts and median waiting), pm4py's
        inductive miner (process tree, Petri net, BPMN) or heuristics miner.
    noise_threshold : float
        The inductive miner's noise filter (0 keeps every behaviour).
    event_table_limit : int
        Above this many events, the inductive and heuristics miners are given
        the DFG (and the counts they need) instead of the event table.

    Returns
    -------
    ProcessModel

    Examples
    --------
    >>> import pathways
    >>> model = pathways.discover(pathways.read("eventlogs/sample.csv"))
    >>> list(model.dfg.columns)
    ['source', 'target', 'count', 'median_hours']
    """
    check_miner(miner)
    dfg = directly_follows(log)
    activities = activity_counts(log)
    start, end = start_end_activities(log)
    base = {"dfg": dfg, "activities": activities, "start_activities": start,
            "end_activities": end}
    if miner == "dfg":
        return ProcessModel(miner="dfg", input="engine", **base)
    import pm4py
    from pm4py.objects.dfg.obj import DFG

    small = log.n_events <= event_table_limit
    if miner == "inductive":
        if small:
            source: Any = _event_table(log)
            keys = _keys()
        else:
            source = DFG(
                Counter({(s, t): int(c) for s, t, c in
                         zip(dfg["source"], dfg["target"], dfg["count"], strict=True)}),
                Counter(dict(zip(start["activity"], start["count"].astype(int),
                                 strict=True))),
                Counter(dict(zip(end["activity"], end["count"].astype(int), strict=True))),
            )
            keys = {}
        tree = pm4py.discover_process_tree_inductive(source, noise_threshold=noise_threshold,
                                                     **keys)
        net = pm4py.convert_to_petri_net(tree)
        return ProcessModel(miner="inductive", input="events" if small else "dfg",
                            petri_net=net, bpmn=pm4py.convert_to_bpmn(tree),
                            process_tree=tree, **base)
    if small:
        frame = _event_table(log)
        heu = pm4py.discover_heuristics_net(frame, **_keys())
        net = pm4py.discover_petri_net_heuristics(frame, **_keys())
    else:
        heu = _heuristics_from_dfg(log, dfg, activities, start, end)
        net = pm4py.convert_to_petri_net(heu)
    return ProcessModel(miner="heuristics", input="events" if small else "dfg",
                        petri_net=net, bpmn=pm4py.convert_to_bpmn(*net),
                        heuristics_net=heu, **base)


def _heuristics_from_dfg(log: EventLog, dfg: pd.DataFrame, activities: pd.DataFrame,
                         start: pd.DataFrame, end: pd.DataFrame) -> Any:
    """pm4py's heuristics net from counts computed in the engine.

    pm4py's simplified interface takes only an event table; its classic
    heuristics miner (``apply_heu_dfg``) also accepts the DFG, the activity and
    start/end counts, and the successions two steps apart and the triples it
    uses to find loops of length two, all of which the engine counts.
    """
    from pm4py.algo.discovery.heuristics.variants.classic import apply_heu_dfg

    triples = log.engine.query(f"""
        SELECT activity AS a, next_activity AS b, third AS c, count(*) AS n FROM (
            SELECT activity, next_activity, lead(activity, 2) OVER (
                PARTITION BY case_id ORDER BY event_idx) AS third
            FROM {log.table})
        WHERE third IS NOT NULL GROUP BY activity, next_activity, third
    """)
    window2 = triples.groupby(["a", "c"])["n"].sum()
    return apply_heu_dfg(
        _pairs(dfg["source"], dfg["target"], dfg["count"]),
        activities=list(activities["activity"]),
        activities_occurrences=_pairs(activities["activity"], activities["count"]),
        start_activities=_pairs(start["activity"], start["count"]),
        end_activities=_pairs(end["activity"], end["count"]),
        dfg_window_2={k: int(v) for k, v in window2.items()},
        freq_triples=_pairs(triples["a"], triples["b"], triples["c"], triples["n"]),
    )


def _pairs(*columns: pd.Series) -> dict[Any, int]:
    """A small result as a dict: the last column's ints keyed by the others."""
    *keys, counts = columns
    index = zip(*keys, strict=True) if len(keys) > 1 else keys[0]
    return dict(zip(index, counts.astype(int), strict=True))


def _keys() -> dict[str, str]:
    return {"case_id_key": "case_id", "activity_key": "activity",
            "timestamp_key": "timestamp"}


def _event_table(log: EventLog) -> pd.DataFrame:
    """The three columns pm4py needs, in the log's order (ties keep file order)."""
    frame = log.engine.query(
        f"SELECT case_id, activity, timestamp FROM {log.table} ORDER BY case_id, event_idx"
    )
    return frame
