"""Conformance: how well the real journeys fit a reference model of the pathway.

This module imports pm4py (lazily), the second place besides
:mod:`pathways.analyse.discovery` that does: conformance checking is pm4py's.

**The reference model.** A pathway file holds timed rules, not a process
model, so the reference Petri net is discovered: pm4py's inductive miner with
a noise threshold (default 0.2, so infrequent behaviour is left out of the
model) on the journeys of the pathway's cohort, projected onto the
activities the pathway's rules name (their ``after`` and ``expect``
matchers). It is thus "the standard route through the steps the pathway cares
about, as most of these patients take it". Without a pathway, the model is
mined from all journeys and all activities. **Fitness** is pm4py's token-based
replay fitness per journey (1: fits completely). Journeys below a fitness
threshold (default 0.8) are counted as atypical: so unlike the standard
pathway that it does not fit them (white paper ch. 5, 004:4344–4372).
Logs with many cases are replayed on a deterministic sample (by a hash of
the case id), and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from pathways.analyse.rules import Pathway
from pathways.errors import PathwaysError
from pathways.log import EventLog

#: At most this many journeys are replayed.
MAX_CASES = 3000


@dataclass(frozen=True)
class Conformance:
    """Token-replay fitness of journeys against a reference model.

    Attributes
    ----------
    pathway : str or None
        The pathway the model stands for (None: all journeys).
    activities : tuple of str
        Activities the model and the replay use.
    cases : int
        Journeys in scope; ``replayed`` of them were replayed (a sample when fewer).
    replayed : int
    fitness : tuple of float
        Fitness per replayed journey, sorted.
    noise, threshold : float
        The miner's noise threshold and the atypical limit.
    """

    pathway: str | None
    activities: tuple[str, ...]
    cases: int
    replayed: int
    fitness: tuple[float, ...]
    noise: float
    threshold: float

    @property
    def mean(self) -> float | None:
        """Mean fitness."""
        return sum(self.fitness) / len(self.fitness) if self.fitness else None

    @property
    def fitting(self) -> int:
        """Journeys that fit completely."""
        return sum(1 for f in self.fitness if f >= 1.0 - 1e-9)

    @property
    def atypical(self) -> int:
        """Journeys with fitness below the threshold."""
        return sum(1 for f in self.fitness if f < self.threshold)


def conformance(log: EventLog, *, pathway: Pathway | None = None, cohort: str | None = None,
                noise: float = 0.2, threshold: float = 0.8) -> Conformance:
    """Fitness of the journeys against a reference model (see the module notes).

    Parameters
    ----------
    pathway : Pathway, optional
        Limit the activities to those its rules name.
    cohort : str, optional
        Only the cases of this cohort.
    noise : float
        Noise threshold of the inductive miner (0: every behaviour in the model).
    threshold : float
        Fitness below this counts as atypical.
    """
    import pm4py
    from pm4py.util import constants

    constants.SHOW_PROGRESS_BAR = False  # pm4py's bar would write to our stderr
    where = ["1 = 1"]
    names: tuple[str, ...] = ()
    if pathway is not None:
        names = tuple(sorted({a for r in pathway.rules for m in (r.after, r.expect) if m
                              for a in (*m.activities, *m.activity_keys)}))
        if names:
            listed = ", ".join("'" + n.replace("'", "''").lower() + "'" for n in names)
            where.append(f"(lower(activity_key) IN ({listed}) OR lower(activity) IN ({listed}))")
    if cohort is not None:
        where.append("case_id IN (SELECT case_id FROM case_cohorts WHERE cohort = "
                     f"'{cohort.replace(chr(39), chr(39) * 2)}')")
    condition = " AND ".join(where)
    in_scope = log.engine.scalar(
        f"SELECT count(DISTINCT case_id) FROM {log.table} WHERE {condition}")
    frame = log.engine.query(f"""
        SELECT case_id, activity, timestamp FROM {log.table}
        WHERE {condition} AND case_id IN (
            SELECT DISTINCT case_id FROM {log.table} WHERE {condition}
            ORDER BY md5(case_id) LIMIT {MAX_CASES})
        ORDER BY case_id, event_idx""")
    used = tuple(sorted(frame["activity"].unique()))
    if frame.empty:
        return Conformance(pathway.name if pathway else None, used, 0, 0, (), noise, threshold)
    keys = {"activity_key": "activity", "case_id_key": "case_id",
            "timestamp_key": "timestamp"}
    try:
        net, initial, final = pm4py.discover_petri_net_inductive(
            frame, noise_threshold=noise, **keys)
        replay = pm4py.conformance_diagnostics_token_based_replay(
            frame, net, initial, final, **keys)
    except Exception as err:  # pm4py raises bare exceptions
        raise PathwaysError(f"pm4py could not check conformance: {err}") from err
    fitness = tuple(sorted(float(r["trace_fitness"]) for r in replay))
    return Conformance(pathway=pathway.name if pathway else None, activities=used,
                       cases=int(in_scope or 0), replayed=len(fitness), fitness=fitness,
                       noise=noise, threshold=threshold)
