"""Out-of-hours (*legevakt*) contacts and hospital admissions, both directions."""

from __future__ import annotations

import pandas as pd

from pathways.analyse.measures.base import (
    HOUR_US,
    Measure,
    _check_positive,
    _next_event_after,
    _ratio,
    _requiring,
)
from pathways.analyse.measures.catalogue import measure_words
from pathways.analyse.measures.stays import _stays_measure, materialize_stays
from pathways.log import EventLog


def out_of_hours_outcomes(log: EventLog, *, within_hours: float = 24) -> Measure:
    """Out-of-hours (*legevakt*) contacts and hospital admissions, both directions.

    A contact is an event at level ``out_of_hours`` whose previous event in the
    case was elsewhere (consecutive events there are one contact). Forward:
    the share of contacts followed by a hospital admission (start of a stay)
    within ``within_hours``, among contacts whose window is observed.
    Backward: the share of admissions preceded by a contact within
    ``within_hours``.

    Returns
    -------
    Measure
        ``table`` per municipality of residence: ``municipality``,
        ``contacts``, ``contacts_admitted``, ``admissions``,
        ``admissions_after_ooh``.
    """
    _check_positive("within_hours", within_hours)
    source = materialize_stays(log)
    table = _ooh_table(log, within_hours)
    words = measure_words("out_of_hours_outcomes")
    measure = _stays_measure(
        words, source, values={"hours": within_hours},
        thresholds={"within_hours": within_hours}, table=table,
        summary={
            "contacts_admitted": _ratio(words.label("contacts_admitted", hours=within_hours),
                                        table["contacts_admitted"].sum(),
                                        table["contacts"].sum()),
            "admissions_after_ooh": _ratio(
                words.label("admissions_after_ooh", hours=within_hours),
                table["admissions_after_ooh"].sum(), table["admissions"].sum()),
        },
        reference=words.references(hours=within_hours),
        count_columns=("contacts", "contacts_admitted", "admissions", "admissions_after_ooh"),
    )
    return _requiring(measure, log, "care_level = 'out_of_hours'", missing=words.missing)


def _ooh_table(log: EventLog, within_hours: float) -> pd.DataFrame:
    """Contacts followed by an admission and admissions after a contact, per municipality."""
    window = int(within_hours * HOUR_US)
    end = log.end_of_observation_us
    contacts = f"""
        SELECT case_id, ts_us, municipality FROM (
            SELECT case_id, ts_us, care_level, municipality,
                   lag(care_level) OVER (PARTITION BY case_id ORDER BY event_idx) AS prev
            FROM {log.table})
        WHERE care_level = 'out_of_hours' AND (prev IS NULL OR prev <> 'out_of_hours')
    """
    admissions = "SELECT case_id, admit_us AS ts_us FROM _m_stays"
    log.engine.materialize("_m_ooh_fwd", _next_event_after(
        contacts, admissions, select="municipality"))
    log.engine.materialize("_m_ooh_back", f"""
        WITH u AS (
            SELECT case_id, ts_us, 0 AS kind, NULL AS municipality FROM ({contacts})
            UNION ALL
            SELECT case_id, admit_us, 1, municipality FROM _m_stays
        ), w AS (
            SELECT *, max(CASE WHEN kind = 0 THEN ts_us END) OVER (
                PARTITION BY case_id ORDER BY ts_us, kind
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_us
            FROM u
        )
        SELECT case_id, ts_us, prev_us, municipality FROM w WHERE kind = 1
    """)
    return log.engine.query(f"""
        WITH f AS (
            SELECT municipality, count(*) AS contacts,
                   sum(CASE WHEN next_us - ts_us <= {window} THEN 1 ELSE 0 END)
                       AS contacts_admitted
            FROM _m_ooh_fwd WHERE ts_us + {window} <= {end} GROUP BY municipality
        ), b AS (
            SELECT municipality, count(*) AS admissions,
                   sum(CASE WHEN ts_us - prev_us <= {window} THEN 1 ELSE 0 END)
                       AS admissions_after_ooh
            FROM _m_ooh_back GROUP BY municipality
        )
        SELECT coalesce(f.municipality, b.municipality) AS municipality,
               coalesce(f.contacts, 0) AS contacts,
               coalesce(f.contacts_admitted, 0) AS contacts_admitted,
               coalesce(b.admissions, 0) AS admissions,
               coalesce(b.admissions_after_ooh, 0) AS admissions_after_ooh
        FROM f FULL OUTER JOIN b ON f.municipality = b.municipality
        ORDER BY admissions DESC, contacts DESC, municipality
    """)
