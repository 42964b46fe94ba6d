"""One row per trigger with its outcome: the denominators of break rates by group.

:func:`pathways.analyse.breaks.evaluate` gives rates per rule; a report also
needs them per month, level pair, municipality and hospital, with the same
definition (broken triggers / evaluated triggers). ``evaluate`` keeps the
outcome of every trigger in the engine (the table its result names as
``outcomes``: rule, case, event, time and outcome); this module adds the
groups to it.
"""

from __future__ import annotations

import pandas as pd

from pathways.analyse.breaks import BreakResult, evaluate
from pathways.log import EventLog

#: Outcomes that are breaks, and outcomes that count in the denominator.
BROKEN = ("late", "missing", "occurred")
EVALUATED = ("met", *BROKEN)


def trigger_outcomes(log: EventLog, *, pathway: object = None, rules: object = None,
                     cohort: str | None = None) -> tuple[BreakResult, pd.DataFrame]:
    """Evaluate the pathways and return the result with one row per evaluated trigger.

    Returns
    -------
    BreakResult
        As :func:`pathways.analyse.breaks.evaluate` returns it (the facts; the
        words are :func:`pathways.present.breaks.in_words`).
    DataFrame
        ``rule_no`` (position in ``result.summary``), ``case_id``, ``ts_us``,
        ``from_level`` (the trigger's level), ``municipality`` (the case's
        municipality of residence), ``hospital`` (the trigger's hospital trust,
        else the case's), ``outcome`` (``met``, ``late``, ``missing``,
        ``occurred``) and ``broken`` (bool). Excused triggers and open windows
        are left out, as they are from the rate's denominator.
    """
    result = evaluate(log, pathway=pathway, rules=rules, cohort=cohort)  # type: ignore[arg-type]
    frame = log.engine.query(f"""
        WITH c AS (
            SELECT case_id, max(municipality) AS municipality, max(hospital) AS hospital
            FROM {log.table} GROUP BY case_id
        )
        SELECT o.rule_no, o.case_id, o.ts_us, e.care_level AS from_level, c.municipality,
               coalesce(e.hospital, c.hospital) AS hospital, o.outcome
        FROM {result.outcomes} o JOIN c ON c.case_id = o.case_id
        LEFT JOIN {log.table} e ON e.case_id = o.case_id AND e.event_idx = o.event_idx
        WHERE o.outcome IN ({", ".join(repr(x) for x in EVALUATED)})
        ORDER BY o.rule_no, o.case_id, o.ts_us
    """)
    frame["broken"] = frame["outcome"].isin(BROKEN)
    return result, frame
