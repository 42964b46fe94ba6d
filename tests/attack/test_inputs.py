"""Broken inputs, rule files and output paths: one clear error, no traceback, no file.

Every command that reads a log, with every output format, gets each broken file;
it must exit non-zero with one ``Error:`` line that names the file (and the
line where there is one), print no traceback and leave nothing in the output
folder. Inputs whose bad rows can be set aside are read, with those rows
listed by number in ``pathways validate``.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.attack import (
    LOG_COMMANDS,
    OUTPUT_COMMANDS,
    PRESENT,
    RULE_COMMANDS,
    assert_clean_failure,
    invoke,
    leftovers,
    runs,
)

HEADER = "case_id;activity;timestamp\n"
GOOD = HEADER + "P1;Innleggelse;01.03.2025 10:00\nP1;Utskrivning;03.03.2025 12:00\n"


def _truncated_gzip() -> bytes:
    data = gzip.compress((GOOD * 50).encode())
    return data[: len(data) // 2]


def _wrong_parquet(path: Path) -> None:
    pq.write_table(pa.table({"case_id": [1.5, 2.5], "activity": [1, 2],
                             "timestamp": [True, False]}), path)


#: name → (file name, content bytes, or a function writing the file; what the error names).
BROKEN = {
    "empty": ("empty.csv", b"", "is empty"),
    "header_only": ("header.csv", HEADER.encode(), "empty in every row"),
    "binary": ("binary.csv", bytes(range(256)) * 20, "NUL bytes"),
    "truncated_gzip": ("trunc.csv.gz", _truncated_gzip(), "truncated"),
    "malformed_xes": ("bad.xes", b'<?xml version="1.0"?><log><trace><event>'
                      b'<string key="concept:name" value="a"/>', "not a readable XES"),
    "wrong_parquet": ("wrong.parquet", _wrong_parquet, "cannot read the times"),
    "not_parquet": ("fake.parquet", b"PAR1 this is not parquet", "not a readable Parquet"),
    "ragged": ("ragged.csv", (GOOD + "P1;Død;04.03.2025 10:00;extra\n").encode(),
               "line 4: expected 3 fields, found 4"),
    "unbalanced_quote": ("quote.csv", (HEADER + 'P1;"Innleggelse;01.03.2025 10:00\n'
                                       "P1;Utskrivning;03.03.2025 12:00\n").encode(),
                         "never closed"),
    "nul_byte": ("nul.csv", (HEADER + "P1;Innl\0eggelse;01.03.2025 10:00\n").encode(),
                 "NUL bytes, the first on line 2"),
    "mixed_encodings": ("mixed.csv", HEADER.encode() + "P1;Blåbær;01.03.2025 10:00\n"
                        .encode() + "P1;Søknad;02.03.2025 10:00\n".encode("cp1252"),
                        "mixes text encodings"),
    "no_case_column": ("nocase.csv", b"x;y;z\n1;a;01.03.2025 10:00\n", "--case"),
    "times_unreadable": ("words.csv", (HEADER + "P1;a;i morgen\nP1;b;i dag\n").encode(),
                         "--date-format"),
    "endless_line": ("long.csv", HEADER.encode() + b"P1;" + b"x" * 300_000, "no complete row"),
}


def _write(folder: Path, kind: str) -> tuple[Path, str]:
    name, content, needle = BROKEN[kind]
    path = folder / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    return path, needle


@pytest.fixture
def folders(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    return tmp_path / "in", tmp_path / "out"


def test_every_command_is_known_to_the_suite(tmp_path):
    assert {"validate", "discover", "simulate"} <= set(PRESENT)
    for command in PRESENT:
        assert runs(command, tmp_path / "log.csv", tmp_path)


@pytest.mark.parametrize("kind", sorted(BROKEN))
@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_broken_file_gives_one_clear_error(folders, command, kind):
    # Reading fails before the output format matters: the first format of each
    # command here; every format in test_broken_file_every_output_format.
    source, out = folders
    path, needle = _write(source, kind)
    run = runs(command, path, out)[0]
    result = invoke(run.args)
    assert_clean_failure(result, path.name, needle)
    assert result.exit_code == (1 if command == "validate" else 2), run.label
    assert leftovers(out) == [], run.label


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_broken_file_every_output_format(folders, command):
    source, out = folders
    path, needle = _write(source, "ragged")
    for run in runs(command, path, out):
        assert_clean_failure(invoke(run.args), path.name, needle)
        assert leftovers(out) == [], run.label


@pytest.mark.parametrize("command", LOG_COMMANDS)
@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_missing_file_or_folder(folders, command, kind):
    source, out = folders
    path = source / "export.csv" if kind == "missing" else source
    needle = "no such file" if kind == "missing" else "is a folder, not a log file"
    run = runs(command, path, out)[0]
    assert_clean_failure(invoke(run.args), str(path), needle)
    assert leftovers(out) == []


# --- rows that can be kept or set aside, and listed ----------------------------

#: ISO times with one row in another format, times before 1900, after 2100 and
#: in the future: those rows are set aside or flagged, the rest is analysed.
ODD_TIMES = (HEADER + "P1;Innleggelse;2025-03-01 10:00\nP1;Utskrivning;2025-03-03 12:00\n"
             "P1;Kontroll;10.03.2025 09:00\nP2;Innleggelse;2025-04-01 10:00\n"
             "P2;Utskrivning;2025-04-02 10:00\nP2;Kontroll;2250-01-01 10:00\n"
             "P2;Kontroll;1850-01-01 10:00\nP2;Kontroll;2090-01-01 10:00\n")


def test_odd_times_are_listed_by_validate(folders):
    import pathways

    path = folders[0] / "log.csv"
    path.write_text(ODD_TIMES)
    result = pathways.validate(path)
    assert result.usable
    listed = {code: result.problems.loc[result.problems["code"] == code, "row"].tolist()
              for code in ("unparseable_time", "implausible_time", "future_date")}
    assert listed == {"unparseable_time": [3], "implausible_time": [6, 7],
                      "future_date": [8]}
    report = result.report
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (8, 5, 3)


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_odd_times_leave_the_rest_usable(folders, command):
    source, out = folders
    path = source / "log.csv"
    path.write_text(ODD_TIMES)
    run = runs(command, path, out)[0]
    outcome = invoke(run.args)
    assert outcome.exit_code == 0, outcome.output
    if command != "validate":
        assert "3 row(s) of" in outcome.stderr
        assert "run 'pathways validate' for the list" in outcome.stderr


# --- rule and mapping files ----------------------------------------------------

RULE_FILES = {
    "yaml_error": ("pathway: x\nrules:\n  - id: a\n    kind: time\n   after: {activity: a}\n",
                   "line 5: not valid YAML"),
    "unknown_key": ("pathway: x\nrules:\n  - id: a\n    kind: time\n    after: {activity: a}\n"
                    "    expect: {activity: b}\n    within: 1d\n    source: s\n"
                    "    colour: red\n", "unknown key 'colour'"),
    "python_tag": ('!!python/object/apply:os.system ["touch PWNED"]\n', "line 1"),
}


@pytest.mark.parametrize("kind", sorted(RULE_FILES))
@pytest.mark.parametrize("command", RULE_COMMANDS)
def test_bad_rule_file(folders, monkeypatch, command, kind):
    source, out = folders
    monkeypatch.chdir(source)
    log = source / "log.csv"
    log.write_text(GOOD)
    rules = source / f"{kind}.yaml"
    rules.write_text(RULE_FILES[kind][0])
    run = runs(command, log, out)[0]
    assert_clean_failure(invoke((*run.args, "--rules", str(rules))), rules.name,
                         RULE_FILES[kind][1])
    assert leftovers(out) == []
    assert not (source / "PWNED").exists()


LEVEL_FILES = {
    "yaml_error": ("by: activity\nlevels: {Innleggelse: hospital_ward\n", "not valid YAML"),
    "unknown_key": ("by: activity\nlevels: {Innleggelse: hospital_ward}\ncolour: red\n",
                    "unknown key(s) colour"),
    "python_tag": ('!!python/object/apply:os.system ["touch PWNED"]\n', "levels_python_tag"),
}


@pytest.mark.parametrize("kind", sorted(LEVEL_FILES))
@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_bad_levels_file(folders, monkeypatch, command, kind):
    source, out = folders
    monkeypatch.chdir(source)
    log = source / "log.csv"
    log.write_text(GOOD)
    levels = source / f"levels_{kind}.yaml"
    levels.write_text(LEVEL_FILES[kind][0])
    run = runs(command, log, out)[0]
    assert_clean_failure(invoke((*run.args, "--levels", str(levels))), levels.name,
                         LEVEL_FILES[kind][1])
    assert leftovers(out) == []
    assert not (source / "PWNED").exists()


# --- output paths ----------------------------------------------------------------


def _read_only_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root writes anywhere: use a folder no one can write
        return Path("/sys/fs")
    return folder


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
@pytest.mark.parametrize("where", ["missing", "read_only"])
def test_output_in_missing_or_read_only_folder(tmp_path, command, where):
    log = tmp_path / "log.csv"
    log.write_text(GOOD)
    folder = tmp_path / "nope" / "deeper" if where == "missing" else _read_only_folder(tmp_path)
    needle = "does not exist" if where == "missing" else "is read-only"
    targets = [run for run in runs(command, log, folder) if run.output is not None]
    assert targets, command
    for run in targets:
        assert_clean_failure(invoke(run.args), str(run.output), needle)
        assert not run.output.exists()
