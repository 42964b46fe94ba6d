"""Conformance: how well the real journeys follow the pathway's intended order.

This module imports pm4py (lazily), the second place besides
:mod:`pathways.analyse.discovery` that does: conformance checking is pm4py's.

**The reference model** is the pathway file's ``model:`` (docs/pathways.md): the
intended order of the steps, written by people from a guideline or national
pathway, turned into a pm4py process tree and then a Petri net. It is never
mined from the journeys it is compared with: that would be circular (a model
mined from the same log fits it by construction). A pathway without a model
gives a result that says so (:attr:`Conformance.has_model` False).

**The journeys** are the cases of the pathway's cohort, projected onto the
activities the model names (an event counts as a step when its activity, or its
canonical activity after aliases, is one the model names, case-insensitively);
journeys with none of the steps are counted but not aligned. The projection and
the variants are computed in the engine (SQL); pm4py aligns each distinct
variant once (pm4py's alignments, Dijkstra over the synchronous product), and the
results are weighted by how many journeys share the variant, so the time is
bounded by the number of variants (at most :data:`MAX_VARIANTS`, the most
frequent; the result says how many journeys that covers).

**Deviations.** A *model move* (a step the model requires that the journey
lacks) is ``missing`` (one deviation however the journey went around it; a
missing choice of activities is named by all of them, ``A / B``); a
*log move* (a step in the journey where the model has
none) is ``out_of_order``, described by the next step the journey did take as
the model expected (``next_activity``, else the previous one). When one step is
both missing and present elsewhere in the same journey, it is one ``out_of_order``
deviation, not two. Each deviation is placed between care levels: a log move at
the step's level and the level of the step before it; a model move between the
levels of the steps around the place it was expected.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pathways.analyse.rules import ModelNode, Pathway, PathwayModel
from pathways.errors import PathwaysError
from pathways.log import EventLog
from pathways.sql import sql_literal

#: At most this many distinct variants (the most frequent) are aligned.
MAX_VARIANTS = 400

#: Separates the steps of a variant in the engine's text (not in any name).
_SEP = "\x1f"

#: Columns of :attr:`Conformance.deviations`.
DEVIATION_COLUMNS = ("kind", "activity", "next_activity", "previous_activity", "journeys")

#: Columns of :attr:`Conformance.deviations_by_level`.
LEVEL_DEVIATION_COLUMNS = ("kind", "activity", "next_activity", "previous_activity",
                           "from_level", "to_level", "journeys")


@dataclass(frozen=True)
class Conformance:
    """Alignments of journeys against a pathway's intended model."""

    #: The pathway whose model was used (None: no pathway).
    pathway: str | None
    #: The intended model; None when the pathway has none (nothing aligned).
    model: PathwayModel | None
    #: The activities the model names (the projection).
    activities: tuple[str, ...] = ()
    #: Journeys in scope (the cohort's).
    cases: int = 0
    #: Of them, journeys with at least one of the model's steps.
    with_steps: int = 0
    #: Of them, journeys whose variant was aligned (all unless more than
    #: :data:`MAX_VARIANTS` variants).
    aligned: int = 0
    #: Distinct variants of the projected journeys.
    variants: int = 0
    #: How many of them were aligned.
    aligned_variants: int = 0
    #: Aligned journeys that follow the model exactly (fitness 1.0).
    fitting: int = 0
    #: (fitness, journeys) per aligned variant.
    fitness: tuple[tuple[float, int], ...] = ()
    #: :data:`DEVIATION_COLUMNS`: ``kind`` (``missing`` or ``out_of_order``),
    #: the step, its neighbour in the journey, and the journeys with it; most
    #: frequent first.
    deviations: pd.DataFrame | None = None
    #: :data:`LEVEL_DEVIATION_COLUMNS`: the same per pair of care levels.
    deviations_by_level: pd.DataFrame | None = None

    @property
    def has_model(self) -> bool:
        """Whether there was an intended model to compare with."""
        return self.model is not None

    @property
    def mean(self) -> float | None:
        """Mean fitness over the aligned journeys."""
        total = sum(n for _, n in self.fitness)
        return sum(f * n for f, n in self.fitness) / total if total else None


def process_tree(root: ModelNode) -> Any:
    """pm4py's ProcessTree for a model node.

    ``sequence`` → sequence, ``choice`` → exclusive choice, ``parallel`` →
    parallel, ``optional: X`` → choice of X and a silent step, ``loop: X`` →
    X once or more (pm4py's loop with X as its body and a silent redo).
    """
    from pm4py.objects.process_tree.obj import Operator, ProcessTree

    if root.operator is None:
        return ProcessTree(label=root.activity)
    children = [process_tree(child) for child in root.children]
    if root.operator in ("optional", "loop"):
        children.append(ProcessTree())  # a silent step: skip, or redo nothing
    operator = {"sequence": Operator.SEQUENCE, "choice": Operator.XOR,
                "parallel": Operator.PARALLEL, "optional": Operator.XOR,
                "loop": Operator.LOOP}[root.operator]
    tree = ProcessTree(operator=operator, children=children)
    for child in children:
        child.parent = tree
    return tree


def conformance(log: EventLog, *, pathway: Pathway | None = None,
                cohort: str | None = None) -> Conformance:
    """Align the journeys with the pathway's intended model (see the module notes).

    Parameters
    ----------
    log : EventLog
        The log.
    pathway : Pathway, optional
        The pathway whose ``model:`` is the reference. Without one, or when it
        has no model, nothing is aligned and the result says so.
    cohort : str, optional
        Only the cases of this cohort.

    Returns
    -------
    Conformance
    """
    name = pathway.name if pathway is not None else None
    cohort_filter = ""
    if cohort is not None:
        cohort_filter = ("AND case_id IN (SELECT case_id FROM case_cohorts WHERE cohort = "
                         f"{sql_literal(cohort)})")
    cases = int(log.engine.scalar(
        f"SELECT count(DISTINCT case_id) FROM {log.table} WHERE 1 = 1 {cohort_filter}") or 0)
    if pathway is None or pathway.model is None:
        return Conformance(pathway=name, model=None, cases=cases)
    model = pathway.model
    leaves = model.root.leaves()
    names = pd.DataFrame({
        "name": [leaf.activity for leaf in leaves],
        "lname": [leaf.activity.lower() for leaf in leaves],
        "lkey": [leaf.activity_key.lower() for leaf in leaves]}).drop_duplicates("lname")
    log.engine.register("_model_names", names)
    found = log.engine.query(f"""
        WITH steps AS (
            SELECT e.case_id, e.event_idx, min(m.name) AS label,
                   coalesce(min(e.care_level), '?') AS care_level
            FROM {log.table} e JOIN _model_names m
              ON lower(e.activity) = m.lname OR lower(e.activity_key) = m.lkey
            WHERE 1 = 1 {cohort_filter.replace("case_id", "e.case_id", 1)}
            GROUP BY e.case_id, e.event_idx),
        journeys AS (
            SELECT case_id,
                   string_agg(label, chr(31) ORDER BY event_idx) AS trace,
                   string_agg(care_level, chr(31) ORDER BY event_idx) AS levels
            FROM steps GROUP BY case_id)
        SELECT trace, levels, count(*) AS n FROM journeys
        GROUP BY trace, levels ORDER BY n DESC, trace, levels""")
    activities = model.root.activities()
    if found.empty:
        return Conformance(pathway=name, model=model, activities=activities, cases=cases,
                           deviations=_empty(DEVIATION_COLUMNS),
                           deviations_by_level=_empty(LEVEL_DEVIATION_COLUMNS))
    by_trace = (found.groupby("trace", as_index=False)["n"].sum()
                .sort_values(["n", "trace"], ascending=[False, True], ignore_index=True))
    chosen = by_trace.head(MAX_VARIANTS).assign(
        variant=lambda f: [f"v{i:06d}" for i in range(len(f))])
    moves = _align(chosen, model.root)
    fitness = chosen.merge(moves.fitness, on="variant")
    fits = fitness["fitness"] >= 1.0 - 1e-9
    steps = moves.deviations.merge(chosen[["variant", "trace"]], on="variant")
    # a missing step of a choice is the choice missing: «Release A / ... / Release E»
    groups = _choice_groups(model.root)
    missing = steps["kind"] == "missing"
    steps.loc[missing, "activity"] = steps.loc[missing, "activity"].replace(groups)
    deviations, by_level = _deviations(steps, found[found["trace"].isin(chosen["trace"])])
    return Conformance(
        pathway=name, model=model, activities=activities, cases=cases,
        with_steps=int(found["n"].sum()), aligned=int(chosen["n"].sum()),
        variants=len(by_trace), aligned_variants=len(chosen),
        fitting=int(fitness.loc[fits, "n"].sum()),
        fitness=tuple(zip(fitness["fitness"].astype(float), fitness["n"].astype(int),
                          strict=True)),
        deviations=deviations, deviations_by_level=by_level)


def _choice_groups(root: ModelNode) -> dict[str, str]:
    """Activity → all activities of its choice, written ``A / B / C`` (leaves of a choice)."""
    found: dict[str, str] = {}
    if root.operator == "choice":
        names = [child.activity for child in root.children if child.operator is None]
        if len(names) > 1:
            found.update(dict.fromkeys(names, " / ".join(names)))
    for child in root.children:
        found.update(_choice_groups(child))
    return found


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "journeys" else "object")
                         for c in columns})


@dataclass(frozen=True)
class _Moves:
    """pm4py's alignments in tables: fitness per variant, and the deviating moves."""

    fitness: pd.DataFrame
    deviations: pd.DataFrame


def _align(variants: pd.DataFrame, root: ModelNode) -> _Moves:
    """Align each variant once with the model (pm4py), as tables.

    ``fitness``: ``variant``, ``fitness``. ``deviations``: ``variant``, ``kind``,
    ``activity``, ``next_activity``, ``previous_activity``, ``position`` (index
    of the journey's step at or after the deviation).
    """
    import pm4py
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments
    from pm4py.util import constants

    constants.SHOW_PROGRESS_BAR = False  # pm4py's bar would write to our stderr
    frame = variants.assign(activity=variants["trace"].str.split(_SEP))[
        ["variant", "activity"]].explode("activity", ignore_index=True)
    frame["timestamp"] = (pd.Timestamp("2000-01-01", tz="UTC")
                          + pd.to_timedelta(frame.groupby("variant").cumcount(), unit="s"))
    try:
        # One order of places and transitions in every process (_stable_pm4py),
        # and pm4py's Dijkstra over index matrices built in that order: the
        # same journeys give the same alignments, ties included.
        with _stable_pm4py():
            net, initial, final = pm4py.convert_to_petri_net(process_tree(root))
            result = pm4py.conformance_diagnostics_alignments(
                frame, net, initial, final, activity_key="activity", case_id_key="variant",
                timestamp_key="timestamp",
                variant_str=alignments.Variants.VERSION_DIJKSTRA_LESS_MEMORY)
    except Exception as err:  # pm4py raises bare exceptions
        raise PathwaysError(f"pm4py could not align the journeys with the model: {err}") \
            from err
    ids = sorted(variants["variant"])  # pm4py returns the cases in id order
    rows: list[tuple[str, str, str, str | None, str | None, int]] = []
    for variant, aligned in zip(ids, result, strict=True):
        rows.extend(_moves(variant, aligned["alignment"]))
    fitness = pd.DataFrame({"variant": ids,
                            "fitness": [float(a["fitness"]) for a in result]})
    deviations = pd.DataFrame(rows, columns=["variant", "kind", "activity", "next_activity",
                                             "previous_activity", "position"])
    return _Moves(fitness=fitness, deviations=deviations)


@contextmanager
def _stable_pm4py() -> Iterator[None]:
    """pm4py's Petri nets in the same order in every process, for the same alignments.

    pm4py hashes places, transitions and arcs by ``id()`` and keeps them in
    sets, and names visible transitions with ``uuid4()``: the order its
    search meets equally good alignments then follows memory addresses, and
    two processes (most often under load) reported different deviations for
    the same journeys. While a model is converted and aligned, names are
    numbered instead and each of the three hashes by its names, so the sets
    iterate in one order. Restored afterwards; nothing else is changed.
    """
    import uuid
    import zlib
    from unittest import mock

    from pm4py.objects.petri_net.obj import PetriNet

    numbers = itertools.count(1)

    def by_name(node: Any) -> int:
        return zlib.crc32(repr(node.name).encode("utf-8"))

    def by_ends(arc: Any) -> int:
        return zlib.crc32(repr((arc.source.name, arc.target.name)).encode("utf-8"))

    with mock.patch("uuid.uuid4", side_effect=lambda: uuid.UUID(int=next(numbers))), \
            mock.patch.object(PetriNet.Place, "__hash__", by_name), \
            mock.patch.object(PetriNet.Transition, "__hash__", by_name), \
            mock.patch.object(PetriNet.Arc, "__hash__", by_ends):
        yield


def _moves(variant: str, alignment: list[tuple[Any, Any]],
           ) -> list[tuple[str, str, str, str | None, str | None, int]]:
    """The deviations of one alignment (one variant, a few dozen moves)."""
    skip = ">>"
    synced = [(i, log) for i, (log, model) in enumerate(alignment)
              if log != skip and model != skip and model is not None]
    found: list[tuple[str, str, str, str | None, str | None, int]] = []
    position = 0
    missing: list[tuple[str, int, int]] = []
    extra: list[tuple[str, int, int]] = []
    for i, (log, model) in enumerate(alignment):
        if log == skip and model is not None:
            missing.append((model, i, position))
        elif log != skip:
            if model == skip:
                extra.append((log, i, position))
            position += 1
    moved = {name for name, _, _ in extra} & {name for name, _, _ in missing}
    for name, _, at in missing:
        if name not in moved:  # missing: its place is said by the level pair
            found.append((variant, "missing", name, None, None, at))
    for name, i, at in extra:
        after = [s for j, s in synced if j > i]
        before = [s for j, s in synced if j < i]
        found.append((variant, "out_of_order", name, after[0] if after else None,
                      before[-1] if before else None, at))
    return found


def _deviations(steps: pd.DataFrame, found: pd.DataFrame,
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deviations weighted by journeys, overall and per pair of care levels.

    ``steps`` has one row per deviating move of a variant (``trace``);
    ``found`` the journeys per (``trace``, ``levels``) with their count ``n``.
    A deviation counts once per journey, however often it recurs in it.
    """
    keys = ["kind", "activity", "next_activity", "previous_activity"]
    if steps.empty:
        return _empty(DEVIATION_COLUMNS), _empty(LEVEL_DEVIATION_COLUMNS)
    steps = steps.fillna({"next_activity": "", "previous_activity": ""})
    per_trace = steps.drop_duplicates(["trace", *keys]).merge(
        found.groupby("trace", as_index=False)["n"].sum(), on="trace")
    overall = (per_trace.groupby(keys, as_index=False)["n"].sum()
               .rename(columns={"n": "journeys"}))
    levels = found.assign(level=found["levels"].str.split(_SEP))[["trace", "levels", "n",
                                                                 "level"]]
    levels = levels.explode("level", ignore_index=True)
    levels["position"] = levels.groupby(["trace", "levels"]).cumcount()
    placed = steps.merge(found[["trace", "levels", "n"]], on="trace")
    here = levels.rename(columns={"level": "to_level"})
    before = levels.assign(position=levels["position"] + 1).rename(
        columns={"level": "from_level"})
    placed = (placed.merge(here[["trace", "levels", "position", "to_level"]],
                           on=["trace", "levels", "position"], how="left")
              .merge(before[["trace", "levels", "position", "from_level"]],
                     on=["trace", "levels", "position"], how="left"))
    placed = placed.drop_duplicates(["trace", "levels", *keys, "from_level", "to_level"])
    by_level = (placed.groupby([*keys, "from_level", "to_level"], as_index=False,
                               dropna=False)["n"].sum()
                .rename(columns={"n": "journeys"}))
    order = ["journeys", *keys]
    ascending = [False, True, True, True, True]
    overall = overall.sort_values(order, ascending=ascending, ignore_index=True)
    # every column in the order, so equal counts come out the same way each run
    by_level = by_level.sort_values([*order, "from_level", "to_level"],
                                    ascending=[*ascending, True, True], na_position="first",
                                    kind="stable", ignore_index=True)
    for frame in (overall, by_level):
        frame[["next_activity", "previous_activity"]] = frame[
            ["next_activity", "previous_activity"]].replace("", None)
    return overall[list(DEVIATION_COLUMNS)], by_level[list(LEVEL_DEVIATION_COLUMNS)]
