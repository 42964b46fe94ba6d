"""pathways.validate: every problem by file row, counts that add up, usable or not."""

from __future__ import annotations

import pytest

import pathways
from pathways.errors import OptionError
from pathways.validation import CODES, PROBLEM_COLUMNS

# One row per problem kind; row numbers are data rows (the header is row 0).
PROBLEMS = (
    "case_id;activity;timestamp;care_level\n"
    "A;Innleggelse;01.03.2025 10:00;Sengepost\n"  # 1 ok
    ";Innleggelse;01.03.2025 11:00;Sengepost\n"  # 2 missing case id
    "A;;01.03.2025 12:00;Sengepost\n"  # 3 missing activity
    "A;Utskrivning;;Sengepost\n"  # 4 missing time
    "A;Utskrivning;31.02.2025 10:00;Sengepost\n"  # 5 unparseable (31 Feb)
    "A;Utskrivning;01.01.1850 10:00;Sengepost\n"  # 6 before 1900
    "A;Innleggelse;01.03.2025 10:00;Sengepost\n"  # 7 duplicate of 1
    "B;Besøk;26.10.2025 02:30;Hjemmesykepleie\n"  # 8 DST ambiguous
    "B;Besøk;30.03.2025 02:30;Hjemmesykepleie\n"  # 9 DST non-existent
    "B;Besøk;01.01.2090 10:00;Hjemmesykepleie\n"  # 10 future
    "B;Besøk;02.01.2025 10:00;Månebase\n"  # 11 unknown level
    "C;Besøk;02.01.2025 10:00;Fastlege\n"  # 12 single-event case
    "A;Utskrivning;03.03.2025 10:00;Sengepost\n"  # 13 ok
)


@pytest.fixture
def problem_log(write_log):
    return write_log(PROBLEMS)


def rows_of(result, code):
    return result.problems.loc[result.problems["code"] == code, "row"].tolist()


def test_each_problem_is_reported_with_its_row(problem_log):
    result = pathways.validate(problem_log)
    assert result.usable
    assert result.errors == ()
    expected = {
        "missing_case_id": [2], "missing_activity": [3], "missing_time": [4],
        "unparseable_time": [5], "implausible_time": [6], "duplicate_row": [7],
        "dst_ambiguous": [8], "dst_nonexistent": [9], "future_date": [10],
        "unknown_level": [11], "single_event_case": [12],
    }
    assert {code: rows_of(result, code) for code in expected} == expected
    assert list(result.counts) == [c for c in CODES if c in expected]
    assert all(n == 1 for n in result.counts.values())


def test_problems_table_shape_order_and_severity(problem_log):
    problems = pathways.validate(problem_log).problems
    assert tuple(problems.columns) == PROBLEM_COLUMNS
    assert problems["row"].is_monotonic_increasing
    severity = dict(zip(problems["code"], problems["severity"], strict=True))
    assert severity["unparseable_time"] == "error"
    assert severity["missing_case_id"] == "error"
    assert severity["duplicate_row"] == "warning"
    assert severity["unknown_level"] == "warning"
    values = dict(zip(problems["code"], problems["value"], strict=True))
    assert values["unparseable_time"] == "31.02.2025 10:00"
    assert values["unknown_level"] == "Månebase"


def test_rows_read_are_kept_dropped_or_rejected_each_listed(problem_log):
    result = pathways.validate(problem_log)
    report = result.report
    assert report.rows_read == 13
    assert report.rows_read == (report.rows_kept + report.duplicates_dropped
                                + report.rows_rejected)
    errors = result.problems[result.problems["severity"] == "error"]
    assert sorted(set(errors["row"])) == [2, 3, 4, 5, 6]
    assert report.rows_rejected == 5
    assert rows_of(result, "duplicate_row") == [7]
    assert report.unknown_levels == {"Månebase": 1}


def test_max_rows_limits_the_listing_not_the_counts(write_log):
    lines = ["case_id;activity;timestamp"] + [
        f"P{i};Besøk;0{1 + i % 9}.01.2025 10:00" for i in range(30)]
    result = pathways.validate(write_log("\n".join(lines) + "\n"), max_rows=4)
    assert result.counts["single_event_case"] == 30
    assert rows_of(result, "single_event_case") == [1, 2, 3, 4]
    assert len(pathways.validate(write_log("\n".join(lines) + "\n")).problems) == 30 + 30


def test_clean_log_has_no_problems(write_log):
    path = write_log("case_id;activity;timestamp;care_level\n"
                     "A;Innleggelse;01.03.2025 10:00;Sengepost\n"
                     "A;Utskrivning;03.03.2025 10:00;Sengepost\n")
    result = pathways.validate(path)
    assert result.usable
    assert result.problems.empty
    assert result.counts == {}


@pytest.mark.parametrize(
    ("text", "name", "needle"),
    [
        ("", "empty.csv", "is empty"),
        ("case_id;activity;timestamp\n", "header.csv", "empty in every row"),
        ("x;y;z\n1;a;01.01.2025 10:00\n", "nocase.csv", "Name it with --case"),
        ("case_id;activity;timestamp\n1;a;yesterday\n1;b;today\n", "words.csv",
         "--date-format"),
    ],
)
def test_unreadable_files_give_a_validation_not_an_exception(write_log, text, name, needle):
    path = write_log(text, name=name)
    result = pathways.validate(path)
    assert not result.usable
    assert result.report is None
    assert result.problems.empty
    assert len(result.errors) == 1
    assert needle in result.errors[0]
    assert name in result.errors[0]


def test_missing_file_and_folder_are_not_usable(tmp_path):
    assert "no such file" in pathways.validate(tmp_path / "nope.csv").errors[0]
    assert "is a folder" in pathways.validate(tmp_path).errors[0]


def test_log_whose_every_row_is_rejected_is_not_usable(write_log):
    path = write_log("case_id;activity;timestamp\n"
                     ";a;01.01.2025 10:00\n;b;01.01.2025 11:00\n")
    result = pathways.validate(path)
    assert not result.usable
    assert result.report.rows_rejected == 2
    assert "none of the 2 rows" in result.errors[0]
    assert rows_of(result, "missing_case_id") == [1, 2]


def test_read_refuses_a_log_with_no_usable_event_unless_allowed(write_log, tmp_path):
    from pathways.errors import LogFormatError

    path = write_log("case_id;activity;timestamp\n"
                     "A;a;01.03.2025 10:00\nA;a;01.03.2025 10:00\nB;b;02.03.2025 10:00\n")
    with pytest.raises(LogFormatError) as caught:
        pathways.read(path, date_format="%d.%m.%Y")
    assert str(caught.value) == (
        f"{path}: none of the 3 rows can be used: 2 were rejected and 1 dropped as "
        "duplicates of them. Commonest reason: the time cannot be read as '%d.%m.%Y' "
        "(2 rows; the first is row 1, column 'timestamp': '01.03.2025 10:00'). Check "
        "--date-format (it must match the times as written, clock time included, e.g. "
        "'%d.%m.%Y %H:%M'), or leave it out to have the format detected. 'pathways "
        "validate' lists every row.")
    log = pathways.read(path, date_format="%d.%m.%Y", allow_empty=True)
    assert (log.report.rows_read, log.report.rows_kept) == (3, 0)
    # validate still reads it, lists the rows and says why in the same words
    result = pathways.validate(path, date_format="%d.%m.%Y")
    assert not result.usable
    assert rows_of(result, "unparseable_time") == [1, 3]
    assert str(caught.value).startswith(result.errors[0])
    # a saved empty log is refused when it is opened, naming the saved file
    saved = pathways.save(log, tmp_path / "empty.duckdb")
    with pytest.raises(LogFormatError, match=f"^{saved}: none of the 3 rows can be used"):
        pathways.read(saved)


def test_the_commonest_reason_and_its_option_are_named(write_log):
    from pathways.errors import LogFormatError

    path = write_log("pid;activity;timestamp\n;a;01.03.2025 10:00\n;b;01.03.2025 11:00\n"
                     "X;;01.03.2025 12:00\n")
    with pytest.raises(LogFormatError, match=(
            r"none of the 3 rows can be used: all 3 were rejected\. Commonest reason: the "
            r"case id is empty \(2 rows; the first is row 1, column 'pid'\)\. Check that "
            r"--case names the column")):
        pathways.read(path, case="pid")


def test_national_ids_in_values_are_pseudonymised(write_log):
    path = write_log("case_id;activity;timestamp\n"
                     "15076500565;a;31.02.2025 10:00 15076500565\n"
                     "15076500565;b;01.01.2025 11:00\n")
    result = pathways.validate(path)
    assert "15076500565" not in result.problems.to_string()
    assert result.problems["value"].str.contains("pid-").any()


def test_negative_max_rows_is_refused(problem_log):
    with pytest.raises(OptionError, match="max_rows must be 0 or more; got -1"):
        pathways.validate(problem_log, max_rows=-1)


def test_read_options_are_passed_on(write_log):
    path = write_log("Pas|Hva|Når\nA|a|2025-01-01 10:00\nA|b|2025-01-01 11:00\n")
    result = pathways.validate(path, sep="|", case="Pas", activity="Hva", timestamp="Når")
    assert result.usable
    assert result.report.columns["case_id"] == "Pas"
