"""The embedded engine: settings, and no folders left behind."""

from __future__ import annotations

import gc
from pathlib import Path

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
