"""Directly-follows graph, level transitions and variants, computed in the engine.

All three reuse the order the reader stored (``event_idx`` and the ``next_*``
columns), so none of them sorts the log again. Waiting time between two
consecutive events is the time from the end of the first (its start when the
log has no end times) to the start of the second, in real elapsed hours.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd

from pathways.log import EventLog

HOUR_US = 3_600_000_000

WAIT_HOURS = f"(next_ts_us - coalesce(end_us, ts_us)) / {HOUR_US}.0"


def activity_counts(log: EventLog) -> pd.DataFrame:
    """Events per activity: columns ``activity``, ``count``, ``cases``."""
    return log.engine.query(f"""
        SELECT activity, count(*) AS count, count(DISTINCT case_id) AS cases
        FROM {log.table} GROUP BY activity ORDER BY count DESC, activity
    """)


def directly_follows(log: EventLog) -> pd.DataFrame:
    """The directly-follows graph with frequency and performance.

    Returns
    -------
    DataFrame
        One row per edge: ``source``, ``target``, ``count`` (times ``target``
        directly follows ``source`` in a case) and ``median_hours`` (median
        waiting time), ordered by count. Messages between levels (a log read
        from a sources file) are left out, as in the level map: the events
        around a message follow each other directly (docs/sources.md).
    """
    # One scan and one aggregate: the successor is stored beside each event,
    # so there is no window to feed the median (and nothing to materialise).
    return log.engine.query(f"""
        SELECT activity AS source, next_activity AS target, count(*) AS count,
               median({WAIT_HOURS}) AS median_hours
        FROM {at_levels(log)} WHERE next_activity IS NOT NULL
        GROUP BY activity, next_activity
        ORDER BY count DESC, source, target
    """)


def start_end_activities(log: EventLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First and last activities of the cases, with counts (messages left out)."""
    events = at_levels(log)
    start = log.engine.query(f"""
        SELECT e.activity, count(*) AS count FROM {events} e
        JOIN (SELECT case_id, min(event_idx) AS first_idx FROM {events} GROUP BY case_id) f
          ON f.case_id = e.case_id AND f.first_idx = e.event_idx
        GROUP BY e.activity ORDER BY count DESC, e.activity
    """)
    end = log.engine.query(f"""
        SELECT activity, count(*) AS count FROM {events} WHERE next_activity IS NULL
        GROUP BY activity ORDER BY count DESC, activity
    """)
    return start, end


def at_levels(log: EventLog) -> str:
    """The log's events that happen at a level: all but messages (DESIGN §3b).

    A log read from a sources file marks messages between levels with
    ``event_kind = 'message'``; they draw no node or edge in the level map,
    no transition and no step of a level variant (the reader already makes
    every event's successor the next event that is not a message).
    """
    if "event_kind" not in log.columns():
        return log.table
    return f"(SELECT * FROM {log.table} WHERE event_kind IS DISTINCT FROM 'message')"


def level_activity_edges(log: EventLog) -> pd.DataFrame:
    """Directly-follows edges between (level, activity) nodes, for the level map.

    Columns: ``source_level``, ``source``, ``target_level``, ``target``,
    ``count``, ``median_hours``; unknown levels appear as NULL.
    """
    return log.engine.query(f"""
        SELECT care_level AS source_level, activity AS source,
               next_care_level AS target_level, next_activity AS target,
               count(*) AS count, median({WAIT_HOURS}) AS median_hours
        FROM {at_levels(log)} WHERE next_activity IS NOT NULL
        GROUP BY care_level, activity, next_care_level, next_activity
        ORDER BY count DESC, source, target, source_level, target_level
    """)


def level_activity_nodes(log: EventLog) -> pd.DataFrame:
    """Events per (level, activity): ``care_level``, ``activity``, ``count``."""
    return log.engine.query(f"""
        SELECT care_level, activity, count(*) AS count FROM {at_levels(log)}
        GROUP BY ALL ORDER BY count DESC, activity, care_level
    """)


def transition_steps_sql(table: str) -> str:
    """SQL for every transition: consecutive events of a case at different levels.

    Columns: ``case_id``, ``from_level``, ``to_level``, ``from_ts_us``,
    ``to_ts_us``, ``wait_hours``, ``from_resource``, ``to_resource``,
    ``organisation``.
    """
    return f"""
        SELECT case_id, care_level AS from_level, next_care_level AS to_level,
               ts_us AS from_ts_us, next_ts_us AS to_ts_us, {WAIT_HOURS} AS wait_hours,
               resource AS from_resource, next_resource AS to_resource, organisation,
               activity AS from_activity, next_activity AS to_activity
        FROM {table}
        WHERE next_care_level IS NOT NULL AND care_level IS NOT NULL
          AND care_level <> next_care_level
    """


def transitions(log: EventLog) -> pd.DataFrame:
    """Level transitions per pair of care levels, with waiting-time statistics.

    Returns
    -------
    DataFrame
        ``from_level``, ``to_level``, ``from_tier``, ``to_tier``, ``cross_tier``
        (between municipal and specialist services), ``count``, ``cases``,
        ``median_hours``, ``p75_hours``, ``p90_hours``; cross-tier pairs first,
        then by count.
    """
    from pathways.enrich.levels import level_by_id

    frame = log.engine.query(f"""
        SELECT from_level, to_level, count(*) AS count, count(DISTINCT case_id) AS cases,
               median(wait_hours) AS median_hours,
               quantile_cont(wait_hours, 0.75) AS p75_hours,
               quantile_cont(wait_hours, 0.90) AS p90_hours
        FROM ({transition_steps_sql(log.table)}) GROUP BY from_level, to_level
    """)
    tiers = {lid: lv.tier for lid, lv in level_by_id().items()}
    frame.insert(2, "from_tier", frame["from_level"].map(tiers))
    frame.insert(3, "to_tier", frame["to_level"].map(tiers))
    frame.insert(4, "cross_tier", _cross_tier(frame["from_tier"], frame["to_tier"]))
    frame = frame.sort_values(
        ["cross_tier", "count", "from_level", "to_level"], ascending=[False, False, True, True]
    )
    return frame.reset_index(drop=True)


#: Bin edges (hours) of the waiting-time histograms: 10 min, 1 h, 4 h, 12 h,
#: 1 d, 3 d, 1 w, 2 w, 30 d, 90 d.
WAIT_BINS = (1 / 6, 1, 4, 12, 24, 72, 168, 336, 720, 2160)


def waiting_distribution(log: EventLog) -> pd.DataFrame:
    """The shape of the waits per level pair, for box plots and small histograms.

    The same transitions and waits as :func:`transitions`
    (:func:`transition_steps_sql`), summarised differently.

    Returns
    -------
    DataFrame
        Indexed by ``from_level``, ``to_level``: the 10th, 25th, 50th, 75th and
        90th percentiles of the wait in hours (``p10`` … ``p90``) and the
        number of waits in each bin of :data:`WAIT_BINS` (``b0`` below the
        first edge … ``b10`` from the last edge on).
    """
    edges = (-math.inf, *WAIT_BINS, math.inf)
    bins = ", ".join(
        f"count(*) FILTER (WHERE wait_hours >= {_hours(lo)} AND wait_hours < {_hours(hi)})"
        f" AS b{i}" for i, (lo, hi) in enumerate(itertools.pairwise(edges)))
    frame = log.engine.query(f"""
        SELECT from_level, to_level,
               quantile_cont(wait_hours, 0.10) AS p10, quantile_cont(wait_hours, 0.25) AS p25,
               quantile_cont(wait_hours, 0.50) AS p50, quantile_cont(wait_hours, 0.75) AS p75,
               quantile_cont(wait_hours, 0.90) AS p90, {bins}
        FROM ({transition_steps_sql(log.table)}) GROUP BY 1, 2""")
    return frame.set_index(["from_level", "to_level"])


def _hours(edge: float) -> str:
    """A bin edge as SQL: infinities spelt the way DuckDB reads them."""
    return f"'{edge}'::DOUBLE" if math.isinf(edge) else repr(edge)


def _cross_tier(a: pd.Series, b: pd.Series) -> pd.Series:
    tiers = {"municipal", "specialist"}
    return a.isin(tiers) & b.isin(tiers) & (a != b)


def variants(log: EventLog, *, by: str = "activity", top: int | None = None) -> pd.DataFrame:
    """Variants: the distinct sequences of activities (or care levels) of the cases.

    Parameters
    ----------
    by : {'activity', 'care_level'}
        What a step of the sequence is. For care levels, repeats of the same
        level in a row are merged (a stay at a level is one step).
    top : int, optional
        Only the most frequent ones.

    Returns
    -------
    DataFrame
        ``variant`` (steps joined by ``" → "``), ``cases``, ``share``.
    """
    if by not in ("activity", "care_level"):
        raise ValueError(f"by must be one of 'activity', 'care_level'; got {by!r}.")
    if by == "activity":
        steps = f"SELECT case_id, event_idx, activity AS step FROM {log.table}"
    else:
        # A stay is the last event of each run of one level: the successor the
        # reader stored (the next event at a level) says where a run ends, so
        # no window has to sort each case again.
        steps = f"""
            SELECT case_id, event_idx, coalesce(care_level, '?') AS step FROM {at_levels(log)}
            WHERE next_activity IS NULL
               OR coalesce(next_care_level, '?') <> coalesce(care_level, '?')
        """
    limit = f"LIMIT {int(top)}" if top else ""
    return log.engine.query(f"""
        WITH seq AS (
            SELECT case_id, string_agg(step, ' → ' ORDER BY event_idx) AS variant
            FROM ({steps}) GROUP BY case_id
        )
        SELECT variant, count(*) AS cases,
               count(*) / sum(count(*)) OVER () AS share
        FROM seq GROUP BY variant ORDER BY cases DESC, variant {limit}
    """)
