"""Resource concentration: contacts and bed-days used by the heaviest users."""

from __future__ import annotations

import pandas as pd

from pathways.analyse.measures.base import (
    DAY_US,
    Headline,
    Measure,
    _float,
    _int,
    _share,
)
from pathways.analyse.measures.catalogue import measure_words
from pathways.analyse.measures.stays import _stays_measure, materialize_stays
from pathways.errors import OptionError
from pathways.log import EventLog


def resource_concentration(log: EventLog, *, top_share: float = 0.10) -> Measure:
    """Measure the share of contacts and bed-days used by the top ``top_share`` of patients.

    Contacts are events at a known care level other than ``home``; bed-days
    are the lengths of ended stays (:func:`length_of_stay`). Patients are
    ranked by each separately (ties by case id); the top group is the first
    ceil(``top_share`` × patients).

    Returns
    -------
    Measure
        ``table`` per decile of patients (1 = heaviest users): ``decile``,
        ``patients``, ``contacts``, ``contact_share``, ``bed_days``,
        ``bed_day_share``.
    """
    if not isinstance(top_share, int | float) or not 0 < top_share < 1:
        raise OptionError(f"top_share must be a fraction between 0 and 1; got {top_share!r}.")
    source = materialize_stays(log)
    table = _deciles(log)
    top = log.engine.query(f"""
        SELECT max(n) AS n, ceil(max(n) * {top_share}) AS k,
               sum(CASE WHEN contact_rank <= ceil(n * {top_share}) THEN contacts END)
                   AS top_contacts, sum(contacts) AS contacts,
               sum(CASE WHEN bed_rank <= ceil(n * {top_share}) THEN bed_us END) / {DAY_US}.0
                   AS top_beds,
               sum(bed_us) / {DAY_US}.0 AS bed_days
        FROM _m_use
    """).iloc[0]
    beds = _float(top["bed_days"])
    words = measure_words("resource_concentration")
    percent = top_share * 100
    return _stays_measure(
        words, source, values={"percent": percent}, thresholds={"top_share": top_share},
        table=table,
        summary={
            "top_patients": Headline(words.label("top_patients", percent=percent),
                                     _int(top["k"]), _int(top["k"]), _int(top["n"])),
            "contact_share": Headline(
                words.label("contact_share", percent=percent),
                _share(_int(top["top_contacts"]), _int(top["contacts"])),
                _int(top["top_contacts"]), _int(top["contacts"]), "share"),
            "bed_day_share": Headline(
                words.label("bed_day_share", percent=percent),
                (_float(top["top_beds"]) or 0.0) / beds if beds else None, None, None, "share"),
        },
        reference=words.references(),
        count_columns=("patients",),
    )


def _deciles(log: EventLog) -> pd.DataFrame:
    """Materialise ``_m_use`` (contacts and bed-days per patient, ranked); the deciles."""
    log.engine.materialize("_m_use", f"""
        WITH c AS (
            SELECT case_id, sum(CASE WHEN care_level IS NOT NULL AND care_level <> 'home'
                                     THEN 1 ELSE 0 END) AS contacts
            FROM {log.table} GROUP BY case_id
        ), b AS (
            SELECT case_id, sum(discharge_us - admit_us) AS bed_us
            FROM _m_stays WHERE discharge_us IS NOT NULL GROUP BY case_id
        )
        SELECT c.case_id, c.contacts, coalesce(b.bed_us, 0) AS bed_us,
               coalesce(b.bed_us, 0) / {DAY_US}.0 AS bed_days,
               row_number() OVER (ORDER BY c.contacts DESC, c.case_id) AS contact_rank,
               row_number() OVER (ORDER BY coalesce(b.bed_us, 0) DESC, c.case_id) AS bed_rank,
               count(*) OVER () AS n
        FROM c LEFT JOIN b ON b.case_id = c.case_id
    """)
    # Bed-days are summed as whole microseconds and divided once, so that the
    # sums do not differ in their last digits from run to run.
    return log.engine.query(f"""
        WITH d AS (
            SELECT *, floor((contact_rank - 1) * 10.0 / n) + 1 AS contact_decile,
                   floor((bed_rank - 1) * 10.0 / n) + 1 AS bed_decile FROM _m_use
        ), a AS (SELECT contact_decile AS decile, count(*) AS patients, sum(contacts) AS contacts
                 FROM d GROUP BY contact_decile),
        b AS (SELECT bed_decile AS decile, sum(bed_us) AS bed_us FROM d GROUP BY bed_decile)
        SELECT CAST(a.decile AS INTEGER) AS decile, a.patients, a.contacts,
               a.contacts / sum(a.contacts) OVER () AS contact_share,
               b.bed_us / {DAY_US}.0 AS bed_days,
               b.bed_us / nullif(sum(b.bed_us) OVER (), 0) AS bed_day_share
        FROM a JOIN b ON a.decile = b.decile ORDER BY decile
    """)
