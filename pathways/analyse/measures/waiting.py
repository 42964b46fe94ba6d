"""Waiting at transitions between care levels, and between units within a level."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pathways.analyse.measures.base import (
    HOUR_US,
    Headline,
    Measure,
    _check_positive,
    _int,
    _ratio,
    _times,
)
from pathways.analyse.measures.catalogue import MeasureWords, measure_words
from pathways.analyse.transitions import transition_steps_sql
from pathways.enrich.levels import level_by_id
from pathways.log import EventLog


def _wait_stats(log: EventLog, steps: str, keys: Sequence[str], factor: float) -> pd.DataFrame:
    """Waiting-time quartiles per group and the outlier threshold Q3 + factor × IQR."""
    group = ", ".join(keys)
    log.engine.materialize("_m_wait_norm", f"""
        SELECT {group}, quantile_cont(wait_hours, 0.25) AS q1_hours,
               median(wait_hours) AS median_hours,
               quantile_cont(wait_hours, 0.75) AS q3_hours
        FROM {steps} GROUP BY {group}
    """)
    join = " AND ".join(f"n.{k} = s.{k}" for k in keys)
    log.engine.materialize("_m_wait_flagged", f"""
        SELECT s.*, n.median_hours,
               n.q3_hours + {factor} * (n.q3_hours - n.q1_hours) AS threshold_hours
        FROM {steps} s JOIN _m_wait_norm n ON {join}
    """)
    return log.engine.query(f"""
        SELECT {group}, count(*) AS transitions, count(DISTINCT case_id) AS cases,
               min(median_hours) AS median_hours, min(threshold_hours) AS threshold_hours,
               sum(CASE WHEN wait_hours > threshold_hours THEN 1 ELSE 0 END) AS outliers,
               max(wait_hours) AS max_hours
        FROM _m_wait_flagged GROUP BY {group} ORDER BY transitions DESC, {group}
    """)


def _outlier_cases(log: EventLog, columns: str) -> pd.DataFrame:
    frame = log.engine.query(f"""
        SELECT case_id, {columns}, from_ts_us AS from_time, to_ts_us AS to_time,
               wait_hours, median_hours, threshold_hours
        FROM _m_wait_flagged WHERE wait_hours > threshold_hours
        ORDER BY wait_hours DESC, case_id
    """)
    return _times(frame, ["from_time", "to_time"])


def _wait_summary(table: pd.DataFrame, words: MeasureWords) -> dict[str, Headline]:
    total = _int(table["transitions"].sum())
    outliers = _int(table["outliers"].sum())
    return {
        "transitions": Headline(words.label("transitions"), total, total),
        "outliers": _ratio(words.label("outliers"), outliers, total),
    }


def waiting_at_transitions(log: EventLog, *, outlier_factor: float = 3.0) -> Measure:
    """Measure waiting at transitions between care levels; find those far above the norm.

    A transition is two consecutive events of a case at different known levels;
    its waiting time runs from the end of the first event (its start when it
    has no end) to the start of the second. The norm of a level pair is its
    median; a transition is an outlier when it waits more than
    Q3 + ``outlier_factor`` × IQR of its pair (Tukey's far-out fence at 3),
    a threshold that adapts to each pair's spread, as DESIGN §2 asks.

    Parameters
    ----------
    log : EventLog
    outlier_factor : float
        Multiple of the pair's interquartile range above Q3.

    Returns
    -------
    Measure
        ``table``: ``from_level``, ``to_level``, ``cross_tier``, ``transitions``,
        ``cases``, ``median_hours``, ``threshold_hours``, ``outliers``,
        ``max_hours``. ``cases``: each outlier transition (``case_id``,
        ``from_level``, ``to_level``, ``from_time``, ``to_time``,
        ``wait_hours``, ``median_hours``, ``threshold_hours``).
    """
    _check_positive("outlier_factor", outlier_factor)
    log.engine.materialize("_m_steps", transition_steps_sql(log.table))
    table = _wait_stats(log, "_m_steps", ("from_level", "to_level"), outlier_factor)
    tiers = {lid: lv.tier for lid, lv in level_by_id().items()}
    a, b = table["from_level"].map(tiers), table["to_level"].map(tiers)
    known = a.isin(["municipal", "specialist"]) & b.isin(["municipal", "specialist"])
    table.insert(2, "cross_tier", known & (a != b))
    words = measure_words("waiting_at_transitions")
    return Measure(
        name="waiting_at_transitions",
        title=words.title, definition=words.definition(factor=outlier_factor),
        thresholds={"norm": "median", "outlier_factor": outlier_factor,
                    "outlier_threshold": "Q3 + outlier_factor × IQR per level pair"},
        table=table,
        summary=_wait_summary(table, words),
        cases=_outlier_cases(log, "from_level, to_level"),
        count_columns=("transitions", "cases", "outliers"),
    )


def unit_transitions(log: EventLog, *, outlier_factor: float = 3.0) -> Measure:
    """Transitions between units within one care level (two departments, two GPs).

    A unit transition is two consecutive events of a case at the same level and
    different known units (``resource``), as in box 5.1's breaks between parts
    of one service. Waiting time and outliers as in
    :func:`waiting_at_transitions`, per level.

    Returns
    -------
    Measure
        ``table``: ``care_level``, ``transitions``, ``cases``, ``median_hours``,
        ``threshold_hours``, ``outliers``, ``max_hours`` (unit names are left
        out: they may name clinicians). ``cases``: each outlier transition with
        its units (``from_resource``, ``to_resource``).
    """
    _check_positive("outlier_factor", outlier_factor)
    log.engine.materialize("_m_unit_steps", f"""
        SELECT case_id, care_level, resource AS from_resource, next_resource AS to_resource,
               ts_us AS from_ts_us, next_ts_us AS to_ts_us,
               (next_ts_us - coalesce(end_us, ts_us)) / {HOUR_US}.0 AS wait_hours
        FROM {log.table}
        WHERE care_level IS NOT NULL AND care_level = next_care_level
          AND resource IS NOT NULL AND next_resource IS NOT NULL
          AND resource <> next_resource
    """)
    table = _wait_stats(log, "_m_unit_steps", ("care_level",), outlier_factor)
    words = measure_words("unit_transitions")
    return Measure(
        name="unit_transitions",
        title=words.title, definition=words.definition(factor=outlier_factor),
        thresholds={"norm": "median", "outlier_factor": outlier_factor},
        table=table,
        summary=_wait_summary(table, words),
        cases=_outlier_cases(log, "care_level, from_resource, to_resource"),
        count_columns=("transitions", "cases", "outliers"),
    )
