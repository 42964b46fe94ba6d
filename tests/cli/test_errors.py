"""Errors a non-programmer can act on: one line, what and where, what to do (issue 3.8)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pathways.cli import main

LOG = "case_id;activity;timestamp\nP1;a;01.03.2025 10:00\nP1;b;02.03.2025 10:00\n"


@pytest.fixture
def log(write_log):
    return write_log(LOG, name="export.csv")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--timezone", "Europe/Olso"),
         "Error: --timezone 'Europe/Olso' is not a known time zone. "
         "Use an IANA name such as Europe/Oslo or UTC.\n"),
        (("--case", "Pasient"),
         "Error: No column 'Pasient' in {log} (columns: case_id, activity, timestamp). "
         "Check the name given to --case.\n"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "discover"])
def test_option_errors_are_one_line(log, tmp_path, command, extra, message):
    args = [command, log, *extra]
    if command == "discover":
        args += ["-o", tmp_path / "map.svg"]
    result = run(*args)
    assert result.exit_code in (1, 2)
    assert result.stderr == message.format(log=log)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["discover", "report", "breaks", "measures", "read"])
def test_a_zone_only_duckdb_knows_is_refused_before_any_output(log, tmp_path, command):
    # DuckDB takes 'europe/oslo'; Python's zoneinfo, which prints the times, does not.
    out = {"discover": "map.svg", "report": "r.html", "breaks": "b.csv",
           "measures": "m.txt", "read": "log.duckdb"}[command]
    result = run(command, log, "--timezone", "europe/oslo", "-o", tmp_path / out)
    assert result.exit_code == 2
    assert result.stderr == ("Error: --timezone 'europe/oslo' is not a known time zone. "
                             "Did you mean Europe/Oslo? Zone names are case-sensitive.\n")
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / out).exists()


@pytest.mark.parametrize(("command", "code"), [("validate", 1), ("discover", 2)])
def test_a_separator_of_several_characters_names_sep(log, tmp_path, command, code):
    result = run(command, log, "--sep", ";;", *(["-o", tmp_path / "map.svg"]
                                                 if command == "discover" else []))
    assert result.exit_code == code
    assert result.stderr == ("Error: --sep ';;' is 2 characters; the column separator must "
                             "be one character, such as ';', ',' or '|' (for a tab: --sep "
                             "tab). Leave --sep out to have it detected.\n")
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "map.svg").exists()


@pytest.mark.parametrize("variable", ["PATHWAYS_MEMORY_LIMIT", "PATHWAYS_MAX_TEMP_SIZE"])
def test_an_engine_size_that_is_no_size_is_one_line(monkeypatch, log, tmp_path, variable):
    monkeypatch.setenv(variable, "abc")
    result = run("discover", log, "-o", tmp_path / "map.svg")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {variable}='abc' is not an amount of")
    assert "GB" in result.stderr and result.stderr.count("\n") == 1
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "map.svg").exists()


ANALYSING = {"discover": ["-o", "map.svg"], "report": ["-o", "r.html"],
             "breaks": ["-o", "b.csv"], "measures": ["-o", "m.txt"],
             "read": ["-o", "log.duckdb"], "timeline": ["P1", "-o", "t.svg"]}


@pytest.mark.parametrize("command", sorted(ANALYSING))
def test_a_log_with_no_usable_event_is_refused_by_every_command(log, tmp_path, command):
    # A --date-format without the clock time rejects every row of the log.
    args = [a if "." not in a else tmp_path / a for a in ANALYSING[command]]
    result = run(command, log, *args, "--date-format", "%d.%m.%Y")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {log}: none of the 2 rows can be used: all 2 were rejected. Commonest "
        "reason: the time cannot be read as '%d.%m.%Y' (2 rows; the first is row 1, column "
        "'timestamp': '01.03.2025 10:00'). Check --date-format (it must match the times as "
        "written, clock time included, e.g. '%d.%m.%Y %H:%M'), or leave it out to have the "
        "format detected. 'pathways validate' lists every row.\n")
    assert isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == [log]  # no output, not even the default one


def test_validate_lists_the_rows_of_such_a_log_and_exits_1(log):
    result = run("validate", log, "--date-format", "%d.%m.%Y")
    assert result.exit_code == 1
    assert "Rows whose time cannot be read (left out; see --date-format): 2" in result.stdout
    assert result.stderr.startswith(f"Error: {log}: none of the 2 rows can be used")


def test_a_key_file_that_does_not_exist_is_an_error_not_a_new_key(monkeypatch, log,
                                                                  tmp_path):
    monkeypatch.delenv("PATHWAYS_PSEUDONYM_KEY", raising=False)
    key_file = tmp_path / "shared" / "key"
    monkeypatch.setenv("PATHWAYS_KEY_FILE", str(key_file))
    result = run("discover", log, "-o", tmp_path / "map.svg")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: PATHWAYS_KEY_FILE names {key_file}, which does "
                                    "not exist.")
    assert result.stderr.count("\n") == 1
    assert isinstance(result.exception, SystemExit)
    assert not key_file.parent.exists() and not (tmp_path / "map.svg").exists()


def test_unknown_output_extension_names_the_allowed_ones(log, tmp_path):
    result = run("discover", log, "-o", tmp_path / "map.docx")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Cannot write map.docx: the extension must be one of")
    assert ".svg" in result.stderr
    assert not (tmp_path / "map.docx").exists()


def test_usage_errors_are_clicks_not_ours(log):
    result = run("validate", log, "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json'" in result.stderr


def test_a_bug_keeps_its_traceback(monkeypatch, log):
    import pathways.validation

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pathways.validation, "validate", broken)
    result = run("validate", log)
    assert isinstance(result.exception, ZeroDivisionError)


@pytest.mark.parametrize(("option", "what"), [("--rules", "a rule file"),
                                              ("--levels", "a level mapping file")])
def test_a_folder_given_as_a_file_is_named_a_folder(tmp_path, option, what):
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp\nA,Utskrivning,2025-01-02 10:00\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["breaks", str(log), "-o", str(tmp_path / "b.csv"),
                                       option, str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path} is a folder, not {what}." in result.stderr
