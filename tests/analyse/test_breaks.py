"""The semantics of DESIGN §4, clause by clause, on small logs worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import pathways
import pathways.present.breaks
from pathways.analyse.breaks import BREAK_COLUMNS, SUMMARY_COLUMNS, parse_until
from pathways.errors import OptionError
from pathways.present.breaks import evaluate

HEADER = "case_id,activity,timestamp,care_level\n"

EPIKRISE = """
pathway: test
rules:
  - id: epikrise-1d
    kind: information
    after: {activity: Utskrivning}
    expect: {activity: Epikrise sendt}
    within: 1d
    title: {nb: Epikrise ikke sendt innen ett døgn, en: Discharge summary late}
"""

READMISSION = """
pathway: test
rules:
  - id: reinnleggelse-28d
    kind: resource
    after: {activity: Utskrivning}
    forbid: {activity: Innleggelse}
    within: 28d
    unless: {activity: Død}
"""


def run(tmp_path: Path, rows: str, rules: str, **options) -> pd.DataFrame:
    """The breaks of a CSV log (rows under HEADER) against a rule file's text."""
    return result(tmp_path, rows, rules, **options).breaks


def result(tmp_path: Path, rows: str, rules: str, **options):
    log_path = tmp_path / "log.csv"
    log_path.write_text(HEADER + rows.strip() + "\n", encoding="utf-8")
    rule_path = tmp_path / "rules.yaml"
    rule_path.write_text(rules, encoding="utf-8")
    return evaluate(pathways.read(log_path), rules=rule_path, **options)


def summary_row(res) -> dict:
    return res.summary.iloc[0].to_dict()


# --- expect ---------------------------------------------------------------------


def test_expect_on_time_gives_no_break(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
A,Epikrise sendt,2025-03-04 09:00,sengepost
B,Fastlegekonsultasjon,2025-03-05 09:00,fastlege
"""
    res = result(tmp_path, rows, EPIKRISE)
    assert res.breaks.empty
    row = summary_row(res)
    assert (row["triggers"], row["breaks"], row["evaluated"], row["rate"]) == (1, 0, 1, 0.0)


def test_the_rate_judges_only_windows_closed_by_the_end_of_observation(tmp_path):
    # Two discharges, --until 1 April. A's window (to 29 March) has closed: no
    # readmission, judged, no break. B's (from 20 March, to 17 April) is still
    # open on 1 April; its readmission on 10 April is a break in the table
    # (DESIGN §4), but counting it in the rate while B-like triggers without a
    # readmission yet stay out would inflate the rate: B is an open window.
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
B,Utskrivning,2025-03-20 10:00,sengepost
B,Innleggelse,2025-04-10 10:00,sengepost
"""
    res = result(tmp_path, rows, READMISSION, until="2025-04-01")
    assert res.breaks[["case_id", "status"]].values.tolist() == [["B", "occurred"]]
    row = summary_row(res)
    assert (row["triggers"], row["open_windows"], row["evaluated"], row["broken"],
            row["occurred"], row["breaks"], row["rate"]) == (2, 1, 1, 0, 0, 1, 0.0)
    # with the whole log observed (to 10 April), B's window is still open too
    whole = summary_row(result(tmp_path, rows, READMISSION))
    assert (whole["open_windows"], whole["evaluated"], whole["rate"]) == (1, 1, 0.0)


def test_expect_exactly_at_the_deadline_is_on_time(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
A,Epikrise sendt,2025-03-04 10:00,sengepost
"""
    assert run(tmp_path, rows, EPIKRISE).empty


def test_expect_later_than_the_window_is_late(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
A,Epikrise sendt,2025-03-04 12:00,fastlege
A,Epikrise sendt,2025-03-05 12:00,fastlege
"""
    table = run(tmp_path, rows, EPIKRISE)
    assert list(table.columns) == list(BREAK_COLUMNS)
    assert len(table) == 1  # one trigger, one break: the first candidate is evidence
    row = table.iloc[0]
    assert row["status"] == "late"
    assert row["evidence_activity"] == "Epikrise sendt"
    assert row["trigger_time"] == "2025-03-03T10:00:00+01:00"
    assert row["evidence_time"] == "2025-03-04T12:00:00+01:00"
    assert row["delay_hours"] == 26.0
    assert (row["from_level"], row["to_level"]) == ("hospital_ward", "gp")
    assert (row["pathway"], row["rule_id"], row["kind"]) == ("test", "epikrise-1d",
                                                              "information")
    assert row["message"] == ("Epikrise ikke sendt innen ett døgn: «Epikrise sendt» kom "
                              "26,0 timer etter «Utskrivning», senere enn 1 døgn.")


def test_no_expected_event_is_missing_when_the_window_has_closed(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
B,Fastlegekonsultasjon,2025-03-10 10:00,fastlege
"""
    table = run(tmp_path, rows, EPIKRISE, lang="en")
    row = table.iloc[0]
    assert row["status"] == "missing"
    assert row["evidence_activity"] is None and row["evidence_time"] is None
    assert row["delay_hours"] == 7 * 24  # trigger to end of observation
    assert row["to_level"] == "hospital_ward"  # the expected activity's own level
    assert row["message"] == ("Discharge summary late: no “Epikrise sendt” within 1 day "
                              "of “Utskrivning”.")


def test_window_open_at_end_of_observation_is_counted_not_reported(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
B,Fastlegekonsultasjon,2025-03-04 09:00,fastlege
"""
    res = result(tmp_path, rows, EPIKRISE)
    assert res.breaks.empty
    row = summary_row(res)
    assert (row["triggers"], row["open_windows"], row["evaluated"]) == (1, 1, 0)
    assert pd.isna(row["rate"])


def test_deadline_equal_to_end_of_observation_is_missing(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
B,Fastlegekonsultasjon,2025-03-04 10:00,fastlege
"""
    assert run(tmp_path, rows, EPIKRISE)["status"].tolist() == ["missing"]


def test_until_closes_the_window(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
B,Fastlegekonsultasjon,2025-03-04 09:00,fastlege
"""
    table = run(tmp_path, rows, EPIKRISE, until="2025-03-04")  # end of 4 March
    assert table["status"].tolist() == ["missing"]
    assert table["delay_hours"].tolist() == [38.0]
    assert run(tmp_path, rows, EPIKRISE, until="2025-03-04T09:59").empty
    assert len(run(tmp_path, rows, EPIKRISE, until="04.03.2025 10:00")) == 1


def test_until_before_the_evidence_keeps_late_as_late(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
A,Epikrise sendt,2025-03-06 10:00,sengepost
"""
    table = run(tmp_path, rows, EPIKRISE, until="2025-03-04T12:00")
    assert table["status"].tolist() == ["late"]


def test_parse_until():
    assert parse_until(None) is None
    assert parse_until("2025-01-01T00:00+00:00") == 1_735_689_600_000_000
    # a date means the end of that day, Oslo time (UTC+1 in winter)
    assert parse_until("2024-12-31") == 1_735_689_600_000_000 - 3_600_000_000
    assert parse_until("31.12.2024") == parse_until("2024-12-31")
    with pytest.raises(OptionError, match="until must be a date"):
        parse_until("next tuesday")
    with pytest.raises(OptionError, match=r"--until '2025-02-30' is not a valid date"):
        parse_until("2025-02-30")
    with pytest.raises(OptionError, match=r"--until '2100-01-01' is outside the years"):
        parse_until("2100-01-01")
    with pytest.raises(OptionError, match="--timezone 'Mars/Olympus' is not a known"):
        parse_until("2025-03-01T10:00", "Mars/Olympus")


def test_events_before_the_trigger_are_not_candidates(tmp_path):
    rows = """
A,Epikrise sendt,2025-03-03 09:59,sengepost
A,Utskrivning,2025-03-03 10:00,sengepost
B,Fastlegekonsultasjon,2025-03-10 10:00,fastlege
"""
    assert run(tmp_path, rows, EPIKRISE)["status"].tolist() == ["missing"]


def test_other_cases_are_not_candidates(tmp_path):
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
B,Epikrise sendt,2025-03-03 11:00,sengepost
B,Fastlegekonsultasjon,2025-03-10 10:00,fastlege
"""
    assert run(tmp_path, rows, EPIKRISE)["case_id"].tolist() == ["A"]


# --- ties at the same timestamp ---------------------------------------------------


def test_same_time_candidate_counts_before_and_after_in_file_order(tmp_path):
    rows = """
A,Epikrise sendt,2025-03-03 10:00,sengepost
A,Utskrivning,2025-03-03 10:00,sengepost
B,Utskrivning,2025-03-03 10:00,sengepost
B,Epikrise sendt,2025-03-03 10:00,sengepost
C,Fastlegekonsultasjon,2025-03-10 10:00,fastlege
"""
    res = result(tmp_path, rows, EPIKRISE)
    assert res.breaks.empty
    assert summary_row(res)["triggers"] == 2


def test_same_time_forbidden_event_counts_in_either_file_order(tmp_path):
    rows = """
A,Innleggelse,2025-03-03 10:00,sengepost
A,Utskrivning,2025-03-03 10:00,sengepost
B,Utskrivning,2025-03-03 10:00,sengepost
B,Innleggelse,2025-03-03 10:00,sengepost
"""
    table = run(tmp_path, rows, READMISSION)
    assert table["case_id"].tolist() == ["A", "B"]
    assert set(table["delay_hours"]) == {0.0}


# --- a trigger that matches expect or forbid itself ----------------------------------


SELF_EXPECT = """
rules:
  - id: again
    kind: time
    after: {activity: Kontroll}
    expect: {activity: Kontroll}
    within: 1d
"""


def test_trigger_matching_expect_does_not_count_itself(tmp_path):
    rows = """
A,Kontroll,2025-03-03 10:00,poliklinikk
A,Kontroll,2025-03-04 16:00,poliklinikk
A,Blodprøve,2025-03-08 10:00,poliklinikk
"""
    table = run(tmp_path, rows, SELF_EXPECT)
    # first Kontroll: the second comes 30 h later → late;
    # second Kontroll: no other Kontroll, window closed → missing.
    assert table["status"].tolist() == ["late", "missing"]
    assert table["delay_hours"].tolist() == [30.0, 90.0]
    assert table.iloc[0]["pathway"] == "rules"  # no pathway key: the file's stem


def test_trigger_matching_expect_finds_a_twin_at_the_same_time(tmp_path):
    rows = """
A,Kontroll,2025-03-03 10:00,poliklinikk
A,Kontroll,2025-03-03 10:00,sengepost
A,Blodprøve,2025-03-08 10:00,poliklinikk
"""
    assert run(tmp_path, rows, SELF_EXPECT).empty


def test_trigger_matching_forbid_does_not_count_itself(tmp_path):
    rules = """
pathway: test
rules:
  - id: readmit
    kind: resource
    after: {activity: Innleggelse}
    forbid: {activity: Innleggelse}
    within: 28d
"""
    rows = """
A,Innleggelse,2025-03-01 10:00,sengepost
A,Innleggelse,2025-03-06 10:00,sengepost
"""
    table = run(tmp_path, rows, rules)
    assert table["trigger_time"].tolist() == ["2025-03-01T10:00:00+01:00"]
    assert table["evidence_time"].tolist() == ["2025-03-06T10:00:00+01:00"]
    assert table["status"].tolist() == ["occurred"]


# --- forbid --------------------------------------------------------------------------


def test_forbid_gives_one_break_per_forbidden_event_in_the_window(tmp_path):
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
A,Innleggelse,2025-03-03 10:00,sengepost
A,Innleggelse,2025-03-11 10:00,sengepost
A,Innleggelse,2025-03-29 10:00,sengepost
A,Innleggelse,2025-03-29 11:00,sengepost
"""
    res = result(tmp_path, rows, READMISSION)
    table = res.breaks
    # 29 March 10:00 is exactly 28 days (672 real hours) after the trigger: inside
    assert table["status"].tolist() == ["occurred"] * 3
    assert table["delay_hours"].tolist() == [48.0, 240.0, 672.0]
    assert table["message"].iloc[0] == ("reinnleggelse-28d: «Innleggelse» 48,0 timer "
                                        "etter «Utskrivning», innen 28 døgn.")
    row = summary_row(res)
    assert (row["triggers"], row["broken"], row["breaks"], row["occurred"]) == (1, 1, 3, 3)


def test_forbid_without_forbidden_events_open_or_clear(tmp_path):
    rows = """
A,Utskrivning,2025-01-01 10:00,sengepost
B,Utskrivning,2025-03-01 10:00,sengepost
B,Blodprøve,2025-03-10 10:00,sengepost
"""
    res = result(tmp_path, rows, READMISSION)
    assert res.breaks.empty
    row = summary_row(res)
    assert (row["triggers"], row["open_windows"], row["evaluated"], row["rate"]) == (
        2, 1, 1, 0.0)


# --- unless ----------------------------------------------------------------------------


def test_unless_in_the_window_excuses_every_break_of_the_trigger(tmp_path):
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
A,Innleggelse,2025-03-03 10:00,sengepost
A,Død,2025-03-20 10:00,sengepost
B,Utskrivning,2025-03-01 10:00,sengepost
B,Innleggelse,2025-03-03 10:00,sengepost
B,Død,2025-04-20 10:00,sengepost
"""
    res = result(tmp_path, rows, READMISSION)
    assert res.breaks["case_id"].tolist() == ["B"]  # B died after the window
    assert summary_row(res)["excused"] == 1


def test_unless_excuses_a_missing_expected_event(tmp_path):
    rules = EPIKRISE + "    unless: {activity: Død}\n"
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost
A,Død,2025-03-03 18:00,sengepost
B,Utskrivning,2025-03-03 10:00,sengepost
B,Død,2025-03-05 18:00,sengepost
"""
    res = result(tmp_path, rows, rules)
    assert res.breaks["case_id"].tolist() == ["B"]
    assert summary_row(res)["excused"] == 1


def test_trigger_matching_unless_does_not_excuse_itself(tmp_path):
    rules = """
rules:
  - id: r
    kind: time
    after: {activity: Innleggelse}
    expect: {activity: Epikrise sendt}
    within: 1d
    unless: {activity: Innleggelse}
"""
    rows = """
A,Innleggelse,2025-03-03 10:00,sengepost
A,Blodprøve,2025-03-08 10:00,sengepost
"""
    assert run(tmp_path, rows, rules)["status"].tolist() == ["missing"]


# --- daylight-saving changes ---------------------------------------------------------


@pytest.mark.parametrize(("trigger", "evidence", "late", "hours"), [
    # spring: 29 → 30 March 2025 has 23 hours; 1d is still 24 real hours
    ("2025-03-29 12:00", "2025-03-30 12:30", False, None),  # 23.5 real hours
    ("2025-03-29 12:00", "2025-03-30 13:30", True, 24.5),
    # autumn: 25 → 26 October 2025 has 25 hours
    ("2025-10-25 12:00", "2025-10-26 11:30", True, 24.5),
    ("2025-10-25 12:00", "2025-10-26 10:30", False, None),  # 23.5 real hours
])
def test_one_day_across_dst_is_24_real_hours(tmp_path, trigger, evidence, late, hours):
    rows = f"""
A,Utskrivning,{trigger},sengepost
A,Epikrise sendt,{evidence},sengepost
"""
    table = run(tmp_path, rows, EPIKRISE)
    assert len(table) == int(late)
    if late:
        assert table["delay_hours"].tolist() == [hours]


def test_times_are_written_with_the_oslo_offset_of_their_date(tmp_path):
    rows = """
A,Utskrivning,2025-03-29 12:00,sengepost
A,Epikrise sendt,2025-03-30 13:30,sengepost
"""
    row = run(tmp_path, rows, EPIKRISE).iloc[0]
    assert row["trigger_time"] == "2025-03-29T12:00:00+01:00"
    assert row["evidence_time"] == "2025-03-30T13:30:00+02:00"


# --- matchers: levels, both, lists, aliases --------------------------------------------


def test_level_only_matchers(tmp_path):
    rules = """
rules:
  - id: gp-after-hospital
    kind: time
    after: {level: Sengepost}
    expect: {level: [fastlege, Legevakt]}
    within: 14d
"""
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
A,Konsultasjon,2025-03-05 10:00,legevakt
B,Utskrivning,2025-03-01 10:00,sengepost
B,Konsultasjon,2025-03-25 10:00,fastlege
"""
    table = run(tmp_path, rows, rules)
    assert table["case_id"].tolist() == ["B"]
    assert table["status"].tolist() == ["late"]
    assert table["to_level"].tolist() == ["gp"]


def test_activity_and_level_must_both_match(tmp_path):
    rules = """
rules:
  - id: gp-visit
    kind: time
    after: {activity: Utskrivning}
    expect: {activity: Konsultasjon, level: fastlege}
    within: 14d
"""
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
A,Konsultasjon,2025-03-05 10:00,legevakt
A,Konsultasjon,2025-03-20 10:00,fastlege
"""
    table = run(tmp_path, rows, rules)
    assert table["status"].tolist() == ["late"]
    assert table["evidence_time"].tolist() == ["2025-03-20T10:00:00+01:00"]


def test_missing_level_break_names_the_expected_level(tmp_path):
    rules = """
rules:
  - id: gp-visit
    kind: time
    after: {activity: Utskrivning}
    expect: {activity: Konsultasjon, level: fastlege}
    within: 1d
"""
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
A,Blodprøve,2025-03-05 10:00,sengepost
"""
    table = run(tmp_path, rows, rules)
    assert table[["status", "to_level"]].values.tolist() == [["missing", "gp"]]
    assert table["message"].iloc[0].endswith(
        "ingen «Konsultasjon» på fastlege innen 1 døgn etter «Utskrivning».")


def test_a_list_of_activities_matches_any(tmp_path):
    rules = """
rules:
  - id: summary
    kind: information
    after: {activity: [Utskrivning, Utskrivning KAD]}
    expect: {activity: [Epikrise sendt, Utskrivningsrapport sendt]}
    within: 1d
"""
    rows = """
A,Utskrivning KAD,2025-03-01 10:00,KAD
A,Utskrivningsrapport sendt,2025-03-01 18:00,KAD
B,Utskrivning,2025-03-01 10:00,sengepost
B,Blodprøve,2025-03-05 10:00,sengepost
"""
    res = result(tmp_path, rows, rules)
    assert res.breaks["case_id"].tolist() == ["B"]
    assert summary_row(res)["triggers"] == 2


def test_aliases_match_through_the_vocabulary(tmp_path):
    rows = """
A,Utskrevet,2025-03-01 10:00,sengepost
A,Epikrise,2025-03-03 10:00,sengepost
"""
    table = run(tmp_path, rows, EPIKRISE)  # the rule says Utskrivning / Epikrise sendt
    assert table["status"].tolist() == ["late"]
    assert table["trigger_activity"].tolist() == ["Utskrevet"]  # as the log wrote it


def test_a_rule_written_with_an_alias_matches_the_canonical_name(tmp_path):
    rules = EPIKRISE.replace("{activity: Utskrivning}", "{activity: utskrevet}")
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
A,Blodprøve,2025-03-05 10:00,sengepost
"""
    assert run(tmp_path, rows, rules)["status"].tolist() == ["missing"]


def test_unknown_activity_names_match_case_insensitively(tmp_path):
    rules = """
rules:
  - id: iv
    kind: time
    after: {activity: ER sepsis triage}
    expect: {activity: iv antibiotics}
    within: 60m
"""
    rows = """
A,ER Sepsis Triage,2025-03-01 10:00,akuttmottak
A,IV Antibiotics,2025-03-01 11:30,akuttmottak
"""
    table = run(tmp_path, rows, rules)
    assert table[["status", "delay_hours"]].values.tolist() == [["late", 1.5]]


# --- selection, cohorts, summary, output types -------------------------------------------


def test_cohort_keeps_only_its_cases_but_end_of_observation_is_the_whole_log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "case_id,activity,timestamp,diagnosis\n"
        "A,Utskrivning,2025-03-01 10:00,J44.1\n"
        "B,Utskrivning,2025-03-01 10:00,E11\n"
        "C,Blodprøve,2025-03-10 10:00,E11\n", encoding="utf-8")
    (tmp_path / "r.yaml").write_text(EPIKRISE, encoding="utf-8")
    log = pathways.read(path)
    table = pathways.breaks(log, rules=tmp_path / "r.yaml", cohort="kols")
    assert table[["case_id", "status"]].values.tolist() == [["A", "missing"]]
    with pytest.raises(OptionError, match="Cohorts in this log: diabetes, kols"):
        pathways.breaks(log, rules=tmp_path / "r.yaml", cohort="hjerneslag")


def test_result_carries_its_cohort_and_leaves_no_step_tables(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "case_id,activity,timestamp,diagnosis\n"
        "A,Utskrivning,2025-03-01 10:00,J44.1\n"
        "B,Utskrivning,2025-03-01 10:00,E11\n", encoding="utf-8")
    (tmp_path / "r.yaml").write_text(EPIKRISE, encoding="utf-8")
    log = pathways.read(path)
    before = log.engine.tables()
    kols = evaluate(log, rules=tmp_path / "r.yaml", cohort="kols")
    every = evaluate(log, rules=tmp_path / "r.yaml")
    assert (kols.cohort, every.cohort) == ("kols", None)
    # each evaluation keeps its own outcomes table, and nothing else
    assert log.engine.tables() - before == {kols.outcomes, every.outcomes}
    assert log.engine.scalar(f"SELECT count(*) FROM {kols.outcomes}") == 1
    assert log.engine.scalar(f"SELECT count(*) FROM {every.outcomes}") == 2


def test_default_pathways_are_those_of_the_cohorts_present(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "case_id,activity,timestamp,diagnosis\n"
        "A,Utskrivning,2025-03-01 10:00,J44.1\n"
        "B,Utskrivning,2025-03-01 10:00,E11\n"
        "C,Blodprøve,2025-04-10 10:00,\n", encoding="utf-8")
    res = evaluate(pathways.read(path))
    assert [p.name for p in res.pathways] == ["kols", "diabetes"]
    # Each pathway on its own cohort's cases. Worked out by hand: the windows
    # after both discharges closed before the log ends on 10 April, with no
    # discharge summary and no GP visit; nothing forbidden happened.
    found = res.breaks[["case_id", "pathway", "rule_id", "status"]].values.tolist()
    assert sorted(found) == [["A", "kols", "epikrise-1d", "missing"],
                             ["A", "kols", "fastlege-14d", "missing"],
                             ["B", "diabetes", "epikrise-1d", "missing"]]


def test_without_known_cohorts_all_builtin_pathways_apply(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("case_id,activity,timestamp\nA,Utskrivning,2025-03-01 10:00\n"
                    "A,Blodprøve,2025-04-01 10:00\n", encoding="utf-8")
    res = evaluate(pathways.read(path))
    assert [p.name for p in res.pathways] == pathways.builtin_pathways()
    assert "epikrise-1d" in set(res.breaks["rule_id"])


def test_pathway_by_name_and_rule_file_together(tmp_path):
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost
A,Blodprøve,2025-04-01 10:00,sengepost
"""
    res = result(tmp_path, rows, READMISSION.replace("pathway: test", "pathway: mine"),
                 pathway="kols")
    assert list(dict.fromkeys(res.summary["pathway"])) == ["kols", "mine"]
    assert list(res.summary.columns) == list(SUMMARY_COLUMNS)
    assert "epikrise-1d" in set(res.breaks["rule_id"])


def test_same_name_twice_is_refused(tmp_path):
    rows = "A,Utskrivning,2025-03-01 10:00,sengepost"
    with pytest.raises(OptionError, match="named 'kols'"):
        result(tmp_path, rows, EPIKRISE.replace("pathway: test", "pathway: kols"),
               pathway="kols")


def test_breaks_table_is_json_ready_and_sorted(tmp_path):
    rows = """
B,Utskrivning,2025-03-01 10:00,sengepost
A,Utskrivning,2025-03-02 10:00,sengepost
A,Utskrivning,2025-03-01 10:00,sengepost
C,Blodprøve,2025-04-10 10:00,sengepost
"""
    table = run(tmp_path, rows, EPIKRISE)
    assert table[["case_id", "trigger_time"]].values.tolist() == [
        ["A", "2025-03-01T10:00:00+01:00"], ["A", "2025-03-02T10:00:00+01:00"],
        ["B", "2025-03-01T10:00:00+01:00"]]
    records = json.loads(table.to_json(orient="records"))
    assert records[0]["evidence_time"] is None
    assert records[0]["responsible"] is None


def test_empty_result_has_the_columns(tmp_path):
    table = run(tmp_path, "A,Blodprøve,2025-03-01 10:00,sengepost", EPIKRISE)
    assert list(table.columns) == list(BREAK_COLUMNS)
    assert table.empty


def test_lang_is_checked(tmp_path):
    with pytest.raises(OptionError, match="lang must be one of 'nb', 'en'; got 'de'"):
        run(tmp_path, "A,Blodprøve,2025-03-01 10:00,sengepost", EPIKRISE, lang="de")


def test_rules_sharing_a_window_give_what_each_gives_alone(tmp_path):
    """Expect rules with the same triggers and expected events share one window
    (breaks.py ``window_no``): each must still get its own within and unless."""
    rows = HEADER + (
        "A,Utskrivning,2025-03-01 10:00,hospital_ward\n"
        "A,Epikrise sendt,2025-03-03 10:00,hospital_ward\n"   # 48 h: late for 1d, on time for 3d
        "B,Utskrivning,2025-03-01 10:00,hospital_ward\n"
        "B,Død,2025-03-01 12:00,hospital_ward\n"             # excuses B for the rule with unless
        "C,Utskrivning,2025-03-01 10:00,hospital_ward\n"
        "C,Epikrise sendt,2025-03-01 11:00,hospital_ward\n"
        "D,Utskrivning,2025-03-20 10:00,hospital_ward\n"
    )
    path = tmp_path / "log.csv"
    path.write_text(rows, encoding="utf-8")
    first = EPIKRISE
    second = EPIKRISE.replace("pathway: test", "pathway: other").replace(
        "epikrise-1d", "epikrise-3d").replace(
        "within: 1d", "within: 3d\n    unless: {activity: Død}")
    (tmp_path / "a.yaml").write_text(first, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(second, encoding="utf-8")
    log = pathways.read(path)
    both = evaluate(log, rules=[tmp_path / "a.yaml", tmp_path / "b.yaml"])
    alone = [evaluate(log, rules=tmp_path / name) for name in ("a.yaml", "b.yaml")]
    pd.testing.assert_frame_equal(
        both.summary, pd.concat([a.summary for a in alone], ignore_index=True))
    pd.testing.assert_frame_equal(
        both.breaks.sort_values(["rule_id", "case_id"], ignore_index=True),
        pd.concat([a.breaks for a in alone]).sort_values(["rule_id", "case_id"],
                                                          ignore_index=True))
    # worked out by hand: observation ends at D's discharge (20 March), so D's
    # window is open under both rules; 1d: A late, B missing, C met; 3d: A and
    # C met, B excused
    got = both.summary.set_index("rule_id")
    assert got.loc["epikrise-1d", ["late", "missing", "excused", "open_windows"]].tolist() \
        == [1, 1, 0, 1]
    assert got.loc["epikrise-3d", ["late", "missing", "excused", "open_windows"]].tolist() \
        == [0, 0, 1, 1]
    pd.testing.assert_frame_equal(
        pathways.present.breaks.rule_summary(log, rules=[tmp_path / "a.yaml",
                                                         tmp_path / "b.yaml"]),
        evaluate(log, rules=[tmp_path / "a.yaml", tmp_path / "b.yaml"]).summary)


def test_lean_table_holds_the_same_breaks(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "eventlogs" / "sample.csv"
    log = pathways.read(sample)
    full = evaluate(log, pathway="kols").breaks
    lean = evaluate(log, pathway="kols", lean=True).breaks
    assert len(full) > 0 and pd.api.types.is_string_dtype(lean["message"])
    assert lean["message"].dtype != object
    assert lean["evidence_time"].isna().sum() == full["evidence_time"].isna().sum() > 0
    back = lean.astype(object).where(lean.notna(), None)
    pd.testing.assert_frame_equal(back, full, check_dtype=False)


def test_rule_summary_titles_follow_lang_as_evaluate_does():
    sample = Path(__file__).resolve().parents[2] / "eventlogs" / "sample.csv"
    log = pathways.read(sample)
    english = pathways.present.breaks.rule_summary(log, pathway="kols", lang="en")
    pd.testing.assert_frame_equal(english, evaluate(log, pathway="kols", lang="en").summary)
    norwegian = pathways.present.breaks.rule_summary(log, pathway="kols")
    assert (english["title"] != norwegian["title"]).any()


def test_each_evaluation_keeps_its_own_trigger_outcomes(tmp_path):
    """Rates by group start from the result's own outcomes, not from whatever
    table the latest evaluation left behind."""
    from pathways.analyse.breaks import evaluate as facts

    rows = """
A,Utskrivning,2025-01-01 10:00,specialist_ward
A,Epikrise sendt,2025-01-01 12:00,specialist_ward
B,Utskrivning,2025-01-02 10:00,specialist_ward
C,Utskrivning,2025-03-01 10:00,specialist_ward
"""
    (tmp_path / "log.csv").write_text(HEADER + rows.strip() + "\n", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(EPIKRISE, encoding="utf-8")
    log = pathways.read(tmp_path / "log.csv")
    early = facts(log, rules=tmp_path / "rules.yaml", until="2025-01-01 11:00")
    late = facts(log, rules=tmp_path / "rules.yaml")
    assert early.outcomes != late.outcomes
    outcome = "SELECT case_id, outcome FROM {} ORDER BY case_id"
    # Observed to the last event: A met, B missing, C (the last event) still open.
    assert log.engine.query(outcome.format(late.outcomes)).values.tolist() == [
        ["A", "met"], ["B", "missing"], ["C", "open"]]
    # Observed to 11:00 on the first day, every window is still open, and the
    # later evaluation did not overwrite that.
    assert log.engine.query(outcome.format(early.outcomes)).values.tolist() == [
        ["A", "open"], ["B", "open"], ["C", "open"]]
