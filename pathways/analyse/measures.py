"""Break measures that need no pathway file (DESIGN §4, "Beyond rules").

Each public function takes an :class:`~pathways.log.EventLog`, does its
per-event work in the engine as SQL over the canonical events table, and
returns a :class:`Measure`: what was counted (``definition``, ``thresholds``),
a small aggregate ``table``, headline numbers with their denominators
(``summary``), per-patient detail (``cases``, confidential) and the white
paper's reference figures (``reference``) with how their definition differs.

**Stays.** Hospital stays (admission → discharge) are found from the activity
roles of the vocabulary (``pathways/data/activities.yaml``): an admission
(``admission``, ``admission_emergency``, ``admission_elective``) opens a stay
unless one is already open; the next ``discharge`` or ``death`` closes it, so
ward transfers (a second admission inside a stay) do not start a new stay.
A log with no admission roles at all gets its stays from the care levels
instead: a stay is a run of consecutive events at ``hospital_ward`` or
``intensive_care`` (events with an unknown level skipped), discharged at the
end of its last event when the next event is at another level; a run that
ends the case is open. Every measure says which source it used
(``thresholds["stays_from"]``).

A case is taken to be one patient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pathways.analyse.transitions import transition_steps_sql
from pathways.enrich.levels import level_by_id
from pathways.errors import OptionError
from pathways.log import EventLog, quote_identifier
from pathways.progress import stage

__all__ = [
    "MEASURES",
    "Headline",
    "Measure",
    "Reference",
    "all_measures",
    "back_and_forth",
    "continuity",
    "discharge_ready_days",
    "emergency_admissions",
    "length_of_stay",
    "materialize_stays",
    "out_of_hours_outcomes",
    "readmissions",
    "resource_concentration",
    "unit_transitions",
    "waiting_at_transitions",
]

HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US
ADMISSION_ROLES = ("admission", "admission_emergency", "admission_elective")
INPATIENT_LEVELS = ("hospital_ward", "intensive_care")
#: Columns that may say whether an admission was an emergency (lower-cased names).
URGENCY_COLUMNS = ("hastegrad", "urgency", "admission_type", "innleggelsestype")
EMERGENCY_WORDS = ("ø-hjelp", "øhjelp", "øyeblikkelig hjelp", "akutt", "emergency",
                   "acute", "urgent")
ELECTIVE_WORDS = ("elektiv", "planlagt", "elective", "planned")
WHITE_PAPER = "St.meld. nr. 47 (2008–2009) Samhandlingsreformen"


@dataclass(frozen=True)
class Reference:
    """A reference figure from the source documents, to print beside ours.

    Attributes
    ----------
    figure : dict
        The figure as the source states it, ``{"nb": ..., "en": ...}``.
    value : float or None
        The figure as a number comparable with ``summary[compare_to]``
        (a share between 0 and 1), or None when it is not comparable.
    year : str
        Year of the data (or of the rule), as the source gives it.
    source : str
        Document and line range in ``seeds/`` (see ../shared/SEEDS-MEASURES.md).
    differs : dict
        How the source's definition differs from ours, ``{"nb": ..., "en": ...}``.
    compare_to : str or None
        Key of the headline in :attr:`Measure.summary` it is printed beside.
    """

    figure: dict[str, str]
    value: float | None
    year: str
    source: str
    differs: dict[str, str]
    compare_to: str | None = None


@dataclass(frozen=True)
class Headline:
    """One headline number with its denominator.

    Attributes
    ----------
    label : dict
        What it is, ``{"nb": ..., "en": ...}``.
    value : float or None
        The number: a share (0–1) when ``unit`` is ``share``, else a count,
        days, hours or an index; None when there was nothing to count.
    count, of : int or None
        Numerator and denominator of a share (or the count alone).
    unit : str
        ``share``, ``count``, ``days``, ``hours`` or ``index``.
    """

    label: dict[str, str]
    value: float | None
    count: int | None = None
    of: int | None = None
    unit: str = "count"


@dataclass(frozen=True, eq=False)
class Measure:
    """The result of one measure.

    Attributes
    ----------
    name : str
        Registry name (the function's name), as given to ``--only``.
    title : dict
        ``{"nb": ..., "en": ...}``.
    definition : dict
        Exactly what was counted and with which threshold, ``{"nb", "en"}``.
    thresholds : dict
        The parameters used (days, hours, factors, where stays came from).
    table : DataFrame
        Aggregate table (per level pair, municipality, hospital, band, ...);
        its columns are documented by the function that made it.
    summary : dict
        Headline key → :class:`Headline`.
    reference : tuple of Reference
        The source documents' figures for this measure (empty when none).
    cases : DataFrame or None
        Per-patient detail (confidential: *taushetsbelagt*), or None.
    count_columns : tuple of str
        Columns of ``table`` holding counts of patients or stays, which printed
        tables suppress below the minimum count.
    """

    name: str
    title: dict[str, str]
    definition: dict[str, str]
    thresholds: dict[str, Any]
    table: pd.DataFrame
    summary: dict[str, Headline]
    reference: tuple[Reference, ...] = ()
    cases: pd.DataFrame | None = None
    count_columns: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        """Hold the count columns as integers (SQL sums come back as floats)."""
        for column in self.count_columns:
            self.table[column] = self.table[column].fillna(0).astype("int64")


# --------------------------------------------------------------------------- helpers


def _share(count: int, of: int) -> float | None:
    return count / of if of else None


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _ratio(label: dict[str, str], count: Any, of: Any) -> Headline:
    count, of = _int(count), _int(of)
    return Headline(label, _share(count, of), count, of, "share")


def _times(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Turn µs-since-epoch columns into timezone-aware (UTC) timestamps."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column].astype("Float64"), unit="us", utc=True)
    return frame


def _check_positive(name: str, value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise OptionError(f"{name} must be a positive number; got {value!r}.")


def _has_roles(log: EventLog) -> bool:
    roles = ", ".join(f"'{r}'" for r in ADMISSION_ROLES)
    sql = f"SELECT count(*) FROM {log.table} WHERE activity_role IN ({roles})"
    return bool(log.engine.scalar(sql))


def _urgency_sql(log: EventLog) -> str:
    """Return SQL for an admission's urgency class: 'emergency', 'elective' or NULL."""
    columns = {c.lower(): c for c in log.columns()}
    found = next((columns[c] for c in URGENCY_COLUMNS if c in columns), None)
    value = f"lower(trim({quote_identifier(found)}))" if found else "NULL"
    emergency = ", ".join(f"'{w}'" for w in EMERGENCY_WORDS)
    elective = ", ".join(f"'{w}'" for w in ELECTIVE_WORDS)
    return (f"CASE WHEN activity_role = 'admission_emergency' OR {value} IN ({emergency}) "
            f"THEN 'emergency' WHEN activity_role = 'admission_elective' "
            f"OR {value} IN ({elective}) THEN 'elective' END")


def _case_attributes_sql(log: EventLog) -> str:
    """One row per case: municipality of residence, hospital, age (largest given)."""
    return f"""
        SELECT case_id, max(municipality) AS case_municipality,
               max(coalesce(hospital, CASE WHEN tier = 'specialist' THEN organisation END))
                   AS case_hospital,
               max(try_cast(age AS DOUBLE)) AS age
        FROM {log.table} GROUP BY case_id
    """


def _stays_from_roles(log: EventLog) -> str:
    admission = ", ".join(f"'{r}'" for r in ADMISSION_ROLES)
    return f"""
        WITH marks AS (
            SELECT case_id, event_idx, ts_us, activity_role, municipality,
                   coalesce(hospital, organisation) AS hospital,
                   {_urgency_sql(log)} AS urgency,
                   CASE WHEN activity_role IN ({admission}) THEN 'A' ELSE 'D' END AS kind
            FROM {log.table}
            WHERE activity_role IN ({admission}, 'discharge', 'death')
        ), seq AS (
            SELECT *, lag(kind) OVER (PARTITION BY case_id ORDER BY event_idx) AS prev_kind
            FROM marks
        ), starts AS (
            SELECT *, row_number() OVER (PARTITION BY case_id ORDER BY event_idx) AS stay_no
            FROM seq WHERE kind = 'A' AND (prev_kind IS NULL OR prev_kind = 'D')
        ), ends AS (
            SELECT case_id, ts_us AS discharge_us, activity_role AS end_role,
                   row_number() OVER (PARTITION BY case_id ORDER BY event_idx) AS stay_no
            FROM seq WHERE kind = 'D' AND prev_kind = 'A'
        )
        SELECT s.case_id, s.stay_no, s.ts_us AS admit_us, e.discharge_us, e.end_role,
               s.urgency, s.municipality, s.hospital
        FROM starts s LEFT JOIN ends e ON e.case_id = s.case_id AND e.stay_no = s.stay_no
    """


def _stays_from_levels(log: EventLog) -> str:
    inpatient = ", ".join(f"'{lv}'" for lv in INPATIENT_LEVELS)
    return f"""
        WITH lv AS (
            SELECT case_id, event_idx, ts_us, coalesce(end_us, ts_us) AS last_us,
                   municipality, coalesce(hospital, organisation) AS hospital,
                   {_urgency_sql(log)} AS urgency,
                   CASE WHEN care_level IN ({inpatient}) THEN 1 ELSE 0 END AS inside
            FROM {log.table} WHERE care_level IS NOT NULL
        ), seq AS (
            SELECT *, lag(inside) OVER w AS prev_in, lead(inside) OVER w AS next_in
            FROM lv WINDOW w AS (PARTITION BY case_id ORDER BY event_idx)
        ), starts AS (
            SELECT *, row_number() OVER (PARTITION BY case_id ORDER BY event_idx) AS stay_no
            FROM seq WHERE inside = 1 AND coalesce(prev_in, 0) = 0
        ), ends AS (
            SELECT case_id, CASE WHEN next_in = 0 THEN last_us END AS discharge_us,
                   CASE WHEN next_in = 0 THEN 'discharge' END AS end_role,
                   row_number() OVER (PARTITION BY case_id ORDER BY event_idx) AS stay_no
            FROM seq WHERE inside = 1 AND coalesce(next_in, 0) = 0
        )
        SELECT s.case_id, s.stay_no, s.ts_us AS admit_us, e.discharge_us, e.end_role,
               s.urgency, s.municipality, s.hospital
        FROM starts s LEFT JOIN ends e ON e.case_id = s.case_id AND e.stay_no = s.stay_no
    """


def materialize_stays(log: EventLog) -> str:
    """Materialise the hospital stays as table ``_m_stays``; return where they came from.

    Returns ``"roles"`` or ``"levels"`` (see the module docstring).

    Columns: ``case_id``, ``stay_no``, ``admit_us``, ``discharge_us`` (NULL while
    open), ``end_role`` (``discharge``, ``death`` or NULL), ``urgency``
    (``emergency``, ``elective`` or NULL), ``municipality``, ``hospital``,
    ``age``, ``ready_us`` (first discharge-ready notice inside the stay).
    """
    source = "roles" if _has_roles(log) else "levels"
    stays = _stays_from_roles(log) if source == "roles" else _stays_from_levels(log)
    log.engine.materialize("_m_stays", f"""
        WITH s AS ({stays}), c AS ({_case_attributes_sql(log)}),
        r AS (SELECT case_id, ts_us FROM {log.table} WHERE activity_role = 'discharge_ready')
        SELECT s.case_id, s.stay_no, s.admit_us, s.discharge_us, s.end_role, s.urgency,
               coalesce(s.municipality, c.case_municipality) AS municipality,
               coalesce(s.hospital, c.case_hospital) AS hospital, c.age,
               min(r.ts_us) AS ready_us
        FROM s JOIN c ON c.case_id = s.case_id
        LEFT JOIN r ON r.case_id = s.case_id AND r.ts_us >= s.admit_us
             AND (s.discharge_us IS NULL OR r.ts_us <= s.discharge_us)
        GROUP BY s.case_id, s.stay_no, s.admit_us, s.discharge_us, s.end_role, s.urgency,
                 s.municipality, c.case_municipality, s.hospital, c.case_hospital, c.age
    """)
    return source


_STAYS_NOTE = {
    "roles": {"nb": "Opphold: fra innleggelse (rolle admission*) til utskrivning eller død.",
              "en": "Stays: from admission (role admission*) to discharge or death."},
    "levels": {"nb": "Opphold: sammenhengende hendelser på sengepost/intensiv (loggen har "
                     "ingen innleggelsesroller).",
               "en": "Stays: consecutive events at hospital ward/intensive care (the log "
                     "has no admission roles)."},
}


def _with_stays(definition: dict[str, str], source: str) -> dict[str, str]:
    return {lang: f"{text} {_STAYS_NOTE[source][lang]}" for lang, text in definition.items()}


# --------------------------------------------------------------------------- waiting


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


def _wait_summary(table: pd.DataFrame) -> dict[str, Headline]:
    total = _int(table["transitions"].sum())
    outliers = _int(table["outliers"].sum())
    return {
        "transitions": Headline({"nb": "overganger", "en": "transitions"}, total, total),
        "outliers": _ratio({"nb": "overganger langt over normen",
                            "en": "transitions far above the norm"}, outliers, total),
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
    return Measure(
        name="waiting_at_transitions",
        title={"nb": "Ventetid i overganger mellom nivåer",
               "en": "Waiting at transitions between levels"},
        definition={
            "nb": "Overgang: to påfølgende hendelser i samme forløp på ulike tjenestenivåer. "
                  "Ventetid fra slutten av den første (start om slutt mangler) til start av "
                  "den neste. Norm: median per nivåpar. Langt over normen: ventetid over "
                  f"Q3 + {outlier_factor:g} × IQR for paret.",
            "en": "Transition: two consecutive events of a case at different care levels. "
                  "Waiting from the end of the first (its start when no end) to the start "
                  "of the next. Norm: median per level pair. Far above the norm: waiting "
                  f"above Q3 + {outlier_factor:g} × IQR of the pair.",
        },
        thresholds={"norm": "median", "outlier_factor": outlier_factor,
                    "outlier_threshold": "Q3 + outlier_factor × IQR per level pair"},
        table=table,
        summary=_wait_summary(table),
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
    return Measure(
        name="unit_transitions",
        title={"nb": "Overganger mellom enheter på samme nivå",
               "en": "Transitions between units within a level"},
        definition={
            "nb": "Enhetsovergang: to påfølgende hendelser i samme forløp på samme "
                  "tjenestenivå og ulike enheter (resource). Ventetid og avvik som for "
                  f"nivåoverganger: over Q3 + {outlier_factor:g} × IQR per nivå.",
            "en": "Unit transition: two consecutive events of a case at the same care level "
                  "and different units (resource). Waiting and outliers as for level "
                  f"transitions: above Q3 + {outlier_factor:g} × IQR per level.",
        },
        thresholds={"norm": "median", "outlier_factor": outlier_factor},
        table=table,
        summary=_wait_summary(table),
        cases=_outlier_cases(log, "care_level, from_resource, to_resource"),
        count_columns=("transitions", "cases", "outliers"),
    )


# --------------------------------------------------------------------------- readmissions


def _next_event_after(index: str, targets: str, *, select: str) -> str:
    """For each index row, the time of the case's first target row strictly after it.

    ``index`` and ``targets`` are queries with ``case_id`` and ``ts_us``; the
    index rows keep their other columns ``select``. A single window over both,
    ordered by time with target rows first at equal times (so a target at the
    same instant, such as the admission of a one-event stay, is not "after"),
    so no range join.
    """
    return f"""
        WITH u AS (
            SELECT case_id, ts_us, 1 AS kind, {select} FROM ({index})
            UNION ALL
            SELECT case_id, ts_us, 0 AS kind, {", ".join("NULL" for _ in select.split(","))}
            FROM ({targets})
        ), w AS (
            SELECT *, min(CASE WHEN kind = 0 THEN ts_us END) OVER (
                PARTITION BY case_id ORDER BY ts_us, kind
                ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_us
            FROM u
        )
        SELECT case_id, ts_us, next_us, {select} FROM w WHERE kind = 1
    """


def _readmission_windows(days: Sequence[int], extra_days: int | Sequence[int] | None) -> list[int]:
    extra = [] if extra_days is None else (
        [extra_days] if isinstance(extra_days, int) else list(extra_days))
    windows = sorted({*days, *extra})
    for d in windows:
        if not isinstance(d, int) or isinstance(d, bool) or d <= 0:
            raise OptionError(f"readmission days must be positive whole days; got {d!r}.")
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
    return Measure(
        name="readmissions",
        title={"nb": "Reinnleggelser", "en": "Readmissions"},
        definition=_with_stays({
            "nb": "Indeksutskrivning: hver utskrivning (ikke død) som avslutter et opphold. "
                  "Reinnlagt innen N dager: ny innleggelse, eller retur til akuttmottak, i "
                  "samme forløp etter utskrivningen og senest N × 24 timer etter den. "
                  f"Bare utskrivninger med hele vinduet innenfor observasjonsperioden teller. N = "
                  f"{', '.join(map(str, windows))} dager (2 måneder = 61 dager).",
            "en": "Index discharge: every discharge (not death) that ends a stay. "
                  "Readmitted within N days: a new admission, or a return to the emergency "
                  "department, in the same case later than the discharge and no more than "
                  "N × 24 hours after it. Only discharges whose whole window lies inside "
                  f"the observation period count. N = {', '.join(map(str, windows))} days "
                  "(2 months = 61 days).",
        }, source),
        thresholds={"days": windows, "stays_from": source},
        table=table,
        summary=_readmission_summary(table, windows),
        reference=_READMISSION_REFERENCES,
        cases=cases,
        count_columns=("discharges", "readmitted", "patients", "patients_readmitted"),
    )


def _readmission_summary(table: pd.DataFrame, windows: list[int]) -> dict[str, Headline]:
    summary: dict[str, Headline] = {}
    for d in windows:
        for group, suffix in (("all", ""), ("80+", "_80plus")):
            row = table[(table["window_days"] == d) & (table["age_group"] == group)].iloc[0]
            who = {"nb": " (80 år +)", "en": " (aged 80+)"} if suffix else {"nb": "", "en": ""}
            summary[f"readmitted_{d}d{suffix}"] = _ratio(
                {"nb": f"utskrivninger fulgt av reinnleggelse innen {d} dager{who['nb']}",
                 "en": f"discharges followed by readmission within {d} days{who['en']}"},
                row["readmitted"], row["discharges"])
    return summary


_READMISSION_REFERENCES = (
    Reference(
        figure={"nb": "1 av 5 eldre pasienter reinnlegges innen 28 dager",
                "en": "1 in 5 elderly patients readmitted within 28 days"},
        value=0.20, year="data year not stated (white paper 2009)",
        source=f"{WHITE_PAPER}, seeds 004:3945–3950",
        differs={"nb": "definisjonen der: to påfølgende innleggelser av samme eldre pasient "
                       "innen 28 dager (innleggelse til innleggelse), nasjonalt; vår: "
                       "utskrivning til neste innleggelse, alle aldre (80+ vist for seg)",
                 "en": "definition there: two consecutive admissions of the same elderly "
                       "patient within 28 days (admission to admission), national; ours: "
                       "discharge to next admission, all ages (80+ shown apart)"},
        compare_to="readmitted_28d"),
    Reference(
        figure={"nb": "mer enn 1 av 4 eldre reinnlegges innen to måneder; 1 av 3 for nye "
                      "brukere av omsorgstjenester",
                "en": "more than 1 in 4 elderly readmitted within two months; 1 in 3 for "
                      "new users of care services"},
        value=0.25, year="data year not stated (white paper 2009)",
        source=f"{WHITE_PAPER}, seeds 004:3945–3950",
        differs={"nb": "definisjonen der: innleggelse til innleggelse, eldre, nasjonalt; vår: "
                       "utskrivning til neste innleggelse innen 61 dager, alle aldre",
                 "en": "definition there: admission to admission, elderly, national; ours: "
                       "discharge to next admission within 61 days, all ages"},
        compare_to="readmitted_61d"),
)


# --------------------------------------------------------------------------- back and forth


def back_and_forth(log: EventLog, *, min_crossings: int = 4, within_days: int = 30) -> Measure:
    """Back-and-forth between levels (*runddans*): many cross-tier transitions in a short time.

    A crossing is a change of tier between municipal and specialist services
    from one event to the next of the case, counting only events whose level
    belongs to one of these tiers. A case is flagged when ``min_crossings`` or
    more crossings start within ``within_days`` × 24 hours (the default, 4 in
    30 days, is in and out of hospital twice).

    Returns
    -------
    Measure
        ``table``: ``max_crossings`` (most crossings in any window), ``cases``.
        ``cases``: flagged cases with ``crossings`` (in total),
        ``max_crossings`` and ``window_start``.
    """
    for name, value in (("min_crossings", min_crossings), ("within_days", within_days)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise OptionError(f"{name} must be a whole number of at least 1; got {value!r}.")
    log.engine.materialize("_m_crossings", f"""
        WITH t AS (
            SELECT case_id, event_idx, ts_us, tier,
                   lag(tier) OVER (PARTITION BY case_id ORDER BY event_idx) AS prev_tier
            FROM {log.table} WHERE tier IN ('municipal', 'specialist')
        ), c AS (SELECT case_id, ts_us FROM t WHERE tier <> prev_tier)
        SELECT case_id, ts_us, count(*) OVER (
                   PARTITION BY case_id ORDER BY ts_us
                   RANGE BETWEEN CURRENT ROW AND {within_days * DAY_US} FOLLOWING) AS in_window
        FROM c
    """)
    log.engine.materialize("_m_crossing_cases", f"""
        SELECT case_id, count(*) AS crossings, max(in_window) AS max_crossings,
               min(CASE WHEN in_window >= {min_crossings} THEN ts_us END) AS window_start
        FROM _m_crossings GROUP BY case_id
    """)
    table = log.engine.query("""
        SELECT max_crossings, count(*) AS cases FROM _m_crossing_cases
        GROUP BY max_crossings ORDER BY max_crossings
    """)
    flagged = _int(table.loc[table["max_crossings"] >= min_crossings, "cases"].sum())
    crossing = _int(table["cases"].sum())
    cases = _times(log.engine.query(f"""
        SELECT case_id, crossings, max_crossings, window_start FROM _m_crossing_cases
        WHERE max_crossings >= {min_crossings} ORDER BY max_crossings DESC, case_id
    """), ["window_start"])
    return Measure(
        name="back_and_forth",
        title={"nb": "Runddans mellom nivåer", "en": "Back-and-forth between levels"},
        definition={
            "nb": "Kryssing: skifte mellom kommunal tjeneste og spesialisthelsetjeneste fra "
                  "én hendelse til den neste i forløpet (hendelser uten slikt nivå hoppes "
                  f"over). Flagget: minst {min_crossings} kryssinger som starter innen "
                  f"{within_days} dager.",
            "en": "Crossing: a change between municipal and specialist services from one "
                  "event to the next of a case (events at no such level skipped). Flagged: "
                  f"at least {min_crossings} crossings starting within {within_days} days.",
        },
        thresholds={"min_crossings": min_crossings, "within_days": within_days},
        table=table,
        summary={
            "flagged": _ratio({"nb": "forløp med runddans", "en": "cases going back and forth"},
                              flagged, log.n_cases),
            "crossing": _ratio({"nb": "forløp med minst én kryssing",
                                "en": "cases with at least one crossing"},
                               crossing, log.n_cases),
        },
        cases=cases,
        count_columns=("cases",),
    )


# --------------------------------------------------------------------------- continuity

_COC_BANDS = ((0.0, 0.25, "0–0.25"), (0.25, 0.5, "0.25–0.5"), (0.5, 0.75, "0.5–0.75"),
              (0.75, 1.0, "0.75–<1"))


def continuity(log: EventLog, *, level: str | None = "gp", min_visits: int = 2) -> Measure:
    """Continuity of care: Bice–Boxerman COC and UPC per patient, and summarised.

    A visit is an event at ``level`` with a known unit (``resource``): the GP
    for level ``gp``; with ``level=None``, every event with a unit, the
    providers being units. With n_j visits to provider j and N visits in all,
    COC = (Σ n_j² − N) / (N (N − 1)) and UPC = max n_j / N. Both are 1 when
    every visit is to one provider. Patients with fewer than ``min_visits``
    (at least 2) visits get neither: COC is undefined for N < 2.

    Returns
    -------
    Measure
        ``table``: ``coc_band`` (``0–0.25`` … ``1``, and ``<min visits``),
        ``patients``. ``cases``: ``case_id``, ``visits``, ``providers``,
        ``coc``, ``upc`` (per patient).

    Examples
    --------
    Visits A, A, A, B, C: N = 5, Σ n² = 11, COC = 6/20 = 0.3, UPC = 3/5 = 0.6.
    """
    if level is not None and level not in level_by_id():
        raise OptionError(f"level must be one of {', '.join(sorted(level_by_id()))} "
                          f"(or None for all levels); got {level!r}.")
    if not isinstance(min_visits, int) or isinstance(min_visits, bool) or min_visits < 2:
        raise OptionError(f"min_visits must be a whole number of at least 2; got {min_visits!r}.")
    where = f"care_level = '{level}'" if level else "care_level IS NOT NULL"
    log.engine.materialize("_m_continuity", f"""
        WITH v AS (
            SELECT case_id, resource, count(*) AS n FROM {log.table}
            WHERE {where} AND resource IS NOT NULL GROUP BY case_id, resource
        ), p AS (
            SELECT case_id, sum(n) AS visits, count(*) AS providers,
                   sum(n * n) AS sum_sq, max(n) AS max_n FROM v GROUP BY case_id
        )
        SELECT case_id, visits, providers,
               CASE WHEN visits >= {min_visits}
                    THEN (sum_sq - visits) / (visits * (visits - 1.0)) END AS coc,
               CASE WHEN visits >= {min_visits} THEN max_n / (visits * 1.0) END AS upc
        FROM p
    """)
    bands = " ".join(f"WHEN coc >= {lo} AND coc < {hi} THEN '{label}'"
                     for lo, hi, label in _COC_BANDS)
    table = log.engine.query(f"""
        SELECT CASE WHEN coc IS NULL THEN '<{min_visits} visits' {bands} ELSE '1' END
                   AS coc_band, count(*) AS patients
        FROM _m_continuity GROUP BY coc_band ORDER BY min(coc) NULLS FIRST
    """)
    stats = log.engine.query("""
        SELECT count(*) AS patients, count(coc) AS scored, median(coc) AS median_coc,
               avg(coc) AS mean_coc, avg(upc) AS mean_upc,
               sum(CASE WHEN coc = 1 THEN 1 ELSE 0 END) AS single
        FROM _m_continuity
    """).iloc[0]
    scored = _int(stats["scored"])
    where_nb = f"nivå {level}" if level else "alle nivåer (enheter)"
    where_en = f"level {level}" if level else "all levels (units)"
    cases = log.engine.query("SELECT * FROM _m_continuity ORDER BY case_id")
    return Measure(
        name="continuity",
        title={"nb": "Kontinuitet (COC og UPC)", "en": "Continuity of care (COC and UPC)"},
        definition={
            "nb": f"Besøk: hendelser på {where_nb} med kjent enhet (resource); tilbyder = "
                  "enhet. COC (Bice–Boxerman) = (Σ n_j² − N) / (N(N − 1)), UPC = maks n_j / N, "
                  f"der n_j er besøk hos tilbyder j og N alle besøk. Pasienter med færre enn "
                  f"{min_visits} besøk får ingen COC eller UPC.",
            "en": f"Visits: events at {where_en} with a known unit (resource); provider = "
                  "unit. COC (Bice–Boxerman) = (Σ n_j² − N) / (N(N − 1)), UPC = max n_j / N, "
                  "where n_j is visits to provider j and N all visits. Patients with fewer "
                  f"than {min_visits} visits get no COC or UPC.",
        },
        thresholds={"level": level, "min_visits": min_visits},
        table=table,
        summary={
            "scored": _ratio({"nb": f"pasienter med minst {min_visits} besøk",
                              "en": f"patients with at least {min_visits} visits"},
                             scored, stats["patients"]),
            "median_coc": Headline({"nb": "median COC", "en": "median COC"},
                                   _float(stats["median_coc"]), None, scored, "index"),
            "mean_coc": Headline({"nb": "gjennomsnittlig COC", "en": "mean COC"},
                                 _float(stats["mean_coc"]), None, scored, "index"),
            "mean_upc": Headline({"nb": "gjennomsnittlig UPC", "en": "mean UPC"},
                                 _float(stats["mean_upc"]), None, scored, "index"),
            "single_provider": _ratio({"nb": "pasienter som bare møtte én tilbyder (COC = 1)",
                                       "en": "patients who met one provider only (COC = 1)"},
                                      stats["single"], scored),
        },
        cases=cases,
        count_columns=("patients",),
    )


# --------------------------------------------------------------------------- out of hours


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
    table = log.engine.query(f"""
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
    hours = f"{within_hours:g}"
    return Measure(
        name="out_of_hours_outcomes",
        title={"nb": "Legevakt og innleggelser, begge veier",
               "en": "Out-of-hours contacts and admissions, both directions"},
        definition=_with_stays({
            "nb": "Legevaktkontakt: hendelse på legevakt der forrige hendelse var et annet "
                  "sted. Fremover: andel kontakter fulgt av en sykehusinnleggelse innen "
                  f"{hours} timer (kontakter med hele vinduet observert). Bakover: andel "
                  f"innleggelser med en legevaktkontakt de siste {hours} timene før.",
            "en": "Out-of-hours contact: an event at out-of-hours care whose previous event "
                  "was elsewhere. Forward: share of contacts followed by a hospital "
                  f"admission within {hours} hours (contacts with the whole window "
                  f"observed). Backward: share of admissions with an out-of-hours contact "
                  f"in the {hours} hours before.",
        }, source),
        thresholds={"within_hours": within_hours, "stays_from": source},
        table=table,
        summary={
            "contacts_admitted": _ratio(
                {"nb": f"legevaktkontakter fulgt av innleggelse innen {hours} t",
                 "en": f"out-of-hours contacts followed by admission within {hours} h"},
                table["contacts_admitted"].sum(), table["contacts"].sum()),
            "admissions_after_ooh": _ratio(
                {"nb": f"innleggelser med legevaktkontakt innen {hours} t før",
                 "en": f"admissions with an out-of-hours contact within {hours} h before"},
                table["admissions_after_ooh"].sum(), table["admissions"].sum()),
        },
        reference=(
            Reference(
                figure={"nb": "legevakten står for om lag halvparten av sykehusinnleggelsene",
                        "en": "out-of-hours services account for about half of hospital "
                              "admissions"},
                value=0.5, year="2009 (white paper; data year not stated)",
                source=f"{WHITE_PAPER}, seeds 004:12397–12399",
                differs={"nb": "definisjonen der: innleggelser der legevakten henviste, "
                               "nasjonalt; vår: innleggelser med en legevaktkontakt i loggen "
                               f"innen {hours} timer før",
                         "en": "definition there: admissions referred by out-of-hours "
                               "services, national; ours: admissions with an out-of-hours "
                               f"contact in the log within {hours} hours before"},
                compare_to="admissions_after_ooh"),
            Reference(
                figure={"nb": "de fleste legevaktkontakter bør ikke føre til innleggelse",
                        "en": "most out-of-hours contacts should not lead to admission"},
                value=None, year="no figure given",
                source="seeds 003:22–25",
                differs={"nb": "ingen tallfestet andel i kilden",
                         "en": "the source gives no number"},
                compare_to="contacts_admitted"),
        ),
        count_columns=("contacts", "contacts_admitted", "admissions", "admissions_after_ooh"),
    )


# --------------------------------------------------------------------------- emergency


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
    table = log.engine.query("""
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
    rows = table.set_index("age_group")
    known = rows["emergency"] + rows["elective"]
    days = gp_lookback_days
    return Measure(
        name="emergency_admissions",
        title={"nb": "Øyeblikkelig hjelp-innleggelser", "en": "Emergency admissions"},
        definition=_with_stays({
            "nb": "Innleggelse (start av opphold) er ø-hjelp når rollen er admission_emergency "
                  "eller en hastegradskolonne sier ø-hjelp/akutt; elektiv ved "
                  "admission_elective eller elektiv/planlagt; ellers ukjent. Ø-hjelpsandel av "
                  "innleggelser med kjent hastegrad (ukjente telles for seg). "
                  "Uten fastlegekontakt: ingen hendelse på fastlegenivå de siste "
                  f"{days} dagene før innleggelsen.",
            "en": "An admission (start of a stay) is an emergency when its role is "
                  "admission_emergency or an urgency column says ø-hjelp/acute; elective "
                  "for admission_elective or elektiv/planned; else unknown. Emergency share "
                  "of admissions of known urgency (unknown ones counted apart). No GP contact: no "
                  f"event at the GP level in the {days} days before the admission.",
        }, source),
        thresholds={"gp_lookback_days": days, "stays_from": source},
        table=table,
        summary={
            "emergency_share": _ratio({"nb": "ø-hjelpsandel av innleggelser",
                                       "en": "emergency share of admissions"},
                                      rows.loc["all", "emergency"], known["all"]),
            "emergency_share_80plus": _ratio(
                {"nb": "ø-hjelpsandel, 80 år +", "en": "emergency share, aged 80+"},
                rows.loc["80+", "emergency"], known["80+"]),
            "unknown_urgency": _ratio({"nb": "innleggelser med ukjent hastegrad",
                                       "en": "admissions of unknown urgency"},
                                      rows.loc["all", "unknown"], rows.loc["all", "admissions"]),
            "no_gp_before": _ratio(
                {"nb": f"ø-hjelpsinnleggelser uten fastlegekontakt siste {days} dager",
                 "en": f"emergency admissions with no GP contact in the {days} days before"},
                rows.loc["all", "emergency_no_gp"], rows.loc["all", "emergency"]),
        },
        reference=(
            Reference(
                figure={"nb": "60 % av heldøgnsopphold er ø-hjelp; 80 % for over 80 år",
                        "en": "60 % of inpatient stays are emergencies; 80 % for over-80s"},
                value=0.60, year="2009 (white paper; data year not stated)",
                source=f"{WHITE_PAPER}, seeds 004:3962–3965",
                differs={"nb": "definisjonen der: alle heldøgnsopphold nasjonalt etter NPRs "
                               "hastegrad; vår: innleggelser i loggen med kjent hastegrad",
                         "en": "definition there: all inpatient stays nationally, by NPR "
                               "urgency; ours: admissions in the log of known urgency"},
                compare_to="emergency_share"),
            Reference(
                figure={"nb": "55 % av 415 000 ø-hjelpsinnleggelser skjedde uten at fastlegen "
                              "var involvert",
                        "en": "55 % of 415 000 emergency admissions happened without the GP "
                              "being involved"},
                value=0.55, year="2007",
                source=f"{WHITE_PAPER}, seeds 004:3995–3998",
                differs={"nb": "definisjonen der: fastlegen ikke involvert i innleggelsen; "
                               f"vår: ingen fastlegehendelse i loggen de siste {days} dagene",
                         "en": "definition there: the GP not involved in the admission; ours: "
                               f"no GP event in the log in the {days} days before"},
                compare_to="no_gp_before"),
        ),
        count_columns=("admissions", "emergency", "elective", "unknown", "emergency_no_gp"),
    )


# --------------------------------------------------------------------------- discharge-ready


def discharge_ready_days(log: EventLog, *, flag_days: float = 10,
                         readmission_days: int = 28) -> Measure:
    """Days from the written discharge-ready notice to discharge, per municipality and hospital.

    For each stay with a notice (role ``discharge_ready``; the first one in the
    stay) and a discharge, the discharge-ready days are the elapsed time from
    the notice to the discharge in days of 24 hours; stays with more than
    ``flag_days`` are flagged (municipalities pay from day 10). Discharges
    after such a transfer are followed for readmission within
    ``readmission_days``, as in :func:`readmissions`.

    Returns
    -------
    Measure
        ``table``: ``group_by`` (``municipality`` or ``hospital``), ``name``,
        ``stays``, ``ready_days`` (sum), ``median_days``, ``flagged``,
        ``discharges_followed``, ``readmitted``. ``cases``: each stay with a
        notice (``case_id``, ``stay_no``, ``notice_time``, ``discharge_time``,
        ``ready_days``, ``flagged``).
    """
    _check_positive("flag_days", flag_days)
    if not isinstance(readmission_days, int) or readmission_days < 1:
        raise OptionError(f"readmission_days must be a whole number of at least 1; "
                          f"got {readmission_days!r}.")
    source = materialize_stays(log)
    end = log.end_of_observation_us
    index = ("SELECT case_id, discharge_us AS ts_us, stay_no FROM _m_stays "
             "WHERE ready_us IS NOT NULL AND discharge_us IS NOT NULL")
    log.engine.materialize("_m_ready", f"""
        WITH n AS ({_next_event_after(index, _readmission_targets(log), select="stay_no")})
        SELECT s.case_id, s.stay_no, s.ready_us, s.discharge_us, s.end_role,
               s.municipality, s.hospital,
               (s.discharge_us - s.ready_us) / {DAY_US}.0 AS ready_days,
               CASE WHEN s.end_role = 'discharge'
                    AND s.discharge_us + {readmission_days * DAY_US} <= {end}
                    THEN 1 ELSE 0 END AS followed,
               CASE WHEN s.end_role = 'discharge'
                    AND s.discharge_us + {readmission_days * DAY_US} <= {end}
                    AND n.next_us - s.discharge_us <= {readmission_days * DAY_US}
                    THEN 1 ELSE 0 END AS readmitted
        FROM _m_stays s JOIN n ON n.case_id = s.case_id AND n.stay_no = s.stay_no
    """)
    flag = flag_days
    per = " UNION ALL ".join(f"""
        SELECT '{g}' AS group_by, {g} AS name, count(*) AS stays,
               sum(ready_days) AS ready_days, median(ready_days) AS median_days,
               sum(CASE WHEN ready_days > {flag} THEN 1 ELSE 0 END) AS flagged,
               sum(followed) AS discharges_followed, sum(readmitted) AS readmitted
        FROM _m_ready GROUP BY {g}""" for g in ("municipality", "hospital"))
    table = log.engine.query(f"SELECT * FROM ({per}) ORDER BY group_by DESC, stays DESC, name")
    totals = log.engine.query(f"""
        SELECT count(*) AS stays, sum(ready_days) AS days,
               sum(CASE WHEN ready_days > {flag} THEN 1 ELSE 0 END) AS flagged,
               sum(followed) AS followed, sum(readmitted) AS readmitted,
               (SELECT count(*) FROM _m_stays WHERE discharge_us IS NOT NULL) AS ended
        FROM _m_ready
    """).iloc[0]
    cases = _times(log.engine.query(f"""
        SELECT case_id, stay_no, ready_us AS notice_time, discharge_us AS discharge_time,
               ready_days, ready_days > {flag} AS flagged
        FROM _m_ready ORDER BY ready_days DESC, case_id
    """), ["notice_time", "discharge_time"])
    return Measure(
        name="discharge_ready_days",
        title={"nb": "Utskrivningsklare pasienter (overliggedøgn)",
               "en": "Discharge-ready patients (days waiting for the municipality)"},
        definition=_with_stays({
            "nb": "Opphold med skriftlig melding om utskrivningsklar pasient (første melding i "
                  "oppholdet) og utskrivning: dager fra meldingen til utskrivningen (døgn à 24 "
                  f"timer). Flagget: mer enn {flag:g} dager. Reinnleggelse innen "
                  f"{readmission_days} dager etter slik utskrivning telles som i "
                  "reinnleggelsesmålet.",
            "en": "Stays with a written discharge-ready notice (the stay's first) and a "
                  "discharge: days from the notice to the discharge (24-hour days). "
                  f"Flagged: more than {flag:g} days. Readmission within {readmission_days} "
                  "days after such a discharge is counted as in the readmissions measure.",
        }, source),
        thresholds={"flag_days": flag_days, "readmission_days": readmission_days,
                    "stays_from": source},
        table=table,
        summary={
            "stays_with_notice": _ratio({"nb": "avsluttede opphold med utskrivningsklar-melding",
                                         "en": "ended stays with a discharge-ready notice"},
                                        totals["stays"], totals["ended"]),
            "ready_days": Headline({"nb": "utskrivningsklare døgn i alt",
                                    "en": "discharge-ready days in all"},
                                   _float(totals["days"]), None, _int(totals["stays"]), "days"),
            "flagged": _ratio({"nb": f"opphold med mer enn {flag:g} utskrivningsklare døgn",
                               "en": f"stays with more than {flag:g} discharge-ready days"},
                              totals["flagged"], totals["stays"]),
            "readmitted_after": _ratio(
                {"nb": f"reinnlagt innen {readmission_days} dager etter slik utskrivning",
                 "en": f"readmitted within {readmission_days} days after such a discharge"},
                totals["readmitted"], totals["followed"]),
        },
        reference=(
            Reference(
                figure={"nb": "betaling fra kommunen kan kreves fra 10 dager etter skriftlig "
                              "varsel om utskrivningsklar pasient",
                        "en": "hospitals may charge the municipality from 10 days after the "
                              "written discharge-ready notice"},
                value=None, year="2009 rule",
                source=f"{WHITE_PAPER}, seeds 004:9863–9868",
                differs={"nb": "en betalingsregel, ikke et måltall; vi flagger opphold over "
                               f"{flag:g} døgn",
                         "en": "a payment rule, not a target; we flag stays over "
                               f"{flag:g} days"},
                compare_to="flagged"),
            Reference(
                figure={"nb": "19 000 opphold og om lag 145 000 liggedøgn for utskrivningsklare "
                              "pasienter; stor variasjon mellom sykehus",
                        "en": "19 000 stays and about 145 000 bed-days of discharge-ready "
                              "patients; large variation between hospitals"},
                value=None, year="tertials 1–2 of 2008",
                source=f"{WHITE_PAPER}, seeds 004:9843–9855",
                differs={"nb": "nasjonale tall for åtte måneder; våre gjelder denne loggen",
                         "en": "national totals for eight months; ours are for this log"},
                compare_to="ready_days"),
        ),
        cases=cases,
        count_columns=("stays", "flagged", "discharges_followed", "readmitted"),
    )


# --------------------------------------------------------------------------- length of stay


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
        SELECT case_id, municipality, age, (discharge_us - admit_us) / {DAY_US}.0 AS los
        FROM _m_stays WHERE discharge_us IS NOT NULL
    """)
    table = log.engine.query("""
        SELECT municipality, count(*) AS stays, count(DISTINCT case_id) AS patients,
               sum(los) AS bed_days, avg(los) AS mean_los_days, median(los) AS median_los_days,
               coalesce(sum(CASE WHEN age >= 80 THEN los END), 0) AS bed_days_80plus
        FROM _m_los GROUP BY municipality ORDER BY bed_days DESC, municipality
    """)
    totals = log.engine.query("""
        SELECT count(*) AS stays, sum(los) AS bed_days, median(los) AS median_los,
               sum(CASE WHEN age >= 80 THEN los END) AS old_days,
               (SELECT count(*) FROM _m_stays) AS all_stays
        FROM _m_los
    """).iloc[0]
    bed_days = _float(totals["bed_days"])
    old = _float(totals["old_days"])
    stays = _int(totals["stays"])
    return Measure(
        name="length_of_stay",
        title={"nb": "Liggetid og liggedøgn per bostedskommune",
               "en": "Length of stay and bed-days per municipality of residence"},
        definition=_with_stays({
            "nb": "Liggetid: tid fra innleggelse til utskrivning eller død, i døgn à 24 timer, "
                  "for avsluttede opphold; liggedøgn er summen. Kommune: på "
                  "innleggelseshendelsen, ellers forløpets.",
            "en": "Length of stay: time from admission to discharge or death in 24-hour "
                  "days, for ended stays; bed-days are their sum. Municipality: on the "
                  "admission event, else the case's.",
        }, source),
        thresholds={"stays_from": source},
        table=table,
        summary={
            "ended_stays": _ratio({"nb": "avsluttede opphold", "en": "ended stays"},
                                  stays, totals["all_stays"]),
            "bed_days": Headline({"nb": "liggedøgn", "en": "bed-days"}, bed_days, None,
                                 stays, "days"),
            "median_los": Headline({"nb": "median liggetid", "en": "median length of stay"},
                                   _float(totals["median_los"]), None, stays, "days"),
            "bed_days_80plus": Headline(
                {"nb": "andel liggedøgn brukt av pasienter 80 år +",
                 "en": "share of bed-days used by patients aged 80+"},
                old / bed_days if old is not None and bed_days else None, None, None, "share"),
        },
        reference=(Reference(
            figure={"nb": "personer over 80 år er 4,6 % av befolkningen og bruker 16,4 % av "
                          "liggedøgnene",
                    "en": "people over 80 are 4.6 % of the population and use 16.4 % of "
                          "bed-days"},
            value=0.164, year="2007",
            source=f"{WHITE_PAPER}, seeds 004:3859–3861",
            differs={"nb": "definisjonen der: alle somatiske liggedøgn nasjonalt; vår: "
                           "liggedøgn i loggen, der utvalget av pasienter bestemmer andelen",
                     "en": "definition there: all somatic bed-days nationally; ours: bed-days "
                           "in the log, whose selection of patients decides the share"},
            compare_to="bed_days_80plus"),),
        count_columns=("stays", "patients"),
    )


# --------------------------------------------------------------------------- concentration


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
    log.engine.materialize("_m_use", f"""
        WITH c AS (
            SELECT case_id, sum(CASE WHEN care_level IS NOT NULL AND care_level <> 'home'
                                     THEN 1 ELSE 0 END) AS contacts
            FROM {log.table} GROUP BY case_id
        ), b AS (
            SELECT case_id, sum((discharge_us - admit_us) / {DAY_US}.0) AS bed_days
            FROM _m_stays WHERE discharge_us IS NOT NULL GROUP BY case_id
        )
        SELECT c.case_id, c.contacts, coalesce(b.bed_days, 0) AS bed_days,
               row_number() OVER (ORDER BY c.contacts DESC, c.case_id) AS contact_rank,
               row_number() OVER (ORDER BY coalesce(b.bed_days, 0) DESC, c.case_id) AS bed_rank,
               count(*) OVER () AS n
        FROM c LEFT JOIN b ON b.case_id = c.case_id
    """)
    table = log.engine.query("""
        WITH d AS (
            SELECT *, floor((contact_rank - 1) * 10.0 / n) + 1 AS contact_decile,
                   floor((bed_rank - 1) * 10.0 / n) + 1 AS bed_decile FROM _m_use
        ), a AS (SELECT contact_decile AS decile, count(*) AS patients, sum(contacts) AS contacts
                 FROM d GROUP BY contact_decile),
        b AS (SELECT bed_decile AS decile, sum(bed_days) AS bed_days FROM d GROUP BY bed_decile)
        SELECT CAST(a.decile AS INTEGER) AS decile, a.patients, a.contacts,
               a.contacts / sum(a.contacts) OVER () AS contact_share,
               b.bed_days, b.bed_days / nullif(sum(b.bed_days) OVER (), 0) AS bed_day_share
        FROM a JOIN b ON a.decile = b.decile ORDER BY decile
    """)
    top = log.engine.query(f"""
        SELECT max(n) AS n, ceil(max(n) * {top_share}) AS k,
               sum(CASE WHEN contact_rank <= ceil(n * {top_share}) THEN contacts END)
                   AS top_contacts, sum(contacts) AS contacts,
               sum(CASE WHEN bed_rank <= ceil(n * {top_share}) THEN bed_days END) AS top_beds,
               sum(bed_days) AS bed_days
        FROM _m_use
    """).iloc[0]
    pct = f"{top_share * 100:g} %"
    beds = _float(top["bed_days"])
    return Measure(
        name="resource_concentration",
        title={"nb": "Ressurskonsentrasjon", "en": "Resource concentration"},
        definition=_with_stays({
            "nb": f"Andel av alle kontakter (hendelser på et kjent tjenestenivå unntatt hjemme) "
                  f"og av alle liggedøgn (avsluttede opphold) som brukes av de {pct} "
                  "pasientene som bruker mest, rangert hver for seg. Et forløp regnes som én "
                  "pasient.",
            "en": f"Share of all contacts (events at a known care level other than home) and "
                  f"of all bed-days (ended stays) used by the top {pct} of patients, ranked "
                  "separately. A case counts as one patient.",
        }, source),
        thresholds={"top_share": top_share, "stays_from": source},
        table=table,
        summary={
            "top_patients": Headline({"nb": f"pasienter i toppgruppen ({pct})",
                                      "en": f"patients in the top group ({pct})"},
                                     _int(top["k"]), _int(top["k"]), _int(top["n"])),
            "contact_share": Headline(
                {"nb": f"andel kontakter brukt av de {pct} største brukerne",
                 "en": f"share of contacts used by the top {pct}"},
                _share(_int(top["top_contacts"]), _int(top["contacts"])),
                _int(top["top_contacts"]), _int(top["contacts"]), "share"),
            "bed_day_share": Headline(
                {"nb": f"andel liggedøgn brukt av de {pct} største brukerne",
                 "en": f"share of bed-days used by the top {pct}"},
                (_float(top["top_beds"]) or 0.0) / beds if beds else None, None, None, "share"),
        },
        reference=(Reference(
            figure={"nb": "10 % av pasientene bruker 63 % av ressursene",
                    "en": "10 % of patients use 63 % of resources"},
            value=0.63, year="not stated",
            source="seeds 001:210",
            differs={"nb": "definisjonen der: ressurser (kostnad) i sykehus; vår: kontakter og "
                           "liggedøgn i loggen",
                     "en": "definition there: hospital resources (cost); ours: contacts and "
                           "bed-days in the log"},
            compare_to="contact_share"),),
        count_columns=("patients",),
    )


# --------------------------------------------------------------------------- registry

#: Measure name → function, in the order of DESIGN §4.
MEASURES: dict[str, Callable[..., Measure]] = {
    "waiting_at_transitions": waiting_at_transitions,
    "unit_transitions": unit_transitions,
    "readmissions": readmissions,
    "back_and_forth": back_and_forth,
    "continuity": continuity,
    "out_of_hours_outcomes": out_of_hours_outcomes,
    "emergency_admissions": emergency_admissions,
    "discharge_ready_days": discharge_ready_days,
    "length_of_stay": length_of_stay,
    "resource_concentration": resource_concentration,
}


def check_names(only: Iterable[str] | None) -> list[str]:
    """Return the measure names asked for (all when None), checked against :data:`MEASURES`.

    Raises
    ------
    OptionError
        For an unknown name, listing the allowed ones.
    """
    names = list(MEASURES) if only is None else list(only)
    unknown = [n for n in names if n not in MEASURES]
    if unknown:
        raise OptionError(f"Unknown measure {unknown[0]!r}; measures are: "
                          f"{', '.join(MEASURES)}.")
    return names


def all_measures(log: EventLog, *, only: Iterable[str] | None = None,
                 options: dict[str, dict[str, Any]] | None = None) -> list[Measure]:
    """Run every measure (or those named in ``only``) with default thresholds.

    Parameters
    ----------
    log : EventLog
    only : iterable of str, optional
        Names from :data:`MEASURES`.
    options : dict, optional
        Measure name → keyword arguments for it, e.g.
        ``{"readmissions": {"extra_days": 30}}``.

    Returns
    -------
    list of Measure
        In the order of :data:`MEASURES` (or of ``only``).
    """
    names = check_names(only)
    options = options or {}
    check_names(options)
    results = []
    for name in names:  # a loop over the ten measures, each a few queries
        with stage(f"Measure: {name}"):
            results.append(MEASURES[name](log, **options.get(name, {})))
    return results
