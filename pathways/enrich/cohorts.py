"""Cohorts (pathway groups) of cases: from ICD-10 codes, an explicit column or age.

A case belongs to every cohort any of its events points to (DESIGN §2):

==================  =====================================================
cohort              rule
==================  =====================================================
``kols``            a diagnosis code J44
``diabetes``        E10-E14
``hjerneslag``      I61, I63, I64
``eldre``           age 75 or over (the frail-elderly pathway's group)
``kreft``           C00-C97
``psykisk_helse``   F20-F48
``rus``             F10-F19
any name            the value of an explicit cohort column
==================  =====================================================

Codes are matched on their first characters after removing dots and spaces,
so ``J44.1``, ``j441`` and ``J44`` all count.
"""

from __future__ import annotations

#: Cohort → regular expression on the cleaned, upper-case ICD-10 code.
ICD10_COHORTS: dict[str, str] = {
    "kols": "^J44",
    "diabetes": "^E1[0-4]",
    "hjerneslag": "^I6[134]",
    "kreft": "^C([0-8][0-9]|9[0-7])",
    "psykisk_helse": "^F([2-3][0-9]|4[0-8])",
    "rus": "^F1[0-9]",
}

#: Age from which a case belongs to the elderly cohort.
ELDERLY_AGE = 75

#: Cohorts with a built-in pathway.
PATHWAY_COHORTS = ("kols", "diabetes", "hjerneslag", "eldre")


def cohorts_sql(events: str, *, decimal: str = ".") -> str:
    """SQL for the ``(case_id, cohort, source)`` table of a log's cases.

    One pass over the events, down to their distinct (case, diagnosis, age)
    triples, so that the ICD-10 patterns run once per triple, not per event;
    then per case, whether any code matches each ICD-10 group, the highest
    age, and the values of a cohort column.
    """
    del decimal  # ages are read with either decimal mark
    code = "upper(regexp_replace(diagnosis, '[ .]', '', 'g'))"
    flags = ", ".join(
        f"bool_or(regexp_matches({code}, '{pattern}')) AS {name}"
        for name, pattern in ICD10_COHORTS.items()
    )
    by_code = " UNION ALL ".join(
        f"SELECT case_id, '{name}' AS cohort, 'diagnosis' AS source FROM _per_case "
        f"WHERE {name}"
        for name in ICD10_COHORTS
    )
    age = "try_cast(replace(age, ',', '.') AS DOUBLE)"
    return f"""
        WITH _triples AS (
            SELECT DISTINCT case_id, diagnosis, age
            FROM {events} WHERE diagnosis IS NOT NULL OR age IS NOT NULL
        ), _per_case AS (
            SELECT case_id, {flags}, max({age}) AS _age
            FROM _triples GROUP BY case_id
        )
        SELECT DISTINCT case_id, cohort, source FROM (
            {by_code}
            UNION ALL
            SELECT case_id, 'eldre', 'age' FROM _per_case WHERE _age >= {ELDERLY_AGE}
            UNION ALL
            SELECT DISTINCT case_id, lower(trim(cohort)), 'column' FROM {events}
            WHERE cohort IS NOT NULL AND trim(cohort) <> ''
        )
        ORDER BY case_id, cohort
    """
