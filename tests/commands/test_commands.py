"""``pathways.commands``: the commands as functions, saying what the command line says."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import pathways
from pathways.cli import main
from pathways.errors import OutputError

SAMPLE = Path(__file__).resolve().parents[2] / "eventlogs" / "sample.csv"
FNR = "15076500565"  # a valid national id (mod-11 check digits)


class Said:
    """An echo that keeps what a command says: (stderr?, text) per line."""

    def __init__(self) -> None:
        self.lines: list[tuple[bool, str]] = []

    def __call__(self, message: str, *, nl: bool = True, err: bool = False) -> None:
        self.lines.append((err, message + ("\n" if nl else "")))

    def stream(self, err: bool) -> str:
        return "".join(text for on_err, text in self.lines if on_err == err)


def test_a_command_says_what_the_command_line_prints(tmp_path):
    said = Said()
    pathways.commands.read(SAMPLE, output=tmp_path / "api.duckdb", lang="en", echo=said)
    result = CliRunner().invoke(main, ["read", str(SAMPLE), "-o", str(tmp_path / "cli.duckdb"),
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert said.stream(False).replace("api.duckdb", "cli.duckdb") == result.stdout
    assert said.stream(True) == result.stderr == ""


def test_the_default_echo_writes_data_to_stdout_and_messages_to_stderr(capsys):
    pathways.commands.plain_echo("data")
    pathways.commands.plain_echo("message", err=True)
    pathways.commands.plain_echo("no newline", nl=False)
    out, err = capsys.readouterr()
    assert (out, err) == ("data\nno newline", "message\n")


def test_the_scope_turns_an_error_into_one_masked_line_and_its_exit_code():
    said = Said()
    with pytest.raises(SystemExit) as stop, pathways.commands.command_scope(said):
        raise OutputError(f"Cannot write {FNR}.csv: it is a folder.")
    assert stop.value.code == OutputError.exit_code
    assert said.lines == [(True, "Error: Cannot write <fødselsnummer>.csv: it is a folder.\n")]


def test_the_scope_lets_a_bug_keep_its_traceback():
    with pytest.raises(ZeroDivisionError), pathways.commands.command_scope(Said()):
        raise ZeroDivisionError("a bug")


def test_an_unusable_log_is_returned_and_its_errors_said(tmp_path):
    log = tmp_path / "empty.csv"
    log.write_text("case_id,activity,timestamp\n", encoding="utf-8")
    said = Said()
    check = pathways.commands.validate(log, echo=said)
    assert not check.usable
    assert said.stream(True).startswith("Error: ")
