"""The analysis engine: where per-event work runs.

Every analysis is written once, as SQL in DuckDB's dialect over the canonical
events table, and runs on an :class:`Engine`. :class:`DuckDBEngine` (embedded,
the default) runs it as written; a Spark engine (``pathways.spark``)
transpiles it with sqlglot. Analyses avoid engine-specific functions: times are
compared as integer microseconds since the epoch (``ts_us``), which is the same
instant in every engine and every time zone.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import duckdb
import pandas as pd

from pathways import progress
from pathways.errors import EngineError, OptionError
from pathways.sql import quote_identifier, sql_text

if TYPE_CHECKING:
    import pyarrow as pa

#: Defaults for the embedded engine; large logs spill to disk instead of failing.
DEFAULT_MEMORY_LIMIT = "3GB"
DEFAULT_MAX_TEMP = "50GB"
#: Environment variables that change them (read when an engine is made).
MEMORY_LIMIT_ENV = "PATHWAYS_MEMORY_LIMIT"
MAX_TEMP_ENV = "PATHWAYS_MAX_TEMP_SIZE"
#: ``database`` value for a temporary database file (see :class:`DuckDBEngine`).
ON_DISK = ":disk:"
#: At most this many steps of :meth:`DuckDBEngine.each` run at once.
MAX_SIDE_BY_SIDE = 8

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    """What an analysis needs from an engine."""

    name: str

    def query(self, sql: str) -> pd.DataFrame:
        """Run a query (DuckDB dialect) and return its (small) result."""
        ...

    def scalar(self, sql: str) -> Any:
        """Run a query that returns one value."""
        ...

    def arrow(self, sql: str) -> pa.Table:
        """Run a query and return its rows as an Arrow table (text kept in Arrow's buffers)."""
        ...

    def materialize(self, name: str, sql: str) -> None:
        """Store a query's result as a table (replacing one of that name)."""
        ...

    def view(self, name: str, sql: str) -> None:
        """Name a query (replacing one of that name): computed where it is read, never stored.

        For columns that cost nothing to compute (constants beside a stored
        table) and would cost a write if stored.
        """
        ...

    def columns(self, table: str) -> list[str]:
        """Column names of a table or view."""
        ...

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a pandas DataFrame available as a table."""
        ...

    def scratch(self, stem: str) -> str:
        """A table name no other step of this engine uses: ``_{stem}_{n}``."""
        ...

    def append(self, name: str, sql: str) -> None:
        """Add a query's rows to a table made with :meth:`materialize`."""
        ...

    def map_values(self, name: str, sql: str, function: Callable[[str], str]) -> None:
        """Store ``(old, new)``: each value ``v`` of the query and ``function(v)``.

        Only values that ``function`` changes; it runs once per value, where
        the engine runs code.
        """
        ...

    def drop(self, *names: str) -> None:
        """Drop tables made with :meth:`materialize` (those that exist)."""
        ...

    def update(self, name: str, sets: dict[str, str], where: str,
               source: str | None = None) -> None:
        """``UPDATE name SET column = sql, ... [FROM source] WHERE where``.

        ``sets`` maps columns to SQL computed from the row's old values (and
        ``source``'s, a ``table alias`` of which at most one row meets
        ``where`` per row of ``name``).
        """
        ...

    def delete(self, name: str, where: str) -> None:
        """``DELETE FROM name WHERE where``."""
        ...

    def each(self, function: Callable[[Engine, T], R], items: Sequence[T]) -> list[R]:
        """``[function(engine, item) for item in items]``, independent steps at once.

        The steps may run side by side (each on an engine that shares this
        one's tables), so each must write tables of its own names; the results
        come back in the order of ``items``, and the first step (in that order)
        that raised raises here.
        """
        ...


class DuckDBEngine:
    """DuckDB, embedded: in memory, spilling to a temporary folder when needed.

    Parameters
    ----------
    database : str, optional
        A database file for logs larger than memory; in memory by default.
        ``":disk:"`` is a database file in the engine's temporary folder, gone
        with the engine: DuckDB stores tables on disk compressed (several
        times smaller than the spilled pages of an in-memory table), which is
        what lets a log of 100 M events be read within the disk's room.
    threads : int, optional
        Worker threads; DuckDB's default (all cores) when None.
    memory_limit : str, optional
        DuckDB ``memory_limit``, e.g. ``"3GB"``; beyond it, operators spill to
        disk. By default ``PATHWAYS_MEMORY_LIMIT``, or 3GB when that is unset.
        The spill folder may hold ``PATHWAYS_MAX_TEMP_SIZE`` (default 50GB).

    Raises
    ------
    OptionError
        When the memory limit or the spill size is not an amount DuckDB
        understands (the message names the variable or argument).
    """

    name = "duckdb"

    def __init__(
        self,
        database: str | None = None,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self._tempdir = tempfile.mkdtemp(prefix="pathways-duckdb-")
        self._names = itertools.count(1)
        self._parts: dict[str, list[str]] = {}  # see materialize_parts
        # Spill files (and a ":disk:" database) go here; the folder goes when
        # the engine does.
        weakref.finalize(self, shutil.rmtree, self._tempdir, ignore_errors=True)
        if database == ON_DISK:
            database = str(Path(self._tempdir) / "log.duckdb")
        self.connection = duckdb.connect(database or ":memory:")
        if progress.wanted():
            # DuckDB then tracks how far each query has come, for the bar.
            self.connection.execute("SET enable_progress_bar = true")
            self.connection.execute("SET enable_progress_bar_print = false")
            progress.follow(self)
        if memory_limit is None:
            self.memory_limit = self._size("memory_limit", MEMORY_LIMIT_ENV,
                                           DEFAULT_MEMORY_LIMIT)
        else:
            self.memory_limit = self._size("memory_limit", None, memory_limit)
        self.connection.execute(f"SET temp_directory = '{sql_text(self._tempdir)}'")
        self.max_temp = self._size("max_temp_directory_size", MAX_TEMP_ENV, DEFAULT_MAX_TEMP)
        self.connection.execute("SET TimeZone = 'UTC'")
        if threads is not None:
            self.connection.execute(f"SET threads = {int(threads)}")

    def _size(self, setting: str, env: str | None, default: str) -> str:
        """Set a DuckDB size (memory or disk) from ``env`` or ``default``; the value set.

        A value DuckDB cannot read is an :class:`OptionError` that names where it
        came from: the environment variable, or the argument.
        """
        value = (os.environ.get(env) or default) if env else default
        try:
            self.connection.execute(f"SET {setting} = '{sql_text(value)}'")
        except (duckdb.Error, AttributeError) as err:  # AttributeError: not a string
            reason = str(err).splitlines()[0]
            source = f"{env}={value!r}" if env else f"{setting}={value!r}"
            advice = (f"Give a number and a unit, e.g. {env}={default}, or unset it "
                      f"for the default ({default})." if env
                      else "Give a number and a unit, e.g. '3GB' or '500MB'.")
            kind = "memory" if setting == "memory_limit" else "disk space"
            raise OptionError(f"{source} is not an amount of {kind} DuckDB understands "
                              f"({reason}). {advice}") from None
        return value

    def query_progress(self) -> float:
        """Percent done of the query now running (negative when none or unknown)."""
        return float(self.connection.query_progress())

    def execute(self, sql: str, parameters: list[Any] | None = None) -> None:
        """Run a statement that returns nothing of interest."""
        with self._resources():
            self.connection.execute(sql, parameters or [])

    def query(self, sql: str) -> pd.DataFrame:
        """Run a query and return a pandas DataFrame."""
        with self._resources():
            return self.connection.execute(sql).df()

    def arrow(self, sql: str) -> pa.Table:
        """Run a query and return its rows as an Arrow table (text kept in Arrow's buffers)."""
        with self._resources():
            return self.connection.sql(sql).to_arrow_table()

    def scalar(self, sql: str) -> Any:
        """Run a query and return the first value of its first row."""
        with self._resources():
            rows = self.connection.execute(sql).fetchall()
        return rows[0][0] if rows else None

    def materialize(self, name: str, sql: str) -> None:
        """``CREATE OR REPLACE TABLE name AS sql``."""
        with self._resources():
            self.connection.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        """``CREATE OR REPLACE VIEW name AS sql``."""
        with self._resources():
            self.connection.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")

    @contextmanager
    def _resources(self) -> Iterator[None]:
        """Turn DuckDB running out of memory or spill space into advice."""
        try:
            yield
        except duckdb.OutOfMemoryException as err:
            raise EngineError(
                "The log needs more memory or temporary disk space than DuckDB may use "
                f"(memory limit {self.memory_limit}, spill folder {self._tempdir}, at most "
                f"{self.max_temp}): {str(err).splitlines()[0]} Free disk space, raise "
                "PATHWAYS_MEMORY_LIMIT or PATHWAYS_MAX_TEMP_SIZE, or save the log once "
                "with 'pathways read LOG -o LOG.duckdb' on a machine with more room."
            ) from None
        except duckdb.Error as err:
            if "no space left on device" not in str(err).lower():
                raise
            raise EngineError(
                f"The disk is full: DuckDB could not write to {self._tempdir} (its spill "
                f"folder, which may hold up to {self.max_temp}) or to the log's database "
                "file. Free disk space there, or point TMPDIR at a folder on a disk with "
                "more room."
            ) from None

    def columns(self, table: str) -> list[str]:
        """Column names of a table or view, in order."""
        rows = self.connection.execute(f"DESCRIBE {table}").fetchall()
        return [r[0] for r in rows]

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Copy a DataFrame into a table."""
        self.connection.register("_pathways_frame", frame)
        self.connection.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _pathways_frame"
        )
        self.connection.unregister("_pathways_frame")

    @contextmanager
    def attached(self, name: str, data: Any) -> Iterator[None]:
        """Make ``data`` readable as ``name`` while the block runs, without copying it.

        ``data`` is anything DuckDB scans in place: a pyarrow table or record
        batch reader, a pandas DataFrame. Readers use it to turn what a notebook
        holds, or a saved log's batches, into tables of their own.
        """
        self.connection.register(name, data)
        try:
            yield
        finally:
            self.connection.unregister(name)

    def tables(self) -> set[str]:
        """The names of the tables and views this engine holds."""
        return {name for (name,) in self.connection.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}

    def append(self, name: str, sql: str) -> None:
        """``INSERT INTO name sql``."""
        with self._resources():
            self.connection.execute(f"INSERT INTO {name} {sql}")

    def update(self, name: str, sets: dict[str, str], where: str,
               source: str | None = None) -> None:
        """``UPDATE name SET column = sql, ... [FROM source] WHERE where``."""
        assignments = ", ".join(f"{quote_identifier(c)} = {v}" for c, v in sets.items())
        joined = f" FROM {source}" if source else ""
        with self._resources():
            self.connection.execute(f"UPDATE {name} SET {assignments}{joined} WHERE {where}")

    def delete(self, name: str, where: str) -> None:
        """``DELETE FROM name WHERE where``."""
        with self._resources():
            self.connection.execute(f"DELETE FROM {name} WHERE {where}")

    def map_values(self, name: str, sql: str, function: Callable[[str], str]) -> None:
        """Table ``name (old, new)``: the values ``v`` of the query that ``function`` changes.

        The values come to Python (a query's distinct values, such as the
        free texts holding a national id), ``function`` runs once per value.
        """
        values = self.query(sql)["v"]
        changes = pd.DataFrame({"old": values.astype(str),
                                "new": [function(str(v)) for v in values]})
        self.register(name, changes[changes["old"] != changes["new"]])

    def each(self, function: Callable[[Engine, T], R], items: Sequence[T]) -> list[R]:
        """``[function(engine, item) for item in items]``, the steps side by side.

        Each step runs in a thread of its own on a cursor of this database
        (the same tables and settings; DuckDB runs the queries of several
        cursors at once). Several small steps then share the cores: a table
        under DuckDB's row group of 122,880 rows, or a CSV file under two of
        its 32 MB buffers, is worked by one thread, so the four extracts of a
        sources file, read one after another, left a core idle for most of
        their loading. Results come back in the order of ``items``; the first
        step (in that order) that raised raises here, once every step is done.
        """
        if len(items) < 2:
            return [function(self, item) for item in items]
        with ThreadPoolExecutor(max_workers=min(len(items), MAX_SIDE_BY_SIDE)) as pool:
            futures = [pool.submit(function, self._cursor(), item) for item in items]
        return [future.result() for future in futures]

    def _cursor(self) -> DuckDBEngine:
        """An engine on a new cursor of this database: its tables, its settings."""
        twin = object.__new__(DuckDBEngine)
        twin.__dict__.update(self.__dict__)
        twin.connection = self.connection.cursor()
        return twin

    def export_parquet(self, table: str, path: Path) -> None:
        """Write a table to Parquet (used to hand the log to another engine)."""
        self.connection.execute(f"COPY {table} TO '{sql_text(str(path))}' (FORMAT parquet)")

    def materialize_parts(self, name: str, sql: str, key: str, parts: int) -> list[str]:
        """Write ``sql``'s rows once, in ``parts`` parts by a hash of ``key``; their views.

        The rows go to Parquet files in the engine's temporary folder, one
        folder a part (``COPY ... PARTITION_BY``, a single pass). ``name``
        becomes a view of every row and each part a view of its own rows,
        named ``{name}_part{i}``, so each part is read on its own without a
        scan of the others; the parts that hold rows are returned.
        :meth:`drop` of ``name`` deletes the files with the views.
        """
        folder = Path(self._tempdir) / name
        shutil.rmtree(folder, ignore_errors=True)
        quoted = sql_text(str(folder))
        with self._resources():
            self.connection.execute(
                f"COPY (SELECT *, hash({key}) % {int(parts)} AS _part FROM ({sql})) "
                f"TO '{quoted}' (FORMAT parquet, PARTITION_BY (_part))")
        written = [i for i in range(int(parts)) if (folder / f"_part={i}").is_dir()]
        self._parts[name] = [f"{name}_part{i}" for i in written]
        for i in written:
            files = sql_text(str(folder / f"_part={i}"))
            self.view(f"{name}_part{i}", f"SELECT * FROM read_parquet('{files}/*.parquet', "
                                         "hive_partitioning = false)")
        self.view(name, f"SELECT * FROM read_parquet('{quoted}/*/*.parquet', "
                        "hive_partitioning = false)")
        return list(self._parts[name])

    def scratch(self, stem: str) -> str:
        """A table name no other step of this engine uses: ``_{stem}_{n}``.

        Steps that keep an intermediate table name it this way and
        :meth:`drop` it when done, so two steps never overwrite each other's
        tables and nothing depends on a table another step left behind.
        """
        return f"_{stem}_{next(self._names)}"

    def drop(self, *names: str) -> None:
        """Drop tables (or views) made for a step; names that do not exist are ignored."""
        for name in names:
            # DROP TABLE refuses a view (and the catalogue query that would
            # tell them apart cost more than the drop): a view is dropped as one.
            try:
                self.connection.execute(f"DROP TABLE IF EXISTS {quote_identifier(name)}")
            except duckdb.CatalogException:
                self.connection.execute(f"DROP VIEW IF EXISTS {quote_identifier(name)}")
            if name in self._parts:  # written by materialize_parts: its views and files
                self.drop(*self._parts.pop(name))
                shutil.rmtree(Path(self._tempdir) / name, ignore_errors=True)


class StepTables:
    """An engine through which one step's intermediate tables are its own.

    A step's SQL names its tables ``_{prefix}_<name>`` (``_br_hits``), which
    reads well and would collide: two evaluations on one engine would share
    them, and nothing would drop them. Through this wrapper every such name,
    wherever it appears (SQL, a table name given to :meth:`materialize` or
    :meth:`register`), stands for a scratch name of the wrapped engine made at
    its first use; :meth:`close` drops them all. Everything else passes through.

    Examples
    --------
    >>> engine = DuckDBEngine()
    >>> with StepTables(engine, "ex") as step:
    ...     step.materialize("_ex_one", "SELECT 1 AS x")
    ...     int(step.scalar("SELECT x FROM _ex_one"))
    1
    >>> sorted(t for t in engine.tables() if "ex_one" in t)
    []
    """

    def __init__(self, engine: Engine, prefix: str) -> None:
        self.engine = engine
        self.name = engine.name
        self._pattern = re.compile(rf"(?<![A-Za-z0-9_])_{prefix}_[A-Za-z0-9_]+")
        self._own: dict[str, str] = {}

    def __enter__(self) -> StepTables:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _named(self, sql: str) -> str:
        """``sql`` with each step table's name replaced by its scratch name."""
        def own(match: re.Match[str]) -> str:
            step = match.group(0)
            if step not in self._own:
                # ``_step_<name>_<n>``: no longer matches the pattern
                self._own[step] = self.engine.scratch(f"step{step}")
            return self._own[step]
        return self._pattern.sub(own, sql)

    def query(self, sql: str) -> pd.DataFrame:
        """:meth:`Engine.query`, the step's tables renamed."""
        return self.engine.query(self._named(sql))

    def arrow(self, sql: str) -> pa.Table:
        """:meth:`Engine.arrow`, the step's tables renamed."""
        return self.engine.arrow(self._named(sql))

    def scalar(self, sql: str) -> Any:
        """:meth:`Engine.scalar`, the step's tables renamed."""
        return self.engine.scalar(self._named(sql))

    def materialize(self, name: str, sql: str) -> None:
        """:meth:`Engine.materialize`, the step's tables renamed."""
        self.engine.materialize(self._named(name), self._named(sql))

    def view(self, name: str, sql: str) -> None:
        """:meth:`Engine.view`, the step's tables renamed."""
        self.engine.view(self._named(name), self._named(sql))

    def columns(self, table: str) -> list[str]:
        """:meth:`Engine.columns`, the step's tables renamed."""
        return self.engine.columns(self._named(table))

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """:meth:`Engine.register`, the step's tables renamed."""
        self.engine.register(self._named(name), frame)

    def append(self, name: str, sql: str) -> None:
        """:meth:`Engine.append`, the step's tables renamed."""
        self.engine.append(self._named(name), self._named(sql))

    def update(self, name: str, sets: dict[str, str], where: str,
               source: str | None = None) -> None:
        """:meth:`Engine.update`, the step's tables renamed."""
        self.engine.update(self._named(name), {c: self._named(v) for c, v in sets.items()},
                           self._named(where), self._named(source) if source else None)

    def delete(self, name: str, where: str) -> None:
        """:meth:`Engine.delete`, the step's tables renamed."""
        self.engine.delete(self._named(name), self._named(where))

    def map_values(self, name: str, sql: str, function: Callable[[str], str]) -> None:
        """:meth:`Engine.map_values`, the step's tables renamed."""
        self.engine.map_values(self._named(name), self._named(sql), function)

    def scratch(self, stem: str) -> str:
        """:meth:`Engine.scratch` of the wrapped engine (a table that outlives the step)."""
        return self.engine.scratch(stem)

    def drop(self, *names: str) -> None:
        """:meth:`Engine.drop`, the step's tables renamed."""
        self.engine.drop(*(self._named(n) for n in names))

    def close(self) -> None:
        """Drop every table the step made."""
        self.engine.drop(*self._own.values())
        self._own.clear()
