"""Readmissions: a new admission within N days of a discharge."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pathways.analyse.measures.base import (
    DAY_US,
    Headline,
    Measure,
    _next_event_after,
    _ratio,
    _times,
)
from pathways.analyse.measures.catalogue import measure_words
from pathways.analyse.measures.stays import _stays_measure, materialize_stays
from pathways.errors import OptionError
from pathways.log import MAX_WINDOW_DAYS, EventLog


def _readmission_windows(days: Sequence[int], extra_days: int | Sequence[int] | None) -> list[int]:
    extra = [] if extra_days is None else (
        [extra_days] if isinstance(extra_days, int) else list(extra_days))
    windows = sorted({*days, *extra})
    for d in windows:
        if not isinstance(d, int) or isinstance(d, bool) or d <= 0:
            raise OptionError(f"readmission days must be positive whole days; got {d!r}.")
        if d > MAX_WINDOW_DAYS:
            raise OptionError(f"readmission days must be at most {MAX_WINDOW_DAYS} "
                              f"(20 years); got {d} (--readmission-days).")
    if not windows:
        raise OptionError("readmissions needs at least one window in days, e.g. days=(28,).")
    return windows


def _readmission_targets(log: EventLog) -> str:
    """Events that count as a readmission: stay starts and returns to the ED."""
    return (f"SELECT case_id, admit_us AS ts_us FROM _m_stays UNION ALL "
            f"SELECT case_id, ts_us FROM {log.table} WHERE activity_role = 'emergency_return'")


def _readmission_table(log: EventLog, windows: list[int]) -> pd.DataFrame:
    values = ", ".join(f"({d})" for d in windows)
    end = log.end_of_observation_us
    return log.engine.query(f"""
        WITH d AS (SELECT * FROM (VALUES {values}) AS v(window_days)),
        g AS (SELECT 'all' AS age_group UNION ALL SELECT '80+'),
        x AS (
            SELECT d.window_days, g.age_group, r.case_id,
                   CASE WHEN r.next_us IS NOT NULL
                        AND r.next_us - r.ts_us <= d.window_days * {DAY_US}
                        THEN 1 ELSE 0 END AS readmitted
            FROM _m_readmit r CROSS JOIN d CROSS JOIN g
            WHERE r.ts_us + d.window_days * {DAY_US} <= {end}
              AND (g.age_group = 'all' OR r.age >= 80)
        )
        SELECT d.window_days, g.age_group, count(x.case_id) AS discharges,
               coalesce(sum(x.readmitted), 0) AS readmitted,
               count(DISTINCT x.case_id) AS patients,
               count(DISTINCT CASE WHEN x.readmitted = 1 THEN x.case_id END)
                   AS patients_readmitted
        FROM d CROSS JOIN g LEFT JOIN x
             ON x.window_days = d.window_days AND x.age_group = g.age_group
        GROUP BY d.window_days, g.age_group ORDER BY d.window_days, g.age_group DESC
    """)


def readmissions(log: EventLog, *, days: Sequence[int] = (28, 61),
                 extra_days: int | Sequence[int] | None = None) -> Measure:
    """Readmissions: a new admission within N days of a discharge.

    Every discharge (not death) that ends a stay is an index discharge. It is
    readmitted within N days when the same case has a new admission, or a
    return to the emergency department (role ``emergency_return``, as in the
    Sepsis log, whose returns are not followed by an admission event), later
    than the discharge and no more than N × 24 hours after it. Only discharges
    whose whole window lies inside the observation period count.

    Parameters
    ----------
    log : EventLog
    days : sequence of int
        Windows in days: 28 and 61 (two months) as the white paper counts.
    extra_days : int or sequence of int, optional
        More windows on request, such as 30.

    Returns
    -------
    Measure
        ``table``: ``window_days``, ``age_group`` (``all``, ``80+``),
        ``discharges``, ``readmitted``, ``share``, ``patients``,
        ``patients_readmitted``, ``patient_share``. ``cases``: each index
        discharge with ``discharge_time``, ``next_admission_time`` and
        ``days_to_next``.

    Examples
    --------
    >>> import pathways
    >>> m = pathways.measures.readmissions(pathways.read("eventlogs/sample.csv"))
    >>> m.summary["readmitted_28d"].unit
    'share'
    """
    windows = _readmission_windows(days, extra_days)
    source = materialize_stays(log)
    index = ("SELECT case_id, discharge_us AS ts_us, stay_no, age FROM _m_stays "
             "WHERE end_role = 'discharge'")
    log.engine.materialize("_m_readmit", _next_event_after(
        index, _readmission_targets(log), select="stay_no, age"))
    table = _readmission_table(log, windows)
    table["share"] = table["readmitted"] / table["discharges"].where(table["discharges"] > 0)
    table["patient_share"] = (table["patients_readmitted"]
                              / table["patients"].where(table["patients"] > 0))
    cases = _times(log.engine.query(f"""
        SELECT case_id, stay_no, ts_us AS discharge_time, next_us AS next_admission_time,
               (next_us - ts_us) / {DAY_US}.0 AS days_to_next
        FROM _m_readmit ORDER BY case_id, stay_no
    """), ["discharge_time", "next_admission_time"])
    words = measure_words("readmissions")
    return _stays_measure(
        words, source, values={"windows": ", ".join(map(str, windows))},
        thresholds={"days": windows}, table=table,
        summary=_readmission_summary(table, windows),
        reference=words.references(),
        cases=cases,
        count_columns=("discharges", "readmitted", "patients", "patients_readmitted"),
    )


def _readmission_summary(table: pd.DataFrame, windows: list[int]) -> dict[str, Headline]:
    words = measure_words("readmissions")
    summary: dict[str, Headline] = {}
    for d in windows:
        for group, suffix in (("all", ""), ("80+", "_80plus")):
            row = table[(table["window_days"] == d) & (table["age_group"] == group)].iloc[0]
            summary[f"readmitted_{d}d{suffix}"] = _ratio(
                words.label(f"readmitted{suffix}", days=d), row["readmitted"],
                row["discharges"])
    return summary
