"""A read log saved to DuckDB and opened again: same log, same results, much faster."""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

import pathways
from pathways.cli import main
from pathways.errors import LogFormatError

LOG = """Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Diagnose
p1;Innleggelse;01.06.2025 10:00;Sengepost;J44.1
p1;Utskrivning;03.06.2025 10:00;Sengepost;
p1;Utskrivning;03.06.2025 10:00;Sengepost;
p2;Legevaktkonsultasjon;26.10.2025 02:30;Legevakt;E11
p2;Kaffe;26.10.2025 05:00;Kantine;
"""


@pytest.fixture
def saved(write_log, tmp_path):
    original = pathways.read(write_log(LOG))
    path = pathways.save(original, tmp_path / "log.duckdb")
    return original, path


def test_a_saved_log_opens_as_the_same_log(saved):
    original, path = saved
    reopened = pathways.read(path)
    assert reopened.report == original.report
    pd.testing.assert_frame_equal(reopened.to_pandas(), original.to_pandas())
    for table in ("case_cohorts", "read_problems"):
        query = f"SELECT * FROM {table} ORDER BY ALL"
        pd.testing.assert_frame_equal(reopened.engine.query(query),
                                      original.engine.query(query))
    pd.testing.assert_frame_equal(pathways.directly_follows(reopened),
                                  pathways.directly_follows(original))


def test_the_saved_file_is_not_changed_by_analyses(saved):
    _, path = saved
    before = path.read_bytes()
    log = pathways.read(path)
    pathways.transitions(log)
    pathways.breaks(log, pathway="kols")
    del log
    assert path.read_bytes() == before


def test_a_foreign_duckdb_file_is_a_clear_error(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(LogFormatError, match="not a log saved by 'pathways read -o'"):
        pathways.read(path)


def test_report_fields_survive_as_json(saved):
    original, path = saved
    assert dataclasses.asdict(pathways.read(path).report)["unknown_levels"] == {"Kantine": 1}
    assert original.report.dst_ambiguous == 1


def test_cli_read_saves_and_every_command_takes_the_saved_file(write_log, tmp_path):
    log_path = write_log(LOG)
    out = tmp_path / "saved.duckdb"
    runner = CliRunner()
    result = runner.invoke(main, ["read", str(log_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Skrev {out}" in result.stdout
    from_csv = runner.invoke(main, ["breaks", str(log_path), "-o", str(tmp_path / "a.csv"),
                                    "--pathway", "kols"])
    from_saved = runner.invoke(main, ["breaks", str(out), "-o", str(tmp_path / "b.csv"),
                                      "--pathway", "kols"])
    assert from_csv.exit_code == from_saved.exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_cli_read_wants_a_duckdb_name(write_log, tmp_path):
    result = CliRunner().invoke(main, ["read", str(write_log(LOG)), "-o",
                                       str(tmp_path / "saved.csv")])
    assert result.exit_code == 2
    assert "must end in .duckdb" in result.stderr
    assert not (tmp_path / "saved.csv").exists()
