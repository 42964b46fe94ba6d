"""Hospital stays: how they are found, for the measures that count them.

Hospital stays (admission → discharge) are found from the activity
roles of the vocabulary (``pathways/data/activities.yaml``) *and* the level
the event happened at: an admission (``admission``, ``admission_emergency``,
``admission_elective``) at a hospital level (:data:`HOSPITAL_LEVELS`, or a
level the log does not give) opens a stay unless one is already open; the
next ``discharge`` at such a level, or a ``death`` anywhere, closes it, so
ward transfers (a second admission inside a stay) do not start a new stay.
An "Innleggelse" or "Utskrevet" at a KAD bed, a nursing home or any other
level whose level is known and not a hospital's is never a hospital
admission or discharge, whatever it is called. The hospital levels are the
somatic hospital's: ward, intensive care and the emergency department (an
admission written where the patient arrived); specialist rehabilitation,
DPS and TSB stays are not hospital stays here (the national readmission
indicators count somatic hospital stays).
A log with no admission roles at all gets its stays from the care levels
instead: a stay is a run of consecutive events at ``hospital_ward`` or
``intensive_care`` (events with an unknown level skipped), discharged at the
end of its last event when the next event is at another level; a run that
ends the case is open. Every measure says which source it used
(``thresholds["stays_from"]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pathways.analyse.measures.base import DAY_US, Measure
from pathways.log import EventLog
from pathways.sql import quote_identifier

if TYPE_CHECKING:
    from pathways.analyse.measures.catalogue import MeasureWords

ADMISSION_ROLES = ("admission", "admission_emergency", "admission_elective")
INPATIENT_LEVELS = ("hospital_ward", "intensive_care")
#: Levels at which an admission or discharge is a hospital stay's (NULL too:
#: a log without levels leaves the activity to say it).
HOSPITAL_LEVELS = ("hospital_ward", "intensive_care", "emergency_department")


def at_hospital_sql(level: str = "care_level") -> str:
    """SQL: true when an event at ``level`` may be a hospital stay's admission or discharge."""
    levels = ", ".join(f"'{lv}'" for lv in HOSPITAL_LEVELS)
    return f"({level} IS NULL OR {level} IN ({levels}))"
#: Columns that may say whether an admission was an emergency (lower-cased names).
URGENCY_COLUMNS = ("hastegrad", "urgency", "admission_type", "innleggelsestype")
EMERGENCY_WORDS = ("ø-hjelp", "øhjelp", "øyeblikkelig hjelp", "akutt", "emergency",
                   "acute", "urgent")
ELECTIVE_WORDS = ("elektiv", "planlagt", "elective", "planned")


def _has_roles(log: EventLog) -> bool:
    roles = ", ".join(f"'{r}'" for r in ADMISSION_ROLES)
    sql = (f"SELECT count(*) FROM {log.table} WHERE activity_role IN ({roles}) "
           f"AND {at_hospital_sql()}")
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
            WHERE (activity_role IN ({admission}, 'discharge') AND {at_hospital_sql()})
               OR activity_role = 'death'
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


def stays_sql(log: EventLog) -> str:
    """SQL for the hospital stays as every measure finds them (module docstring).

    Columns: ``case_id``, ``stay_no``, ``admit_us``, ``discharge_us`` (NULL
    while open), ``end_role``, ``urgency``, ``municipality``, ``hospital``.
    Rules with ``from: admission`` (:mod:`pathways.analyse.breaks`) use it.
    """
    return _stays_from_roles(log) if _has_roles(log) else _stays_from_levels(log)


def materialize_stays(log: EventLog) -> str:
    """Materialise the hospital stays as table ``_m_stays``; return where they came from.

    Returns ``"roles"`` or ``"levels"`` (see the module docstring).

    Columns: ``case_id``, ``stay_no``, ``admit_us``, ``discharge_us`` (NULL while
    open), ``end_role`` (``discharge``, ``death`` or NULL), ``urgency``
    (``emergency``, ``elective`` or NULL), ``municipality``, ``hospital``,
    ``age``, ``ready_us`` (the earliest discharge-ready notice inside the stay, of
    any source: NPR's date and PLO's message give one notice, the earliest).
    """
    source = "roles" if _has_roles(log) else "levels"
    stays = _stays_from_roles(log) if source == "roles" else _stays_from_levels(log)
    # A notice known only to the day (NPR's utskrKlarDato) on the day of admission
    # belongs to the stay although its midnight lies before the admission.
    day = ("time_precision = 'day'" if "time_precision" in log.columns() else "false")
    log.engine.materialize("_m_stays", f"""
        WITH s AS ({stays}), c AS ({_case_attributes_sql(log)}),
        r AS (SELECT case_id, ts_us, {day} AS day_only FROM {log.table}
              WHERE activity_role = 'discharge_ready')
        SELECT s.case_id, s.stay_no, s.admit_us, s.discharge_us, s.end_role, s.urgency,
               coalesce(s.municipality, c.case_municipality) AS municipality,
               coalesce(s.hospital, c.case_hospital) AS hospital, c.age,
               min(r.ts_us) AS ready_us
        FROM s JOIN c ON c.case_id = s.case_id
        LEFT JOIN r ON r.case_id = s.case_id
             AND (r.ts_us >= s.admit_us OR (r.day_only AND r.ts_us + {DAY_US} > s.admit_us))
             AND (s.discharge_us IS NULL OR r.ts_us <= s.discharge_us)
        GROUP BY s.case_id, s.stay_no, s.admit_us, s.discharge_us, s.end_role, s.urgency,
                 s.municipality, c.case_municipality, s.hospital, c.case_hospital, c.age
    """)
    return source


def _with_stays(definition: dict[str, str], source: str) -> dict[str, str]:
    """A definition with how its stays were found (``roles`` or ``levels``) added."""
    from pathways.analyse.measures.catalogue import shared_words

    note = shared_words().notes[f"stays_{source}"]
    return {code: f"{text} {note[code]}" for code, text in definition.items()}


def _stays_measure(words: MeasureWords, source: str, *, values: Mapping[str, Any] | None = None,
                   thresholds: Mapping[str, Any] | None = None, **fields: Any) -> Measure:
    """Measure ``words.name`` over the stays :func:`materialize_stays` found by ``source``.

    Its title is ``words``'; its definition ``words``' with ``values`` filled in
    and how the stays were found added (:func:`_with_stays`); its thresholds
    ``thresholds`` and then ``stays_from``. ``fields`` are the rest of the
    :class:`~pathways.analyse.measures.base.Measure` (table, summary, ...).
    """
    return Measure(name=words.name, title=words.title,
                   definition=_with_stays(words.definition(**(values or {})), source),
                   thresholds={**(thresholds or {}), "stays_from": source}, **fields)
