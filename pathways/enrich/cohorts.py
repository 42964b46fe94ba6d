"""Cohorts (pathway groups) of cases: from diagnosis codes, an explicit column or age.

A case belongs to every cohort any of its events points to (DESIGN §2, §3b):

==================  ==================  ==========================================
cohort              ICD-10              ICPC-2
==================  ==================  ==========================================
``kols``            J44                 R95
``diabetes``        E10-E14             T89, T90
``hjerneslag``      I61, I63, I64       K90
``kreft``           C00-C97             A79, B72-B74, D74-D77, L71, N74, R84-R85,
                                        S77, T71, U75-U77, X75-X77, Y77-Y78
``psykisk_helse``   F20-F48             P02, P72-P76, P78-P79, P82, P98
``rus``             F10-F19             P15-P16, P18-P19
``eldre``           age 75 or over (the frail-elderly pathway's group)
any name            the value of an explicit cohort column
==================  ==================  ==========================================

The code lists are data (``pathways/data/cohorts.yaml``, with their sources).
An event's ``diagnosis`` holds all its codes, separated by spaces, commas or
semicolons; each is read in the event's ``diagnosis_system`` (``icd10`` or
``icpc2``; none means ICD-10), or in the system its own prefix names
(``icpc2:R95``: the reader writes that when one row has codes of both
systems). An ICPC-2 code is never read as ICD-10: ICPC-2 F13 is an eye code.
A code is compared by its first three characters after dots and spaces are
removed, so ``J44.1``, ``j441`` and ``J44`` all count.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from pathways.errors import OptionError, PathwaysError
from pathways.sql import sql_text

if TYPE_CHECKING:
    from pathways.log import EventLog

#: The code systems a diagnosis can be read in.
CODE_SYSTEMS = ("icd10", "icpc2")

#: Age from which a case belongs to the elderly cohort.
ELDERLY_AGE = 75

#: Cohorts with a built-in pathway.
PATHWAY_COHORTS = ("kols", "diabetes", "hjerneslag", "eldre")

_CATEGORY = re.compile(r"^([A-Z][0-9]{2})(?:-([A-Z][0-9]{2}))?$")


@cache
def _cohort_file() -> dict[str, Any]:
    text = resources.files("pathways.data").joinpath("cohorts.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def cohort_titles(cohort: str) -> dict[str, str]:
    """A cohort's titles by language code, as the cohorts file gives them.

    ``{"nb": "Kols", "en": "COPD"}``; empty for a cohort the file does not name.
    """
    entry = _cohort_file()["cohorts"].get(cohort) or {}
    return {str(code): str(text) for code, text in (entry.get("title") or {}).items()}


@cache
def code_lists() -> tuple[tuple[str, str, str, str], ...]:
    """The cohorts' code lists as ``(system, cohort, first, last)`` category ranges.

    Read from ``pathways/data/cohorts.yaml``; a single category is a range of
    one (``("icpc2", "kols", "R95", "R95")``).
    """
    data = _cohort_file()
    ranges = []
    for cohort, entry in data["cohorts"].items():
        for system in CODE_SYSTEMS:
            for item in entry.get(system) or []:
                match = _CATEGORY.match(str(item).strip().upper())
                if match is None:
                    raise PathwaysError(
                        f"pathways/data/cohorts.yaml: cohort {cohort!r}, {system}: "
                        f"{item!r} is not a category (A00) or range (A00-A09).")
                first, last = match.group(1), match.group(2) or match.group(1)
                ranges.append((system, str(cohort), first, last))
    return tuple(ranges)


def code_system_sql(value: str) -> str:
    """SQL: a written code system (``ICPC-2``, ``icpc``, ``ICD-10``) as ``icpc2``/``icd10``.

    Any other text is kept, lower case without punctuation, so it matches no
    code list (and is not mistaken for ICD-10).
    """
    norm = f"regexp_replace(lower({value}), '[^a-z0-9]', '', 'g')"
    return (f"CASE WHEN {value} IS NULL THEN NULL "
            f"WHEN {norm} IN ('icpc', 'icpc2', 'icpc2e', 'icpc2b') THEN 'icpc2' "
            f"WHEN {norm} IN ('icd', 'icd10', 'icd10no') THEN 'icd10' "
            f"ELSE nullif({norm}, '') END")


def cohorts_sql(events: str, *, decimal: str = ".") -> str:
    """SQL for the ``(case_id, cohort, source)`` table of a log's cases.

    The diagnoses are brought down to their distinct (text, system) values
    first; only those are split into codes (``string_split`` + ``unnest``)
    and matched against the code lists, a small table of category ranges;
    the cohorts found are joined back to the (case, text, system) triples.
    Then per case the highest age, and the values of a cohort column.
    """
    del decimal  # ages are read with either decimal mark
    lists = ", ".join(f"('{s}', '{c}', '{a}', '{b}')" for s, c, a, b in code_lists())
    token = "_tok"
    prefixed = f"regexp_extract(lower({token}), '^(icpc2|icd10):', 1)"
    code = (f"upper(regexp_replace(regexp_replace({token}, '^[A-Za-z0-9]+:', ''), "
            f"'[^A-Za-z0-9]', '', 'g'))")
    age = "try_cast(replace(age, ',', '.') AS DOUBLE)"
    return f"""
        WITH _lists(sys, cohort, first, last) AS (VALUES {lists}),
        _dx AS (
            SELECT DISTINCT case_id, diagnosis, coalesce(diagnosis_system, 'icd10') AS sys
            FROM {events} WHERE diagnosis IS NOT NULL
        ), _values AS (
            SELECT DISTINCT diagnosis, sys FROM _dx
        ), _tokens AS (
            SELECT diagnosis, sys,
                   unnest(string_split(regexp_replace(diagnosis, '[\\s,;]+', ' ', 'g'), ' '))
                       AS {token}
            FROM _values
        ), _codes AS (
            SELECT DISTINCT diagnosis, sys AS row_sys,
                   coalesce(nullif({prefixed}, ''), sys) AS sys, left({code}, 3) AS cat
            FROM _tokens WHERE {token} <> ''
        ), _value_cohorts AS (
            SELECT DISTINCT c.diagnosis, c.row_sys, l.cohort
            FROM _codes c JOIN _lists l
              ON l.sys = c.sys AND c.cat BETWEEN l.first AND l.last
            WHERE regexp_full_match(c.cat, '[A-Z][0-9][0-9]')
        ), _ages AS (
            SELECT case_id, max({age}) AS _age FROM (
                SELECT DISTINCT case_id, age FROM {events} WHERE age IS NOT NULL)
            GROUP BY case_id
        )
        SELECT DISTINCT case_id, cohort, source FROM (
            SELECT d.case_id, v.cohort, 'diagnosis' AS source
            FROM _dx d JOIN _value_cohorts v ON v.diagnosis = d.diagnosis AND v.row_sys = d.sys
            UNION ALL
            SELECT case_id, 'eldre', 'age' FROM _ages WHERE _age >= {ELDERLY_AGE}
            UNION ALL
            SELECT DISTINCT case_id, lower(trim(cohort)), 'column' FROM {events}
            WHERE cohort IS NOT NULL AND trim(cohort) <> ''
        )
        ORDER BY case_id, cohort
    """


def cohort_log(log: EventLog, cohort: str | None, *, table: str = "events_cohort"
               ) -> EventLog:
    """The log restricted to the cases of one cohort; the log itself when None.

    Every analysis run on the result sees only that cohort's journeys (whole
    journeys: every event of a case in the cohort), so one restriction serves
    breaks, measures, the level map and the report alike. The end of
    observation stays that of the whole log, so a window open at the end of
    the whole log is open in the cohort too. ``table`` names the engine
    table the cohort's events are put in.

    Raises
    ------
    OptionError
        When no case belongs to the cohort; the message lists the cohorts there are.
    """
    if cohort is None:
        return log
    present = sorted(log.engine.query(
        "SELECT DISTINCT cohort FROM case_cohorts")["cohort"].dropna())
    if cohort not in present:
        known = ", ".join(present) or "none (no diagnosis, age or cohort column)"
        raise OptionError(f"No case belongs to cohort {cohort!r}. Cohorts in this "
                          f"log: {known}.")
    end_us = log.end_of_observation_us
    log.engine.materialize(table, f"""
        SELECT * FROM {log.table} WHERE case_id IN (
            SELECT case_id FROM case_cohorts WHERE cohort = '{sql_text(cohort)}')
    """)
    return log.with_table(table).with_until(end_us)
