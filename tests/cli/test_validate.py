"""``pathways validate``: text and JSON reports, row listing, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pathways.cli import main
from tests.test_validation import PROBLEMS


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, ["validate", *map(str, args)])

    return invoke


def test_text_report_summarises_and_lists_rows(run, write_log):
    result = run(write_log(PROBLEMS))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert ": usable" in out
    for label, count in [("Rows read", 13), ("kept", 7), ("duplicates dropped", 1),
                         ("rejected (left out)", 5), ("DST ambiguous times", 1),
                         ("DST non-existent times", 1), ("Unknown levels (events)", 1)]:
        assert any(line.strip().startswith(label) and line.split()[-1] == str(count)
                   for line in out.splitlines()), label
    assert "'Månebase' (1)" in out
    assert "map them with --levels FILE (YAML: by: activity, levels: {value: level})" in out
    assert "row 5, column 'timestamp': '31.02.2025 10:00'" in out
    assert "Exact duplicate rows (dropped; the first copy is kept): 1\n  row 7" in out
    assert "Cases with only one event (kept; the row of that event): 1\n  row 12" in out
    assert result.stderr == ""


def test_max_rows_limits_text_and_says_how_many_more(run, write_log):
    lines = ["case_id;activity;timestamp"] + [f"P{i};Besøk;01.01.2025 10:00"
                                              for i in range(8)]
    result = run(write_log("\n".join(lines) + "\n"), "--max-rows", "3")
    assert result.exit_code == 0
    section = result.stdout.split("Cases with only one event")[1]
    assert section.count("\n  row ") == 3
    assert "... and 5 more (--max-rows N, or --format json for all)" in section


def test_json_lists_every_problem(run, write_log):
    lines = ["case_id;activity;timestamp"] + [f"P{i};Besøk;01.01.2025 10:00"
                                              for i in range(30)]
    result = run(write_log("\n".join(lines) + "\n"), "--format", "json", "--max-rows", "2")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["usable"] is True
    assert doc["counts"]["single_event_case"] == 30
    single = [p["row"] for p in doc["problems"] if p["code"] == "single_event_case"]
    assert single == list(range(1, 31))
    assert doc["report"]["rows_read"] == 30
    assert set(doc["problems"][0]) == {"row", "column", "code", "severity", "value",
                                       "message"}


def test_json_of_problem_log_is_complete_and_typed(run, write_log):
    doc = json.loads(run(write_log(PROBLEMS), "--format", "json").stdout)
    rejected = {p["row"] for p in doc["problems"] if p["severity"] == "error"}
    report = doc["report"]
    assert len(rejected) == report["rows_rejected"] == 5
    assert report["rows_read"] == (report["rows_kept"] + report["duplicates_dropped"]
                                   + report["rows_rejected"])
    duplicate = next(p for p in doc["problems"] if p["code"] == "duplicate_row")
    assert duplicate == {"row": 7, "column": None, "code": "duplicate_row",
                         "severity": "warning", "value": None,
                         "message": "exact duplicate of an earlier row"}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_unusable_log_exits_1_with_one_error_line(run, tmp_path, fmt):
    missing = tmp_path / "export.csv"
    result = run(missing, "--format", fmt)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {missing}: no such file. Check the path and try again.\n"
    assert "Traceback" not in result.output
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert doc["usable"] is False
        assert doc["report"] is None
        assert "no such file" in doc["errors"][0]
    else:
        assert "NOT USABLE" in result.stdout


def test_all_rows_rejected_exits_1(run, write_log):
    result = run(write_log("case_id;activity;timestamp\n;a;01.01.2025 10:00\n"))
    assert result.exit_code == 1
    assert "none of the 1 rows can be used" in result.stderr
    assert "row 1" in result.stdout


def test_warnings_alone_exit_0(run, write_log):
    path = write_log("case_id;activity;timestamp;level\n"
                     "A;a;01.01.2025 10:00;Ukjent\nA;a;01.01.2025 10:00;Ukjent\n")
    result = run(path)
    assert result.exit_code == 0
    assert "duplicates dropped" in result.stdout


def test_values_are_shown_escaped(run, write_log):
    path = write_log("case_id;activity;timestamp\n"
                     "A;a;\x1b[31mred 10:00\nA;b;01.01.2025 10:00\nA;c;01.01.2025 11:00\n")
    result = run(path)
    assert "\x1b" not in result.stdout
    assert "\\x1b[31mred 10:00" in result.stdout


def test_help_has_an_example(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "pathways validate eventlogs/sample.csv" in result.stdout
    assert "--max-rows" in result.stdout


UNITS = ("Pasient-ID;Hendelse;Tidspunkt;Enhet\n"
         + "".join(f"P{i};Besøk;0{1 + i % 5}.01.2025 10:00;{unit}\n"
                   for i, unit in enumerate(["Medisinsk avdeling", "Dr Kari Nordmann",
                                             "Dr Kari Nordmann", "Dr Ola Hansen",
                                             "Sone 3", "Sone 3", "Sone 3"])))


def test_unknown_units_are_listed_commonest_first_within_max_rows(run, write_log, tmp_path):
    levels = tmp_path / "levels.yaml"
    levels.write_text("by: resource\nlevels:\n  Medisinsk avdeling: hospital_ward\n",
                      encoding="utf-8")
    result = run(write_log(UNITS), "--levels", levels, "--max-rows", "2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    # 6 events at three units the file does not map; the commonest two are listed
    assert any(line.split()[:3] == ["Unknown", "levels", "(events)"]
               and line.split()[-1] == "6" for line in out.splitlines())
    assert ("unknown level values: 'Sone 3' (3), 'Dr Kari Nordmann' (2), ... and 1 more"
            in out)
    assert "hint: add them to the --levels file" in out
    # the rows name the log's own column, not the canonical name
    assert "column 'Enhet': 'Dr Kari Nordmann'" in out
