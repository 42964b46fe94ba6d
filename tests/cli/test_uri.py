"""A LOG named by a URI on the command line (``pathways/cli/common.py``'s ``LogPath``).

The URI reaches :func:`pathways.read` as written (a path would make
``hdfs:///data/x.csv`` ``hdfs:/data/x.csv``). With ``--engine spark`` the
commands read it and write what they write for the local file with DuckDB;
without it, one ``Error:`` line says to use Spark. The Spark tests share one
local session (module scope); each command on it takes some seconds.
"""

from __future__ import annotations

import filecmp
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pathways.cli import main
from pathways.commands.session import default_output, local_input, log_location, log_name
from tests.conftest import REPO

SAMPLE = REPO / "eventlogs" / "sample.csv"
URI = f"file://{SAMPLE}"


def run(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("command", [
    ["discover"], ["breaks", "--pathway", "kols"], ["measures"], ["read"],
    ["report", "-o", "{tmp}/r.html"], ["validate"],
])
def test_a_uri_without_spark_is_one_error_line(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    uri = "hdfs:///data/npr.csv"
    result = run(command[0], uri, *(a.format(tmp=tmp_path) for a in command[1:]))
    assert result.exit_code == (1 if command == ["validate"] else 2)  # validate: unusable
    error = (f"Error: {uri}: a file named by a URI is read by Spark: give engine='spark' or "
             "a SparkSession (on the command line, --engine spark), or a local path.\n")
    assert result.stderr == error
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no default output was written


def test_a_local_path_is_a_path_as_before(tmp_path):
    missing = tmp_path / "export.csv"
    result = run("discover", missing)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {missing}: no such file. Check the path and try again.\n"
    assert log_location(str(missing)) == missing
    assert log_location("C:/data/x.csv") == Path("C:/data/x.csv")  # a drive, not a scheme


@pytest.mark.parametrize(("uri", "name", "output"), [
    ("hdfs:///data/npr.csv", "npr.csv", "npr.svg"),
    ("s3a://bucket/extracts/kpr.parquet", "kpr.parquet", "kpr.svg"),
    ("abfss://fs@account.dfs.core.windows.net/logs/export.csv.gz", "export.csv.gz",
     "export.svg"),
    ("gs://bucket/dir/", "dir", "dir.svg"),
    ("s3a://bucket", "bucket", "bucket.svg"),
    ("hdfs:///data/15076500565_npr.csv", "15076500565_npr.csv", "fnr_npr.svg"),
])
def test_a_uri_s_default_output_is_its_last_segment_here(uri, name, output):
    assert log_location(uri) == uri
    assert log_name(uri) == name
    assert default_output(uri, ".svg") == Path(output)  # the current folder


def test_a_file_uri_is_never_overwritten(tmp_path):
    log = tmp_path / "export.csv"
    log.write_bytes(SAMPLE.read_bytes())
    assert local_input(f"file://{log}") == log
    assert local_input("hdfs:///data/npr.csv") is None
    result = run("breaks", f"file://{log}", "--engine", "spark", "-o", log)
    assert result.exit_code == 2  # refused before any Spark session starts
    assert "it is the input" in result.stderr
    assert log.read_bytes() == SAMPLE.read_bytes()


@pytest.fixture(scope="module")
def spark() -> Any:
    pytest.importorskip("pyspark")
    from pathways.spark import local_session

    return local_session(cores=2, shuffle_partitions=2)


def test_discover_on_spark_from_a_uri_draws_the_local_map(spark, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    local = tmp_path / "local.svg"
    assert run("discover", SAMPLE, "--miner", "dfg", "-o", local, "-q").exit_code == 0
    result = run("discover", URI, "--engine", "spark", "--miner", "dfg", "-q")
    assert result.exit_code == 0, result.output
    assert f"{URI}: 400 forløp" in result.stdout
    drawn = tmp_path / "sample.svg"  # the default output: the URI's stem, here
    assert drawn.read_bytes() == local.read_bytes()


def test_breaks_and_read_on_spark_from_a_uri_write_the_local_results(spark, tmp_path):
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    assert run("breaks", SAMPLE, "--pathway", "kols", "-o", local, "-q").exit_code == 0
    result = run("breaks", URI, "--engine", "spark", "--pathway", "kols", "-o", remote, "-q")
    assert result.exit_code == 0, result.output
    assert filecmp.cmp(local, remote, shallow=False)
    # read -o keeps the log Spark read in a DuckDB file; DuckDB then finds the same breaks.
    saved, again = tmp_path / "sample.duckdb", tmp_path / "again.csv"
    result = run("read", URI, "--engine", "spark", "-o", saved, "-q")
    assert result.exit_code == 0, result.output
    assert run("breaks", saved, "--pathway", "kols", "-o", again, "-q").exit_code == 0
    assert filecmp.cmp(local, again, shallow=False)
