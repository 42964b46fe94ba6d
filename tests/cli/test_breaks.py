"""``pathways breaks`` and ``pathways pathways``: exit codes, messages and files written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pathways.analyse.breaks import BREAK_COLUMNS
from pathways.cli import main

LOG = """case_id;activity;timestamp;care_level
A;Utskrevet;01.03.2025 10:00;sengepost
A;Epikrise sendt;02.03.2025 12:00;sengepost
A;Innleggelse;10.03.2025 10:00;sengepost
B;Utskrivning;01.03.2025 10:00;sengepost
B;Epikrise sendt;01.03.2025 12:00;sengepost
C;Utskrivning;20.03.2025 10:00;sengepost
=cmd;Utskrivning;01.03.2025 10:00;sengepost
"""

RULES = """pathway: test
rules:
  - id: epi
    kind: information
    after: {activity: Utskrivning}
    expect: {activity: Epikrise sendt}
    within: 1d
    title: {nb: Epikrise for sent, en: Summary late}
  - id: re
    kind: resource
    after: {activity: Utskrivning}
    forbid: {activity: Innleggelse}
    within: 28d
    responsible: kommune
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "export.csv"
    log.write_text(LOG, encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    return log, rules


def run(*args):
    return CliRunner().invoke(main, ["breaks", *map(str, args)])


def test_default_output_is_csv_beside_the_log(files):
    log, rules = files
    result = run(log, "--rules", rules)
    assert result.exit_code == 0, result.output
    target = log.with_name("export-breaks.csv")
    assert target.is_file()
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(BREAK_COLUMNS)
    # A: late and occurred; =cmd: missing (its window closed before 20 March)
    assert [(r["case_id"], r["rule_id"], r["status"]) for r in rows] == [
        ("'=cmd", "epi", "missing"), ("A", "epi", "late"), ("A", "re", "occurred")]
    assert rows[1]["delay_hours"] == "26.0"
    assert rows[2]["responsible"] == "kommune"
    out = result.stdout
    assert "Slutt på observasjon: 2025-03-20T10:00:00+01:00" in out
    assert ("test/epi (informasjon, 1d): 4 utløsere, 3 vurdert, 2 med brudd, andel 66,7 %, "
            "1 åpent vindu") in out
    assert f"Skrev {target} (3 brudd)." in out
    assert result.stderr == ""


def test_json_output_is_a_list_of_objects(files, tmp_path):
    log, rules = files
    target = tmp_path / "out.json"
    result = run(log, "--rules", rules, "-o", target, "--lang", "en", "--until", "2025-06-30")
    assert result.exit_code == 0, result.output
    records = json.loads(target.read_text(encoding="utf-8"))
    assert isinstance(records, list)
    assert all(list(r) == list(BREAK_COLUMNS) for r in records)
    by_case = {(r["case_id"], r["rule_id"]): r for r in records}
    assert by_case[("=cmd", "epi")]["status"] == "missing"  # JSON needs no neutralising
    assert by_case[("C", "epi")]["status"] == "missing"  # --until closed C's window
    assert by_case[("C", "epi")]["evidence_time"] is None
    assert by_case[("A", "epi")]["message"].startswith("Summary late: “Epikrise sendt” came")
    assert "test/re (resource, 28d): 4 triggers, 4 judged, 1 broken, rate 25.0 %, 0 open windows" \
        in result.stdout


def test_parquet_output(files, tmp_path):
    log, rules = files
    target = tmp_path / "out.parquet"
    result = run(log, "--rules", rules, "-o", target)
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(target)
    assert list(frame.columns) == list(BREAK_COLUMNS)
    assert len(frame) == 3
    assert frame["delay_hours"].dtype == "float64"


def test_cohort_option(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp,diagnosis\n"
                   "A,Utskrivning,2025-03-01 10:00,J44\n"
                   "B,Utskrivning,2025-03-01 10:00,E11\n"
                   "B,Blodprøve,2025-03-09 10:00,E11\n", encoding="utf-8")
    target = tmp_path / "b.csv"
    result = run(log, "--pathway", "kols", "--cohort", "kols", "-o", target)
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(target)["case_id"]) == {"A"}


def test_builtin_pathway_by_name(files, tmp_path):
    log, _ = files
    target = tmp_path / "b.csv"
    result = run(log, "--pathway", "kols", "-o", target)
    assert result.exit_code == 0, result.output
    assert "kols/epikrise-1d (informasjon, 1d)" in result.stdout
    assert set(pd.read_csv(target)["pathway"]) == {"kols"}


def test_bad_rule_file_fails_before_the_log_is_read(tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text(RULES.replace("kind: resource", "kind: ressurs"), encoding="utf-8")
    missing_log = tmp_path / "no-such-log.csv"
    result = run(missing_log, "--rules", rules)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {rules}, line 10: 'kind' of rule 're' must be "
                                    "one of time, information, resource; got 'ressurs'.")
    assert not list(tmp_path.glob("*breaks*"))


def test_unknown_pathway_and_bad_until(files):
    log, rules = files
    result = run(log, "--pathway", "astma")
    assert result.exit_code == 2
    assert "Unknown pathway 'astma'" in result.stderr
    result = run(log, "--rules", rules, "--until", "snart")
    assert result.exit_code == 2
    assert "until must be a date" in result.stderr
    assert not log.with_name("export-breaks.csv").exists()


@pytest.mark.parametrize(("until", "why"), [
    ("2025-02-30", "is not a valid date (day is out of range for month)"),
    ("2025-13-01", "is not a valid date (month must be in 1..12)"),
    ("30.02.2025", "is not a valid date (day is out of range for month)"),
    ("9999-12-31T23:59+00:00", "is outside the years 1900-2099"),
])
def test_an_until_that_is_no_date_is_one_line_naming_until(files, until, why):
    log, rules = files
    result = run(log, "--rules", rules, "--until", until)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: --until {until!r} {why}")
    assert result.stderr.count("\n") == 1
    assert "2025-06-30" in result.stderr or "2025-12-31" in result.stderr  # the form
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not log.with_name("export-breaks.csv").exists()


def test_until_with_a_time_in_an_unknown_zone_names_timezone(files):
    log, rules = files
    for zone in ("Mars/Olympus", "europe/oslo"):
        result = run(log, "--rules", rules, "--until", "2025-03-01T10:00", "--timezone", zone)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: --timezone {zone!r} is not a known time zone")
        assert isinstance(result.exception, SystemExit)
    assert not log.with_name("export-breaks.csv").exists()


def test_bad_extension_and_missing_folder(files, tmp_path):
    log, rules = files
    result = run(log, "--rules", rules, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 2
    assert "must be one of .csv, .json, .parquet; got '.xlsx'" in result.stderr
    result = run(log, "--rules", rules, "-o", tmp_path / "nope" / "out.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_unknown_cohort_writes_nothing(files, tmp_path):
    log, rules = files
    target = tmp_path / "b.csv"
    result = run(log, "--rules", rules, "--cohort", "kols", "-o", target)
    assert result.exit_code == 2
    assert "No case belongs to cohort 'kols'" in result.stderr
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_help_has_an_example():
    for flag in ("-h", "--help"):
        result = CliRunner().invoke(main, ["breaks", flag])
        assert result.exit_code == 0
        assert "Example:" in result.stdout and "--pathway" in result.stdout
        assert "built-in pathways of the cohorts" in result.stdout


def test_pathways_lists_builtins_with_rules():
    result = CliRunner().invoke(main, ["pathways", "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for name in ("kols", "diabetes", "hjerneslag", "eldre"):
        assert f"\n{name}: " in "\n" + out
    assert "  epikrise-1d (information, within 1d): " in out
    assert "source: " in out


def test_pathways_checks_a_file(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text(RULES, encoding="utf-8")
    result = CliRunner().invoke(main, ["pathways", str(rules)])
    assert result.exit_code == 0
    assert result.stdout.startswith("test: test\n  epi (information, within 1d): "
                                    "Epikrise for sent")
    rules.write_text(RULES.replace("within: 1d", "within: 1 dag"), encoding="utf-8")
    result = CliRunner().invoke(main, ["pathways", str(rules), "-h"])
    assert "Example:" in result.stdout
    result = CliRunner().invoke(main, ["pathways", str(rules)])
    assert result.exit_code == 2
    assert "line 7: 'within' of rule 'epi'" in result.stderr


def test_csv_writer_round_trips_awkward_text(tmp_path):
    from pathways import write_breaks

    table = pd.DataFrame({
        "case_id": ["A", "B,1", 'C "x"', "=cmd"],
        "message": ["linje 1\nlinje 2", "æøå – «sitat»", None, "-1"],
        "delay_hours": [26.0, 0.5, None, 1234.25],
    })
    target = tmp_path / "b.csv"
    write_breaks(table, target)
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["case_id"] for r in rows] == ["A", "B,1", 'C "x"', "'=cmd"]
    assert [r["message"] for r in rows] == ["linje 1\nlinje 2", "æøå – «sitat»", "", "'-1"]
    assert [r["delay_hours"] for r in rows] == ["26.0", "0.5", "", "1234.25"]


def test_rules_whose_triggers_never_occur_say_so(tmp_path):
    # A log in another vocabulary (Dutch hospital activities): no rule can start.
    log = tmp_path / "other.csv"
    log.write_text("case_id,activity,timestamp\nA,1e consult poliklinisch,2025-01-02 10:00\n"
                   "A,ligdagen,2025-01-03 10:00\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["breaks", str(log), "-o", str(tmp_path / "b.csv"),
                                       "--pathway", "kols", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "kols/epikrise-1d (information, 1d): 0 triggers, 0 judged, 0 broken" in result.stdout
    assert ("None of the rules' triggering events occurs in the log, so nothing was judged."
            in result.stderr)


def test_an_expected_event_that_never_follows_is_pointed_out(tmp_path):
    # 'Epikrise sent' is misspelt: every judged trigger is missing it.
    rules = tmp_path / "typo.yaml"
    rules.write_text("pathway: typo\nrules:\n  - id: epi\n    kind: information\n"
                     "    after: {activity: Utskrivning}\n"
                     "    expect: {activity: Epikrise sent}\n    within: 1d\n",
                     encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp\nA,Utskrivning,2025-01-02 10:00\n"
                   "A,Epikrise sendt,2025-01-02 12:00\nB,Utskrivning,2025-01-05 10:00\n"
                   "B,Epikrise sendt,2025-01-05 11:00\nC,Fastlegekonsultasjon,2025-01-09 10:00\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["breaks", str(log), "-o", str(tmp_path / "b.csv"),
                                       "--rules", str(rules), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "typo/epi (information, 1d): 2 triggers, 2 judged, 2 broken" in result.stdout
    assert ("typo/epi: “Epikrise sent” followed none of the judged triggers, so all are "
            "missing.") in result.stderr
    # spelt right, the rule has nothing to point out
    rules.write_text(rules.read_text("utf-8").replace("sent}", "sendt}"), encoding="utf-8")
    fixed = CliRunner().invoke(main, ["breaks", str(log), "-o", str(tmp_path / "b.csv"),
                                      "--rules", str(rules), "--lang", "en"])
    assert "followed none" not in fixed.stderr
