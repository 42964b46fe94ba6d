"""Length of stay and bed-days per municipality of residence."""

from __future__ import annotations

from pathways.analyse.measures.base import (
    DAY_US,
    Headline,
    Measure,
    _float,
    _int,
    _ratio,
)
from pathways.analyse.measures.catalogue import measure_words
from pathways.analyse.measures.stays import _stays_measure, materialize_stays
from pathways.log import EventLog


def length_of_stay(log: EventLog) -> Measure:
    """Length of stay and bed-days per municipality of residence.

    Length of stay is the elapsed time from admission to discharge (or death)
    in days of 24 hours, over ended stays; bed-days are their sum. The
    municipality is the one on the admission event, else the case's.

    Returns
    -------
    Measure
        ``table``: ``municipality``, ``stays``, ``patients``, ``bed_days``,
        ``mean_los_days``, ``median_los_days``, ``bed_days_80plus``.
    """
    source = materialize_stays(log)
    log.engine.materialize("_m_los", f"""
        SELECT case_id, municipality, age, discharge_us - admit_us AS los_us,
               (discharge_us - admit_us) / {DAY_US}.0 AS los
        FROM _m_stays WHERE discharge_us IS NOT NULL
    """)
    # Sums of whole microseconds, divided once: a sum of floats in parallel
    # differs in its last digits from run to run, and the report must not.
    table = log.engine.query(f"""
        SELECT municipality, count(*) AS stays, count(DISTINCT case_id) AS patients,
               sum(los_us) / {DAY_US}.0 AS bed_days, avg(los_us) / {DAY_US}.0 AS mean_los_days,
               median(los) AS median_los_days,
               coalesce(sum(CASE WHEN age >= 80 THEN los_us END), 0) / {DAY_US}.0
                   AS bed_days_80plus
        FROM _m_los GROUP BY municipality ORDER BY bed_days DESC, municipality
    """)
    totals = log.engine.query(f"""
        SELECT count(*) AS stays, sum(los_us) / {DAY_US}.0 AS bed_days,
               median(los) AS median_los,
               sum(CASE WHEN age >= 80 THEN los_us END) / {DAY_US}.0 AS old_days,
               (SELECT count(*) FROM _m_stays) AS all_stays
        FROM _m_los
    """).iloc[0]
    bed_days = _float(totals["bed_days"])
    old = _float(totals["old_days"])
    stays = _int(totals["stays"])
    words = measure_words("length_of_stay")
    return _stays_measure(
        words, source, table=table,
        summary={
            "ended_stays": _ratio(words.label("ended_stays"), stays, totals["all_stays"]),
            "bed_days": Headline(words.label("bed_days"), bed_days, None, stays, "days"),
            "median_los": Headline(words.label("median_los"), _float(totals["median_los"]),
                                   None, stays, "days"),
            "bed_days_80plus": Headline(
                words.label("bed_days_80plus"),
                old / bed_days if old is not None and bed_days else None, None, None, "share"),
        },
        reference=words.references(),
        count_columns=("stays", "patients"),
    )
