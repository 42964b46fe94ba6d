"""Emergency admissions: their share, and those with no GP contact before."""

from __future__ import annotations

from pathways.analyse.measures.base import DAY_US, WHITE_PAPER, Measure, Reference, _ratio
from pathways.analyse.measures.stays import _with_stays, materialize_stays
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
                value=0.60, year={"nb": "2009 (stortingsmeldingen; dataår ikke oppgitt)",
                      "en": "2009 (white paper; data year not stated)"},
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
                value=0.55, year={"nb": "2007", "en": "2007"},
                source=f"{WHITE_PAPER}, seeds 004:3995–3998",
                differs={"nb": "definisjonen der: fastlegen ikke involvert i innleggelsen; "
                               f"vår: ingen fastlegehendelse i loggen de siste {days} dagene",
                         "en": "definition there: the GP not involved in the admission; ours: "
                               f"no GP event in the log in the {days} days before"},
                compare_to="no_gp_before"),
        ),
        count_columns=("admissions", "emergency", "elective", "unknown", "emergency_no_gp"),
    )
