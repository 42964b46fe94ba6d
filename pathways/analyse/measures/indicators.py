"""National indicator presets (DESIGN §9): figures that reconcile with the published ones.

* :func:`nki_readmissions` — FHI's national quality indicator *reinnleggelse
  av eldre innen 30 dager*;
* :func:`samhandlingsbarometer_readmissions` — Samhandlingsbarometeret's
  readmissions (30 days, emergency, inpatient, rehabilitation excluded, all
  ages);
* :func:`followup_after_discharge` — Helsedirektoratet's *forløp etter
  utskrivning*: a GP or out-of-hours consultation or home visit within 7 and
  30 calendar days.

SAMDATA's discharge-ready days are :func:`~pathways.analyse.measures.
discharge_ready.discharge_ready_days`.

**Index stays.** Every indicator starts from hospital stays
(:mod:`pathways.analyse.measures.stays`) joined as DESIGN §3b says: for a
sources file the reader has already joined NPR's episodes (its
``join_within``); for a single log, stays of one case are joined here when
the next is admitted no more than 8 hours after the previous discharge
(SKDE's rule). A stay's urgency is that of its first part, its end that of
its last part; the age is the one recorded on the discharge (else on the
admission, else the case's largest).

**Windows.** An index counts only when its whole window lies inside the
observation period (up to the latest event, or ``--until``); those left out
are counted by reason (``window_open``, ``died``, ``too_young``,
``age_unknown``) and shown beside the figure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pathways.analyse.measures.base import (
    DAY_US,
    HOUR_US,
    Headline,
    Measure,
    _int,
    _next_event_after,
    _ratio,
    _times,
)
from pathways.analyse.measures.catalogue import measure_words, shared_words
from pathways.analyse.measures.stays import ADMISSION_ROLES, materialize_stays
from pathways.errors import OptionError
from pathways.log import EventLog
from pathways.sql import quote_identifier, sql_text

#: Age bands for indirect standardisation (lower bounds, whole years).
AGE_BANDS = (0, 18, 45, 67, 75, 80, 85, 90)
#: Contacts that are not a consultation or home visit (lower-cased activities).
NOT_CONSULTATION = ("enkel kontakt", "telefonkonsultasjon", "telefonkontakt", "telefon",
                    "simple contact", "telephone consultation", "telephone contact",
                    "telephone")
GP_LEVELS = ("gp", "out_of_hours")
#: Reasons an index is left out, in the order they are judged.
LEFT_OUT = ("too_young", "age_unknown", "window_open", "died")
#: Hours after a discharge before an emergency admission counts as a readmission.
GAP_HOURS = 8


def _column(log: EventLog, name: str) -> str:
    """SQL for a column of the log, or NULL when the log has none."""
    return quote_identifier(name) if name in log.columns() else "NULL"


def _local_day(us: str, timezone: str) -> str:
    """SQL for the local calendar date of a µs-since-epoch expression."""
    zone = sql_text(timezone)
    # AT TIME ZONE, not timezone(): sqlglot writes it as Spark's from_utc_timestamp.
    return f"CAST(to_timestamp(({us}) / 1000000.0) AT TIME ZONE '{zone}' AS DATE)"


def _sex_sql(log: EventLog) -> str:
    sex = f"lower(trim(CAST({_column(log, 'sex')} AS VARCHAR)))"
    return (f"CASE WHEN {sex} IN ('1', 'm', 'mann', 'menn', 'male', 'man') THEN 'mann' "
            f"WHEN {sex} IN ('2', 'k', 'f', 'kvinne', 'kvinner', 'female', 'woman') "
            "THEN 'kvinne' END")


def _band_sql(age: str) -> str:
    return ("CASE " + " ".join(f"WHEN {age} >= {lo} THEN {lo}" for lo in reversed(AGE_BANDS))
            + " END")


def materialize_index_stays(log: EventLog, *, join_hours: float = 8) -> dict[str, Any]:
    """Materialise the joined hospital stays as table ``_m_ix``; return how they were found.

    Columns: ``case_id``, ``stay_no`` (joined), ``admit_us``, ``discharge_us``,
    ``end_role``, ``urgency`` (``emergency``/``elective``/NULL, of the first
    part), ``municipality``, ``hospital``, ``age`` (at discharge), ``sex``
    (``mann``/``kvinne``/NULL), ``rehab`` (the stay is rehabilitation: level
    ``specialist_rehab`` or main diagnosis ICD-10 Z50), ``ready_us`` (the
    earliest discharge-ready notice), ``death_us`` (the case's first death).
    """
    source = materialize_stays(log)
    from_sources = "stay" in log.columns() and bool(log.engine.scalar(
        f"SELECT count(*) FROM {log.table} WHERE stay IS NOT NULL"))
    join_us = 0 if from_sources else int(join_hours * HOUR_US)
    joining = "-1" if from_sources else str(join_us)
    roles = ", ".join(f"'{r}'" for r in ADMISSION_ROLES)
    diagnosis = f"upper(replace(CAST({_column(log, 'diagnosis')} AS VARCHAR), '.', ''))"
    log.engine.materialize("_m_ix", f"""
        WITH s AS (
            SELECT *, lag(discharge_us) OVER (PARTITION BY case_id ORDER BY stay_no) AS prev_end
            FROM _m_stays
        ), g AS (
            SELECT *, sum(CASE WHEN prev_end IS NOT NULL AND admit_us - prev_end <= {joining}
                               THEN 0 ELSE 1 END)
                      OVER (PARTITION BY case_id ORDER BY stay_no ROWS UNBOUNDED PRECEDING)
                      AS jstay
            FROM s
        ), j AS (
            SELECT case_id, jstay AS stay_no, min(admit_us) AS admit_us,
                   arg_max(discharge_us, stay_no) AS discharge_us,
                   arg_max(end_role, stay_no) AS end_role,
                   arg_min(urgency, stay_no) AS urgency,
                   arg_min(municipality, stay_no) AS municipality,
                   arg_max(hospital, stay_no) AS hospital,
                   max(age) AS case_age, min(ready_us) AS ready_us
            FROM g GROUP BY case_id, jstay
        ), ev AS (
            SELECT case_id, ts_us,
                   max(CASE WHEN activity_role IN ('discharge', 'death')
                            THEN try_cast(age AS DOUBLE) END) AS end_age,
                   max(CASE WHEN activity_role IN ({roles})
                            THEN try_cast(age AS DOUBLE) END) AS start_age,
                   bool_or(activity_role IN ({roles}) AND (care_level = 'specialist_rehab'
                           OR {diagnosis} LIKE 'Z50%')) AS rehab
            FROM {log.table}
            WHERE activity_role IN ({roles}, 'discharge', 'death')
            GROUP BY case_id, ts_us
        ), person AS (
            SELECT case_id, max({_sex_sql(log)}) AS sex,
                   min(CASE WHEN activity_role = 'death' THEN ts_us END) AS death_us
            FROM {log.table} GROUP BY case_id
        )
        SELECT j.case_id, j.stay_no, j.admit_us, j.discharge_us, j.end_role, j.urgency,
               j.municipality, j.hospital,
               coalesce(e.end_age, a.start_age, j.case_age) AS age, p.sex,
               coalesce(a.rehab, false) AS rehab, j.ready_us, p.death_us
        FROM j
        LEFT JOIN ev e ON e.case_id = j.case_id AND e.ts_us = j.discharge_us
        LEFT JOIN ev a ON a.case_id = j.case_id AND a.ts_us = j.admit_us
        LEFT JOIN person p ON p.case_id = j.case_id
    """)
    return {"stays_from": source, "joined_by": "reader" if from_sources else
            f"{join_hours:g}h"}


def _left_out_headlines(counts: pd.Series, reasons: tuple[str, ...] = LEFT_OUT
                        ) -> dict[str, Headline]:
    """The counts of indices left out, by reason, as headlines ``left_out_<reason>``."""
    shared = shared_words()
    return {f"left_out_{r}": Headline(shared.label(f"left_out_{r}"),
                                      float(_int(counts.get(r))), _int(counts.get(r)), None,
                                      "count")
            for r in reasons}


def _readmission_indicator(log: EventLog, units: str, *, min_age: int | None,
                           exclude_rehab: bool, days: int, gap_hours: float,
                           standardise: bool) -> tuple[pd.DataFrame, pd.Series, dict[str, Any]]:
    """Judge each alive discharge of a joined stay into table ``units``.

    Returns the table, the totals and notes.
    """
    notes = materialize_index_stays(log)
    end = log.end_of_observation_us
    rehab = "AND NOT rehab" if exclude_rehab else ""
    index = (f"SELECT case_id, discharge_us + {int(gap_hours * HOUR_US)} AS ts_us, stay_no "
             f"FROM _m_ix WHERE end_role = 'discharge' AND discharge_us IS NOT NULL {rehab}")
    targets = f"SELECT case_id, admit_us AS ts_us FROM _m_ix WHERE urgency = 'emergency' {rehab}"
    window = days * DAY_US
    young = f"age < {min_age}" if min_age is not None else "false"
    unknown = "age IS NULL" if min_age is not None else "false"
    log.engine.materialize(units, f"""
        WITH n AS ({_next_event_after(index, targets, select="stay_no")}),
        x AS (
            SELECT s.case_id, s.stay_no, s.discharge_us, s.municipality, s.hospital, s.age,
                   s.sex, CASE WHEN n.next_us - s.discharge_us <= {window}
                               THEN n.next_us END AS readmit_us, s.death_us
            FROM _m_ix s JOIN n ON n.case_id = s.case_id AND n.stay_no = s.stay_no
        )
        SELECT *, CASE WHEN {young} THEN 'too_young'
                       WHEN {unknown} THEN 'age_unknown'
                       WHEN discharge_us + {window} > {end} THEN 'window_open'
                       WHEN readmit_us IS NULL AND death_us >= discharge_us
                            AND death_us <= discharge_us + {window} THEN 'died'
                       ELSE 'counted' END AS status,
               CASE WHEN readmit_us IS NOT NULL THEN 1 ELSE 0 END AS readmitted,
               {_band_sql('age')} AS age_band
        FROM x
    """)
    expected = ("sum(rate) AS expected" if standardise else "NULL AS expected")
    per = " UNION ALL ".join(f"""
        SELECT '{g}' AS group_by, {g} AS name, count(*) AS index_stays,
               sum(readmitted) AS readmitted, {expected}
        FROM c GROUP BY {g}""" for g in ("municipality", "hospital"))
    table = log.engine.query(f"""
        WITH c AS (
            SELECT *, avg(readmitted) OVER (PARTITION BY age_band, sex) AS rate
            FROM {units} WHERE status = 'counted'
        )
        SELECT * FROM ({per}) ORDER BY group_by DESC, index_stays DESC, name
    """)
    table["share"] = table["readmitted"] / table["index_stays"].where(table["index_stays"] > 0)
    totals = log.engine.query(f"""
        SELECT count(*) FILTER (WHERE status = 'counted') AS counted,
               coalesce(sum(readmitted) FILTER (WHERE status = 'counted'), 0) AS readmitted,
               {", ".join(f"count(*) FILTER (WHERE status = '{r}') AS {r}" for r in LEFT_OUT)}
        FROM {units}
    """).iloc[0]
    if standardise:
        overall = _int(totals["readmitted"]) / max(_int(totals["counted"]), 1)
        table["observed_expected"] = table["readmitted"] / table["expected"].where(
            table["expected"] > 0)
        table["standardised_share"] = table["observed_expected"] * overall
    else:
        table = table.drop(columns=["expected"])
    return table, totals, notes


def _readmission_cases(log: EventLog, units: str) -> pd.DataFrame:
    return _times(log.engine.query(f"""
        SELECT case_id, stay_no, discharge_us AS discharge_time,
               readmit_us AS readmission_time, status, readmitted = 1 AS readmitted
        FROM {units} ORDER BY case_id, stay_no
    """), ["discharge_time", "readmission_time"])


def _readmission_measure(log: EventLog, name: str, *, min_age: int | None,
                         exclude_rehab: bool, days: int, standardise: bool,
                         thresholds: dict[str, Any], left_out: tuple[str, ...]) -> Measure:
    """Measure ``name``, a readmission indicator (:func:`_readmission_indicator`).

    Its words fill in ``days`` and, when it has one, ``min_age``; the
    thresholds are those, the gap, ``thresholds`` (what sets this indicator
    apart) and the notes on the stays; the headlines count the indices
    readmitted and those left out for the reasons ``left_out``.
    """
    _check_days(days)
    units = log.engine.scratch(name)
    table, totals, notes = _readmission_indicator(
        log, units, min_age=min_age, exclude_rehab=exclude_rehab, days=days,
        gap_hours=GAP_HOURS, standardise=standardise)
    words = measure_words(name)
    values = {"days": days} if min_age is None else {"min_age": min_age, "days": days}
    summary = {"readmitted": _ratio(words.label("readmitted", **values),
                                    totals["readmitted"], totals["counted"])}
    return Measure(
        name=name, title=words.title, definition=words.definition(**values),
        thresholds={"definition_by": words.defined_by, **values, "gap_hours": GAP_HOURS,
                    **thresholds, **notes},
        table=table, summary=summary | _left_out_headlines(totals, left_out),
        cases=_readmission_cases(log, units), count_columns=("index_stays", "readmitted"),
        reference=words.references(), units=units,
    )


def _check_days(days: int) -> None:
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise OptionError(f"days must be a whole number of at least 1; got {days!r}.")


def nki_readmissions(log: EventLog, *, min_age: int = 67, days: int = 30,
                     standardise: bool = False) -> Measure:
    """FHI's quality indicator: emergency readmission of the elderly within 30 days.

    Index: a discharge alive from a joined inpatient stay of a patient aged
    ``min_age`` (67) or more on the discharge. Readmitted: an emergency
    (``akutt``) admission more than 8 hours and at most ``days`` × 24 hours
    after that discharge (an admission within 8 hours belongs to the same
    stay). An index counts only when its whole window is observed; an index
    whose patient dies within the window without a readmission is left out.

    Parameters
    ----------
    log : EventLog
    min_age : int
        Youngest age counted (67).
    days : int
        The window (30).
    standardise : bool
        Add indirect age–sex standardisation: each group's expected count
        from the whole log's readmission rate in each age band and sex,
        observed/expected, and the standardised share (O/E × the whole log's
        share).

    Returns
    -------
    Measure
        ``summary``: ``readmitted`` (count, of, share) and ``left_out_*``
        (counts by reason). ``table``: ``group_by`` (``municipality`` of
        residence or ``hospital`` trust), ``name``, ``index_stays``,
        ``readmitted``, ``share`` (with ``standardise``: ``expected``,
        ``observed_expected``, ``standardised_share``). ``cases``: each index
        with its ``status``.

    Examples
    --------
    >>> import pathways
    >>> log = pathways.read("eventlogs/registers/helsefellesskap.yaml")
    >>> m = pathways.measures.nki_readmissions(log)
    >>> m.summary["readmitted"].unit
    'share'
    """
    return _readmission_measure(
        log, "nki_readmissions", min_age=min_age, exclude_rehab=False, days=days,
        standardise=standardise, thresholds={"standardised": standardise}, left_out=LEFT_OUT)


def samhandlingsbarometer_readmissions(log: EventLog, *, days: int = 30) -> Measure:
    """Samhandlingsbarometeret's readmissions: emergency, 30 days, all ages, no rehabilitation.

    Index: a discharge alive from a joined inpatient stay that is not
    rehabilitation (level ``specialist_rehab`` or main diagnosis Z50), any
    age. Readmitted: an emergency admission to a stay that is not
    rehabilitation, more than 8 hours and at most ``days`` × 24 hours after.
    Windows and deaths as in :func:`nki_readmissions`.

    Returns
    -------
    Measure
        As :func:`nki_readmissions` (no standardisation).
    """
    return _readmission_measure(
        log, "samhandlingsbarometer_readmissions", min_age=None, exclude_rehab=True,
        days=days, standardise=False, thresholds={"rehabilitation": "excluded"},
        left_out=("window_open", "died"))


def followup_after_discharge(log: EventLog, *, days: tuple[int, int] = (7, 30)) -> Measure:
    """Helsedirektoratet's *forløp etter utskrivning*: GP follow-up within 7 and 30 days.

    Index: a discharge alive from a joined inpatient stay (any age). Met
    within N days: a consultation (e-consultation included) or home visit at
    the GP or out-of-hours service (levels ``gp``, ``out_of_hours``; not a
    simple contact or a telephone consultation, not a message) after the
    discharge and no later than the N-th local calendar day after the
    discharge day. A contact on the discharge day counts when it is after the
    discharge; one known only to the day counts on that day (it starts
    something, so comes after the timed events, DESIGN §3b). The window is
    observed when the observation period reaches past its last day; a patient
    who dies in the window before any such contact is left out.

    Returns
    -------
    Measure
        ``summary``: ``within_7d``, ``within_30d`` (count, of, share),
        ``left_out_window_open``, ``left_out_died`` (for 30 days).
        ``table``: per ``municipality``: ``discharges_7d``, ``within_7d``,
        ``within_7d_share``, ``discharges_30d``, ``within_30d``, ``within_30d_share``.
    """
    short, long = days
    _check_days(short)
    _check_days(long)
    notes = materialize_index_stays(log)
    units = log.engine.scratch("followup")
    _materialize_followup(log, units, days)
    table, totals = _followup_table(log, units, days)
    words = measure_words("followup_after_discharge")
    summary = {f"within_{k}d": _ratio(words.label("within", days=k), totals[f"within_{k}d"],
                                      totals[f"discharges_{k}d"]) for k in days}
    cases = _times(log.engine.query(f"""
        SELECT case_id, stay_no, discharge_us AS discharge_time, contact_us AS contact_time,
               {", ".join(f"status_{k}, met_{k} = 1 AS within_{k}d" for k in days)}
        FROM {units} ORDER BY case_id, stay_no
    """), ["discharge_time", "contact_time"])
    return Measure(
        name="followup_after_discharge", title=words.title,
        definition=words.definition(short=short, long=long),
        thresholds={"definition_by": words.defined_by, "days": list(days),
                    "contacts": "gp, out_of_hours; not " + ", ".join(NOT_CONSULTATION[:2]),
                    **notes},
        table=table, summary=summary | _left_out_headlines(totals, ("window_open", "died")),
        cases=cases,
        count_columns=tuple(c for k in days for c in (f"discharges_{k}d", f"within_{k}d")),
        reference=(), units=units,
    )


def _materialize_followup(log: EventLog, units: str, days: tuple[int, int]) -> None:
    """Materialise ``units``: each index, its first contact, and per window its status."""
    tz = log.report.timezone or "Europe/Oslo"
    end_day = _local_day(str(log.end_of_observation_us), tz)
    excluded = ", ".join(f"'{a}'" for a in NOT_CONSULTATION)
    levels = ", ".join(f"'{lv}'" for lv in GP_LEVELS)
    day_only = (f"{_column(log, 'time_precision')} = 'day'"
                if "time_precision" in log.columns() else "false")
    kind = (f"coalesce({_column(log, 'event_kind')}, '') <> 'message'"
            if "event_kind" in log.columns() else "true")
    contacts = f"""
        SELECT case_id, CASE WHEN {day_only} THEN ts_us + {20 * HOUR_US} ELSE ts_us END AS ts_us
        FROM {log.table}
        WHERE care_level IN ({levels}) AND {kind}
          AND lower(trim(activity)) NOT IN ({excluded})
          AND coalesce(activity_role, '') NOT IN ('referral', 'discharge_summary')
    """
    index = ("SELECT case_id, discharge_us AS ts_us, stay_no FROM _m_ix "
             "WHERE end_role = 'discharge' AND discharge_us IS NOT NULL")
    log.engine.materialize(units, f"""
        WITH n AS ({_next_event_after(index, contacts, select="stay_no")}),
        x AS (
            SELECT s.case_id, s.stay_no, s.discharge_us, s.municipality, s.hospital,
                   s.death_us,
                   n.next_us AS contact_us, {_local_day('s.discharge_us', tz)} AS d0,
                   {_local_day('n.next_us', tz)} AS c_day,
                   {_local_day('s.death_us', tz)} AS death_day
            FROM _m_ix s JOIN n ON n.case_id = s.case_id AND n.stay_no = s.stay_no
        )
        SELECT *, {", ".join(f'''
               CASE WHEN {end_day} <= d0 + {k} THEN 'window_open'
                    WHEN death_us >= discharge_us AND death_day <= d0 + {k}
                         AND (contact_us IS NULL OR contact_us > death_us) THEN 'died'
                    ELSE 'counted' END AS status_{k},
               CASE WHEN c_day <= d0 + {k} THEN 1 ELSE 0 END AS met_{k}''' for k in days)}
        FROM x
    """)


def _followup_table(log: EventLog, units: str, days: tuple[int, int],
                    ) -> tuple[pd.DataFrame, pd.Series]:
    """The table per municipality and the totals (left out: of the longer window)."""
    agg = ", ".join(f"""count(*) FILTER (WHERE status_{k} = 'counted') AS discharges_{k}d,
        coalesce(sum(met_{k}) FILTER (WHERE status_{k} = 'counted'), 0) AS within_{k}d""" for
                    k in days)
    long = days[1]
    table = log.engine.query(f"SELECT municipality, {agg} FROM {units} "
                             f"GROUP BY municipality ORDER BY discharges_{long}d DESC, "
                             "municipality")
    for k in days:
        table[f"within_{k}d_share"] = table[f"within_{k}d"] / table[f"discharges_{k}d"].where(
            table[f"discharges_{k}d"] > 0)
    totals = log.engine.query(f"""
        SELECT {agg},
               count(*) FILTER (WHERE status_{long} = 'window_open') AS window_open,
               count(*) FILTER (WHERE status_{long} = 'died') AS died
        FROM {units}
    """).iloc[0]
    return table, totals

__all__ = ["followup_after_discharge", "materialize_index_stays",
           "nki_readmissions", "samhandlingsbarometer_readmissions"]
