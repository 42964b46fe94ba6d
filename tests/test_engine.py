"""The embedded engine: settings, and no folders left behind."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from pathways.engine import DuckDBEngine


def test_spill_folder_is_removed_with_the_engine():
    engine = DuckDBEngine()
    folder = Path(engine._tempdir)
    assert folder.is_dir()
    assert engine.scalar("SELECT current_setting('temp_directory')") == str(folder)
    del engine
    gc.collect()
    assert not folder.exists()


def test_memory_limit_and_time_zone_are_set():
    engine = DuckDBEngine(memory_limit="1GB", threads=1)
    assert engine.scalar("SELECT current_setting('TimeZone')") == "UTC"
    assert engine.scalar("SELECT current_setting('threads')") == 1
    assert engine.scalar("SELECT current_setting('memory_limit')") == "953.6 MiB"  # 1 GB


@pytest.mark.parametrize(("variable", "default", "kind"), [
    ("PATHWAYS_MEMORY_LIMIT", "3GB", "memory"),
    ("PATHWAYS_MAX_TEMP_SIZE", "50GB", "disk space"),
])
def test_a_size_in_the_environment_that_is_no_size_names_the_variable(
        monkeypatch, variable, default, kind):
    from pathways.errors import OptionError

    monkeypatch.setenv(variable, "abc")
    with pytest.raises(OptionError) as caught:
        DuckDBEngine()
    assert str(caught.value).startswith(f"{variable}='abc' is not an amount of {kind} DuckDB "
                                        "understands (")
    assert str(caught.value).endswith(f"e.g. {variable}={default}, or unset it for the "
                                      f"default ({default}).")
    monkeypatch.setenv(variable, "2GB")  # read when an engine is made, not at import
    setting = {"PATHWAYS_MEMORY_LIMIT": "memory_limit",
               "PATHWAYS_MAX_TEMP_SIZE": "max_temp_directory_size"}[variable]
    assert DuckDBEngine().scalar(f"SELECT current_setting('{setting}')") == "1.8 GiB"


def test_a_memory_limit_argument_that_is_no_size_names_the_argument():
    from pathways.errors import OptionError

    with pytest.raises(OptionError, match=r"^memory_limit='lots' is not an amount of memory"):
        DuckDBEngine(memory_limit="lots")


def test_running_out_of_memory_is_a_clear_error():
    import pytest

    from pathways.errors import EngineError

    engine = DuckDBEngine(memory_limit="20MB", threads=1)
    engine.execute("SET max_temp_directory_size = '1MB'")
    with pytest.raises(EngineError, match="PATHWAYS_MEMORY_LIMIT"):
        engine.materialize(
            "big", "SELECT i, repeat('x', 200) AS s FROM range(2000000) t(i) ORDER BY s, i DESC")


def test_disk_database_lives_in_the_spill_folder_and_goes_with_it():
    from pathways.engine import ON_DISK

    engine = DuckDBEngine(ON_DISK)
    folder = Path(engine._tempdir)
    engine.materialize("t", "SELECT * FROM range(10) r(i)")
    assert (folder / "log.duckdb").is_file()
    assert engine.scalar("SELECT sum(i) FROM t") == 45
    engine.connection.close()
    del engine
    gc.collect()
    assert not folder.exists()


def test_scratch_names_are_unique_and_drop_removes_tables_and_views():
    engine = DuckDBEngine()
    first, second = engine.scratch("wait"), engine.scratch("wait")
    assert first != second and first.startswith("_wait_")
    engine.materialize(first, "SELECT 1 AS x")
    engine.execute(f"CREATE VIEW {second} AS SELECT 2 AS x")
    engine.drop(first, second, "_never_made")
    left = engine.query("SELECT table_name FROM information_schema.tables")["table_name"]
    assert first not in set(left) and second not in set(left)


def test_paths_with_quotes_are_data_in_copy_and_the_spill_folder(tmp_path, monkeypatch):
    folder = tmp_path / "it's here"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    engine = DuckDBEngine()
    assert engine.scalar("SELECT current_setting('temp_directory')").startswith(str(folder))
    engine.materialize("t", "SELECT 42 AS x")
    target = folder / "o'brien.parquet"
    engine.export_parquet("t", target)
    import pandas as pd
    assert pd.read_parquet(target)["x"].tolist() == [42]
    parts = engine.materialize_parts("p", "SELECT 7 AS k", "k", 2)
    assert [engine.scalar(f"SELECT k FROM {p}") for p in parts] == [7]


def test_each_returns_results_in_order_and_shares_tables():
    engine = DuckDBEngine()

    def step(worker, n):
        worker.materialize(f"_step{n}", f"SELECT range AS v FROM range({n})")
        return int(worker.scalar(f"SELECT count(*) FROM _step{n}"))

    assert engine.each(step, [3, 1, 2]) == [3, 1, 2]
    # what the steps wrote is the engine's own
    assert engine.scalar("SELECT count(*) FROM _step3") == 3
    assert {"_step1", "_step2", "_step3"} <= engine.tables()


def test_each_raises_the_first_failing_step_in_order_after_all_ran():
    engine = DuckDBEngine()

    def step(worker, n):
        worker.materialize(f"_done{n}", "SELECT 1 AS x")
        if n in (2, 3):
            raise ValueError(f"step {n}")
        return n

    with pytest.raises(ValueError, match="step 2"):
        engine.each(step, [1, 2, 3, 4])
    # every step ran to its end before the error came back
    assert {"_done1", "_done2", "_done3", "_done4"} <= engine.tables()


def test_parts_hold_every_row_once_and_each_key_in_one_part():
    engine = DuckDBEngine()
    rows = ("SELECT i % 37 AS case_id, i AS row_no, 'x' || i AS text "
            "FROM range(1000) t(i)")
    parts = engine.materialize_parts("_rows", rows, "case_id", 4)
    assert parts == [f"_rows_part{i}" for i in range(4)]
    assert engine.query("SELECT * FROM _rows ORDER BY row_no").equals(
        engine.query(f"{rows} ORDER BY row_no"))
    in_parts = engine.query(" UNION ALL ".join(
        f"SELECT '{p}' AS part, case_id, row_no FROM {p}" for p in parts))
    assert sorted(in_parts["row_no"]) == list(range(1000))
    assert (in_parts.groupby("case_id")["part"].nunique() == 1).all()
    assert in_parts["part"].nunique() == 4
    folder = Path(engine._tempdir) / "_rows"
    assert folder.is_dir()
    engine.drop("_rows")
    assert not folder.exists()
    assert not {"_rows", *parts} & engine.tables()
