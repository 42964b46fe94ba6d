"""Cohorts from diagnosis codes in their code system (ICD-10 or ICPC-2), on hand-written logs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathways
from pathways.enrich.cohorts import code_lists, cohort_log, cohort_titles
from pathways.errors import OptionError
from pathways.readers.columns import diagnosis_columns, find_columns


def cohorts_of(log) -> dict[str, set[str]]:
    frame = log.engine.query("SELECT case_id, cohort FROM case_cohorts WHERE source = 'diagnosis'")
    found: dict[str, set[str]] = {}
    for case, cohort in zip(frame["case_id"], frame["cohort"], strict=True):
        found.setdefault(case, set()).add(cohort)
    return found


def test_an_icpc2_column_is_read_as_icpc2(write_log):
    # F13 and F29 are eye codes in ICPC-2 (rus and psykisk helse in ICD-10);
    # R95 is COPD, T90 diabetes, K90 stroke, P76 depression, P15 alcohol.
    log = pathways.read(write_log(
        "Pasient-ID;Hendelse;Tidspunkt;ICPC-2\n"
        "A;Fastlegekonsultasjon;01.02.2025 10:00;F13\n"
        "A;Fastlegekonsultasjon;02.02.2025 10:00;F29\n"
        "B;Fastlegekonsultasjon;01.02.2025 10:00;R95\n"
        "C;Fastlegekonsultasjon;01.02.2025 10:00;T90\n"
        "C;Fastlegekonsultasjon;02.02.2025 10:00;K90\n"
        "D;Legevaktkonsultasjon;01.02.2025 10:00;P76, P15\n"))
    assert cohorts_of(log) == {"B": {"kols"}, "C": {"diabetes", "hjerneslag"},
                               "D": {"psykisk_helse", "rus"}}
    assert set(log.engine.query("SELECT DISTINCT diagnosis_system FROM events")
               ["diagnosis_system"]) == {"icpc2"}


def test_the_same_codes_in_an_icd10_column_are_icd10(write_log):
    log = pathways.read(write_log(
        "Pasient-ID;Hendelse;Tidspunkt;Diagnose\n"
        "A;Innleggelse;01.02.2025 10:00;F13.2\n"
        "B;Innleggelse;01.02.2025 10:00;F29\n"
        "C;Innleggelse;01.02.2025 10:00;R95\n"))
    assert cohorts_of(log) == {"A": {"rus"}, "B": {"psykisk_helse"}}


def test_every_diagnosis_column_is_read(write_log):
    # Only the second diagnosis column holds J44: the person is in kols.
    log = pathways.read(write_log(
        "Pasient-ID;Hendelse;Tidspunkt;Hdiag;Bdiag1;Bdiag2\n"
        "A;Innleggelse;01.02.2025 10:00;I10;J44.1;\n"
        "B;Innleggelse;01.02.2025 10:00;I50;;E11.9\n"
        "C;Innleggelse;01.02.2025 10:00;I10;;\n"))
    assert log.report.columns["diagnosis"] == "Hdiag"
    assert log.report.columns["diagnosis_2"] == "Bdiag1"
    assert cohorts_of(log) == {"A": {"kols"}, "B": {"diabetes"}}


def test_kodeverk_names_the_system_per_row(write_log):
    log = pathways.read(write_log(
        "Pasient-ID;Hendelse;Tidspunkt;Diagnose;Kodeverk\n"
        "A;Konsultasjon;01.02.2025 10:00;F13;ICPC-2\n"
        "B;Konsultasjon;01.02.2025 10:00;F13;ICD-10\n"
        "C;Konsultasjon;01.02.2025 10:00;R95;ICPC2\n"
        "D;Konsultasjon;01.02.2025 10:00;F13;\n"))
    assert cohorts_of(log) == {"B": {"rus"}, "C": {"kols"}, "D": {"rus"}}


def test_one_row_with_codes_of_both_systems(write_log):
    # ICD-10 E11 and ICPC-2 F29 (eye) in one row: diabetes only.
    log = pathways.read(write_log(
        "Pasient-ID;Hendelse;Tidspunkt;Hoveddiagnose;ICPC\n"
        "A;Konsultasjon;01.02.2025 10:00;E11;F29\n"
        "B;Konsultasjon;01.02.2025 10:00;;R95\n"))
    assert cohorts_of(log) == {"A": {"diabetes"}, "B": {"kols"}}
    row = log.engine.query("SELECT diagnosis, diagnosis_system FROM events WHERE case_id = 'A'")
    assert row.iloc[0].tolist() == ["E11 icpc2:F29", "icd10"]


def test_a_person_is_in_every_cohort_any_event_gives(write_log):
    log = pathways.read(write_log(
        "case_id;activity;timestamp;diagnosis;diagnosis_system\n"
        "A;Innleggelse;2025-02-01 10:00;J44.1 I10;icd10\n"
        "A;Konsultasjon;2025-02-03 10:00;T90;icpc2\n"
        "A;Konsultasjon;2025-02-04 10:00;C34.1;\n"))
    assert cohorts_of(log) == {"A": {"kols", "diabetes", "kreft"}}


def test_diagnosis_columns_by_name():
    found = find_columns(["id", "Hendelse", "Tid", "Hdiag", "Bdiag1", "Bdiag2", "ICPC-2",
                          "Notat"], {"case_id": "id", "timestamp": "Tid"}, source="x.csv")
    assert {k: v for k, v in found.items() if k.startswith("diagnosis")} == {
        "diagnosis": "Hdiag", "diagnosis_2": "Bdiag1", "diagnosis_3": "Bdiag2",
        "diagnosis_icpc2": "ICPC-2"}
    assert diagnosis_columns(["ICPC2", "Diagnose2"], {}) == {
        "diagnosis": "Diagnose2", "diagnosis_icpc2": "ICPC2"}


def test_code_lists_come_from_the_data_file():
    lists = set(code_lists())
    assert ("icpc2", "kols", "R95", "R95") in lists
    assert ("icd10", "diabetes", "E10", "E14") in lists
    assert not any(s == "icpc2" and first.startswith("F") for s, _, first, _ in lists)
    assert cohort_titles("kols")["en"] == "COPD"


@given(st.sampled_from(["R95", "r95", "R95.00", " R95 "]),
       st.sampled_from([" ", ",", ";", ", "]))
def test_separators_and_spelling_do_not_matter(tmp_path_factory, code, sep):
    path = tmp_path_factory.mktemp("c") / "log.csv"
    path.write_text("case_id;activity;timestamp;ICPC2\n"
                    f"A;Konsultasjon;2025-02-01 10:00;\"A01{sep}{code}\"\n", encoding="utf-8")
    assert cohorts_of(pathways.read(path)) == {"A": {"kols"}}


def test_cohort_log_refuses_an_absent_cohort(write_log):
    log = pathways.read(write_log(
        "case_id;activity;timestamp;diagnosis\nA;Innleggelse;2025-02-01 10:00;J44\n"))
    assert cohort_log(log, None) is log
    assert cohort_log(log, "kols").n_cases == 1
    with pytest.raises(OptionError, match="No case belongs to cohort 'rus'"):
        cohort_log(log, "rus")
