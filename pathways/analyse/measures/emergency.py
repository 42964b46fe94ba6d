"""Emergency admissions: their share, and those with no GP contact before."""

from __future__ import annotations

import pandas as pd

from pathways.analyse.measures.base import DAY_US, Measure, _ratio
from pathways.analyse.measures.catalogue import measure_words
from pathways.analyse.measures.stays import _stays_measure, materialize_stays
from pathways.errors import OptionError
from pathways.log import EventLog


def emergency_admissions(log: EventLog, *, gp_lookback_days: int = 7) -> Measure:
    """Emergency share of admissions, and emergency admissions with no GP contact before.

    An admission (start of a stay) is an emergency when its role is
    ``admission_emergency`` or an urgency column (``Hastegrad``, ``urgency``,
    ``admission_type``, ``innleggelsestype``) says *ø-hjelp*, *akutt*,
    *emergency* or the like; elective when its role is ``admission_elective`` or
    the column says *elektiv* or *planlagt*; unknown otherwise. The emergency
    share is over admissions of known urgency; the unknown ones are counted
    apart (a log with no urgency at all gives no share). An
    emergency admission has *no GP contact* when the case has no event at level
    ``gp`` in the ``gp_lookback_days`` × 24 hours before it.

    Returns
    -------
    Measure
        ``table`` by ``age_group`` (``all``, ``80+``): ``admissions``,
        ``emergency``, ``elective``, ``unknown``, ``emergency_no_gp``.
    """
    if not isinstance(gp_lookback_days, int) or isinstance(gp_lookback_days, bool) \
            or gp_lookback_days < 1:
        raise OptionError(f"gp_lookback_days must be a whole number of at least 1; "
                          f"got {gp_lookback_days!r}.")
    source = materialize_stays(log)
    table = _admissions_table(log, gp_lookback_days)
    rows = table.set_index("age_group")
    known = rows["emergency"] + rows["elective"]
    days = gp_lookback_days
    words = measure_words("emergency_admissions")
    return _stays_measure(
        words, source, values={"days": days}, thresholds={"gp_lookback_days": days},
        table=table,
        summary={
            "emergency_share": _ratio(words.label("emergency_share"),
                                      rows.loc["all", "emergency"], known["all"]),
            "emergency_share_80plus": _ratio(words.label("emergency_share_80plus"),
                                             rows.loc["80+", "emergency"], known["80+"]),
            "unknown_urgency": _ratio(words.label("unknown_urgency"),
                                      rows.loc["all", "unknown"], rows.loc["all", "admissions"]),
            "no_gp_before": _ratio(words.label("no_gp_before", days=days),
                                   rows.loc["all", "emergency_no_gp"],
                                   rows.loc["all", "emergency"]),
        },
        reference=words.references(days=days),
        count_columns=("admissions", "emergency", "elective", "unknown", "emergency_no_gp"),
    )


def _admissions_table(log: EventLog, gp_lookback_days: int) -> pd.DataFrame:
    """Admissions by urgency, and emergencies with no GP event before, for all and 80+."""
    log.engine.materialize("_m_gp_before", f"""
        WITH u AS (
            SELECT case_id, ts_us, 0 AS kind, NULL AS urgency, NULL AS age
            FROM {log.table} WHERE care_level = 'gp'
            UNION ALL
            SELECT case_id, admit_us, 1, urgency, age FROM _m_stays
        ), w AS (
            SELECT *, max(CASE WHEN kind = 0 THEN ts_us END) OVER (
                PARTITION BY case_id ORDER BY ts_us, kind
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS gp_us
            FROM u
        )
        SELECT case_id, ts_us, urgency, age,
               CASE WHEN gp_us IS NOT NULL AND ts_us - gp_us <= {gp_lookback_days * DAY_US}
                    THEN 1 ELSE 0 END AS gp_before
        FROM w WHERE kind = 1
    """)
    return log.engine.query("""
        WITH g AS (SELECT 'all' AS age_group UNION ALL SELECT '80+')
        SELECT g.age_group, count(a.case_id) AS admissions,
               coalesce(sum(CASE WHEN urgency = 'emergency' THEN 1 ELSE 0 END), 0) AS emergency,
               coalesce(sum(CASE WHEN urgency = 'elective' THEN 1 ELSE 0 END), 0) AS elective,
               coalesce(sum(CASE WHEN urgency IS NULL THEN 1 ELSE 0 END), 0) AS unknown,
               coalesce(sum(CASE WHEN urgency = 'emergency' AND gp_before = 0
                                 THEN 1 ELSE 0 END), 0) AS emergency_no_gp
        FROM g LEFT JOIN _m_gp_before a ON g.age_group = 'all' OR a.age >= 80
        GROUP BY g.age_group ORDER BY g.age_group DESC
    """)
