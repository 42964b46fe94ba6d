"""The Spark engine: the same analyses, on a Spark cluster or a local session.

Analyses are written once, in DuckDB's SQL dialect (see :mod:`pathways.engine`).
:class:`SparkEngine` transpiles each statement with sqlglot and runs it with
``SparkSession.sql``; :func:`translate` is the one place where what sqlglot does
not carry over is fixed:

* ``median(x)`` and ``quantile_cont(x, q)`` become ``percentile(x, q)``: Spark's
  exact percentile, which interpolates linearly as DuckDB's ``quantile_cont``
  does (sqlglot's ``PERCENTILE_CONT(x, q)`` is not valid Spark SQL);
* decimal literals (``3600000000.0``) become DOUBLE: Spark reads them as
  DECIMAL, and a BIGINT divided by a DECIMAL is rounded to a fixed scale, while
  DuckDB divides in floating point;
* for the reader's SQL: DuckDB's naive ``TIMESTAMP`` is Spark's ``TIMESTAMP``
  in the UTC session; ``try_strptime`` becomes ``try_to_timestamp`` with the
  format as a Java pattern (:func:`java_pattern`; two-digit years as DuckDB
  reads them); ``timezone(zone, CAST(t AS TIMESTAMP))`` becomes
  ``to_utc_timestamp`` and ``timezone(zone, CAST(t AS TIMESTAMPTZ))``
  ``from_utc_timestamp``; ``epoch_us`` becomes ``unix_micros``;
  ``regexp_full_match`` an anchored ``RLIKE``; a back-reference in a
  replacement ``$1``; ``TIME`` stays ``TIME`` (sqlglot would write
  ``TIMESTAMP``) and ``CAST(d AS DATE) + CAST(t AS TIME)`` is
  ``make_timestamp(d, t)``; ``strftime`` is ``date_format`` with each field at
  its full width; a named window refined by a frame is written out.

Reading runs on Spark too: :func:`pathways.read` with ``engine=`` a session
loads a CSV or Parquet file on the executors
(:mod:`pathways.readers.spark_load`) and runs the canonical pipeline
(:mod:`pathways.readers.canonical`) through this engine; a sources file's
extracts are loaded the same way and its reader
(:mod:`pathways.readers.source_events`) runs here too. Other inputs (XES,
a saved log, a table in memory) are read by DuckDB and handed
over by :func:`to_spark`, as Parquet; the ordering columns the reader stored
(``event_idx``, ``next_*``) travel with the events, so Spark does not sort again.

pyspark is an optional dependency (``pip install pathways[spark]``), imported
only here and, inside its functions, by :mod:`pathways.readers.spark_load`.
"""

from __future__ import annotations

import inspect
import itertools
import os
import re
import shutil
import sys
import tempfile
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot
from sqlglot import expressions as exp

from pathways.engine import DuckDBEngine, R, T
from pathways.errors import EngineError
from pathways.log import EventLog
from pathways.sql import quote_identifier

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkEngine", "local_session", "to_spark", "translate"]

#: Spark type of an empty pandas column, by ``dtype.kind`` (text otherwise).
_SPARK_TYPES = {"i": "BIGINT", "u": "BIGINT", "f": "DOUBLE", "b": "BOOLEAN",
                "M": "TIMESTAMP"}

#: What Spark redacts in the plans it prints: the pseudonym key's HMAC pads.
REDACTED = "(?i)[0-9a-f]{128}"

#: Tables of a log that :func:`to_spark` hands to Spark (when they exist).
LOG_TABLES = ("case_cohorts", "read_problems")


def translate(sql: str) -> str:
    """Translate one statement from DuckDB's dialect to Spark SQL.

    Parameters
    ----------
    sql : str
        A query in DuckDB's dialect.

    Returns
    -------
    str
        The same query in Spark SQL.

    Examples
    --------
    >>> translate("SELECT median(w), quantile_cont(w, 0.9) FROM t GROUP BY ALL")
    'SELECT PERCENTILE(w, 0.5), PERCENTILE(w, 0.9) FROM t GROUP BY ALL'
    >>> translate("SELECT (a - b) / 3600000000.0 FROM t")
    'SELECT (a - b) / CAST(3600000000.0 AS DOUBLE) FROM t'
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    _inline_refined_windows(tree)
    return tree.transform(_to_spark).sql(dialect="spark")


def _inline_refined_windows(tree: exp.Expression) -> None:
    """Write out a named window that a window refines with its own frame.

    DuckDB takes ``OVER (w ROWS BETWEEN ...)``; Spark takes a window's name
    only alone (``OVER w``), so such a window gets the named one's partition
    and order written in.
    """
    for select in tree.find_all(exp.Select):
        named = {str(w.this.name): w for w in select.args.get("windows") or []}
        if not named:
            continue
        for window in select.find_all(exp.Window):
            alias = window.args.get("alias")
            if alias is None or window.args.get("spec") is None or alias.name not in named:
                continue
            base = named[alias.name]
            if base.args.get("partition_by"):
                window.set("partition_by", [e.copy() for e in base.args["partition_by"]])
            if base.args.get("order"):
                window.set("order", base.args["order"].copy())
            window.set("alias", None)


def _to_spark(node: exp.Expression) -> exp.Expression:
    """Rewrite one node of a DuckDB syntax tree where Spark differs, and what it holds.

    sqlglot's ``transform`` does not visit the children of a node it replaced,
    so a replacement's are rewritten here (``epoch_us(try_strptime(...))``).
    """
    new = _rewrite(node)
    if new is node:
        return node
    return new.transform(lambda n: n if n is new else _to_spark(n), copy=False)


def _rewrite(node: exp.Expression) -> exp.Expression:
    """One node of a DuckDB syntax tree as Spark needs it (the node itself if alike)."""
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIMESTAMPNTZ:
        # DuckDB's naive TIMESTAMP is Spark's TIMESTAMP in a UTC session: the
        # wall-clock time read as if it were UTC, which is how the reader
        # treats a naive time until the zone rules resolve it.
        return exp.DataType.build("TIMESTAMP", dialect="spark")
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIME:
        # A clock time is Spark's TIME (spark.sql.timeType.enabled, set by
        # own_session); sqlglot would write TIMESTAMP, today's date at that time.
        return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind="TIME")
    if (isinstance(node, exp.Add) and isinstance(node.this, exp.Cast)
            and isinstance(node.expression, exp.Cast)
            and node.this.to.this == exp.DataType.Type.DATE
            and node.expression.to.this == exp.DataType.Type.TIME):
        # DuckDB's DATE + TIME is a timestamp; Spark's make_timestamp(date, time).
        return exp.Anonymous(this="make_timestamp", expressions=[node.this, node.expression])
    if isinstance(node, exp.TimeToStr) and isinstance(node.args.get("format"), exp.Literal):
        # strftime: every field at its full width, the format's letters quoted.
        pattern = re.sub(r"%(.)|([A-Za-z]+)|(')", lambda m: (
            _WRITTEN_FIELDS[m.group(1)] if m.group(1) else
            f"'{m.group(2)}'" if m.group(2) else "''"), node.args["format"].this)
        return exp.Anonymous(this="date_format",
                             expressions=[node.this, exp.Literal.string(pattern)])
    if isinstance(node, exp.RegexpFullMatch):
        return exp.RegexpLike(this=node.this,
                              expression=_anchored(node.expression))
    if isinstance(node, exp.RegexpReplace) and isinstance(node.args.get("replacement"),
                                                          exp.Literal):
        # DuckDB's back-references are \1; Java's are $1 (and a $ is escaped).
        text = node.args["replacement"].this
        node.set("replacement", exp.Literal.string(
            re.sub(r"\\(\d)", r"$\1", text.replace("$", "\\$"))))
        return node
    if isinstance(node, exp.Anonymous):
        rewritten = _function_to_spark(node)
        if rewritten is not None:
            return rewritten
    if isinstance(node, exp.Median):
        return exp.Anonymous(this="percentile", expressions=[node.this, _number("0.5")])
    if isinstance(node, exp.PercentileCont | exp.Quantile) and node.expression:
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    if (
        isinstance(node, exp.Literal)
        and not node.is_string
        and any(ch in node.this for ch in ".eE")
        and not isinstance(node.parent, exp.Cast | exp.Anonymous)
    ):
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE"))
    return node


def _function_to_spark(node: exp.Anonymous) -> exp.Expression | None:
    """Spark's form of a DuckDB function sqlglot passes through unchanged, or None."""
    name = str(node.this).lower()
    args = node.expressions
    if name == "epoch_us" and len(args) == 1:
        return exp.Anonymous(this="unix_micros", expressions=[args[0]])
    if name == "timezone" and len(args) == 2 and isinstance(args[1], exp.Cast):
        # DuckDB's timezone(zone, t) reads a naive t as local time in the zone
        # (giving the instant) and turns an instant into the zone's local time.
        # Which one is meant depends on t's type, so the reader writes the cast.
        kind = args[1].to.this
        if kind in (exp.DataType.Type.TIMESTAMPNTZ, exp.DataType.Type.TIMESTAMPTZ):
            function = ("to_utc_timestamp" if kind == exp.DataType.Type.TIMESTAMPNTZ
                        else "from_utc_timestamp")
            return exp.Anonymous(this=function, expressions=[args[1].this, args[0]])
    if name in ("try_strptime", "strptime") and len(args) == 2 and args[1].is_string:
        pattern, two_digit_year = java_pattern(args[1].this)
        function = "try_to_timestamp" if name == "try_strptime" else "to_timestamp"
        parsed = exp.Anonymous(this=function,
                               expressions=[args[0], exp.Literal.string(pattern)])
        if not two_digit_year:
            return parsed
        # Java reads a two-digit year as 2000-2099; DuckDB (as POSIX) reads
        # 69-99 as 1969-1999.
        return sqlglot.parse_one(
            "CASE WHEN year(_p) >= 2069 THEN _p - INTERVAL '100' YEAR ELSE _p END",
            read="spark").transform(
                lambda n: parsed.copy() if isinstance(n, exp.Column)
                and n.name == "_p" else n)
    return None


#: strftime specifiers and the Java pattern letters that write them at full width.
_WRITTEN_FIELDS = {"Y": "yyyy", "m": "MM", "d": "dd", "H": "HH", "M": "mm", "S": "ss",
                   "f": "SSSSSS", "g": "SSS", "%": "%"}

#: strptime specifiers and the Java pattern letters of the same field.
_JAVA_FIELDS = {"Y": "yyyy", "y": "yy", "m": "M", "d": "d", "H": "H", "M": "m",
                "S": "s", "g": "SSS", "f": "SSSSSS"}


def java_pattern(fmt: str) -> tuple[str, bool]:
    """A strptime format as a Java (Spark) datetime pattern; and whether it has ``%y``.

    A field between separators is written with one letter, which reads one or
    two digits as DuckDB's strptime does; a field next to another field is
    written at its fixed width (``%Y%m%d`` is ``yyyyMMdd``). Letters of the
    format's own text are quoted.

    Examples
    --------
    >>> java_pattern("%d.%m.%Y %H:%M")
    ('d.M.yyyy H:m', False)
    >>> java_pattern("%Y%m%d%H%M%S")
    ('yyyyMMddHHmmss', False)
    """
    tokens = re.findall(r"%.|[^%]", fmt)
    out = []
    for i, token in enumerate(tokens):
        if token.startswith("%"):
            field = _JAVA_FIELDS.get(token[1])
            if field is None:
                raise EngineError(f"The Spark engine cannot read times written as "
                                  f"{fmt!r} ({token} is not supported there).")
            adjacent = any(0 <= j < len(tokens) and tokens[j].startswith("%")
                           for j in (i - 1, i + 1))
            if adjacent and len(field) == 1:
                field *= 2
            out.append(field)
        elif token.isalpha():
            out.append(f"'{token}'")
        elif token == "'":
            out.append("''")
        else:
            out.append(token)
    return "".join(out), "%y" in tokens


def _anchored(pattern: exp.Expression) -> exp.Expression:
    """A regular expression that must match the whole text (RLIKE searches)."""
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return exp.Literal.string(f"^(?:{pattern.this})$")
    return exp.Concat(expressions=[exp.Literal.string("^(?:"), pattern,
                                   exp.Literal.string(")$")])


def _number(text: str) -> exp.Literal:
    return exp.Literal(this=text, is_string=False)


def local_session(*, cores: int = 2, shuffle_partitions: int = 4) -> SparkSession:
    """Start (or reuse) a local Spark session set up for pathways (UTC, quiet, Arrow).

    Parameters
    ----------
    cores : int
        Worker threads (``local[cores]``).
    shuffle_partitions : int
        ``spark.sql.shuffle.partitions``; small for small logs and tests.

    Returns
    -------
    SparkSession
        The active session if there is one with these settings, else a new one.
    """
    builder = _spark_sql().SparkSession.builder
    # Local workers run this Python (with its packages), not the first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with _quiet_pandas_conversion():
        session = (
            builder.master(f"local[{int(cores)}]")
            .appName("pathways")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", str(int(shuffle_partitions)))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Runs the analyses' SQL on Spark, after translating it (:func:`translate`).

    Tables are Spark temporary views; :meth:`materialize` persists a result
    (memory, spilling to disk) under a view name, so later queries reuse it.

    Parameters
    ----------
    spark : SparkSession
        The session to run on; its ``spark.sql.session.timeZone`` should be UTC
        (analyses compare ``ts_us`` integers, so results do not depend on it,
        but timestamps returned to pandas do).
    """

    name = "spark"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self._persisted: dict[str, DataFrame] = {}
        self._names = itertools.count(1)

    def sql(self, sql: str) -> DataFrame:
        """Translate a query in DuckDB's dialect and return it as a Spark DataFrame."""
        translated = translate(sql)
        try:
            return self.spark.sql(translated)
        except Exception as err:  # pyspark's AnalysisException and parse errors
            raise EngineError(
                f"Spark could not run a query translated from DuckDB's dialect: {err}\n"
                f"Translated query:\n{translated}"
            ) from err

    def query(self, sql: str) -> pd.DataFrame:
        """Run a query and return a pandas DataFrame."""
        frame = self.sql(sql)
        with _quiet_pandas_conversion():
            return frame.toPandas()

    def scalar(self, sql: str) -> Any:
        """Run a query and return the first value of its first row."""
        row = self.sql(sql).first()
        return None if row is None else row[0]

    def materialize(self, name: str, sql: str) -> None:
        """Compute a query's result and keep it as the temporary view ``name``.

        The result is checkpointed (computed now, kept on the executors, its
        plan cut off): a view that only persisted would carry the whole plan
        of every query it came from, and an analysis that materialises step
        after step would hand Spark's analyser a plan that grows with each
        step (the breaks' forbid step ran the driver out of heap).
        """
        frame = self.sql(sql).localCheckpoint(eager=True,
                                              storageLevel=_storage_memory_and_disk())
        old = self._persisted.pop(name, None)
        frame.createOrReplaceTempView(name)
        self._persisted[name] = frame
        if old is not None:
            old.unpersist()

    def view(self, name: str, sql: str) -> None:
        """Name a query as the temporary view ``name``, computed where it is read."""
        old = self._persisted.pop(name, None)
        self.sql(sql).createOrReplaceTempView(name)
        if old is not None:
            old.unpersist()

    def arrow(self, sql: str) -> pa.Table:
        """Run a query and collect its rows on the driver as an Arrow table."""
        return self.sql(sql).toArrow()

    def columns(self, table: str) -> list[str]:
        """Column names of a table or view, in order."""
        return list(self.spark.table(table).columns)

    def tables(self) -> set[str]:
        """The names of the session's temporary views."""
        return {table.name for table in self.spark.catalog.listTables()}

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a pandas DataFrame available as the temporary view ``name``."""
        # Spark cannot infer a type from no rows, nor from a column of nulls
        # only (a log without levels); pandas' dtypes give it then
        inferable = len(frame) and bool(frame.notna().any().all())
        schema = None if inferable else ", ".join(
            f"`{column}` {_SPARK_TYPES.get(frame[column].dtype.kind, 'STRING')}"
            for column in frame.columns
        )
        with _quiet_pandas_conversion():
            self.spark.createDataFrame(frame, schema=schema).createOrReplaceTempView(name)

    def scratch(self, stem: str) -> str:
        """A view name no other step of this engine uses: ``_{stem}_{n}``."""
        return f"_{stem}_{next(self._names)}"

    def drop(self, *names: str) -> None:
        """Drop views made for a step and free what they kept; unknown names are ignored."""
        for name in names:
            kept = self._persisted.pop(name, None)
            if kept is not None:
                kept.unpersist()
            self.spark.catalog.dropTempView(name)

    def each(self, function: Callable[[Any, T], R], items: Sequence[T]) -> list[R]:
        """``[function(self, item) for item in items]``, one after another.

        Each step's queries already run across the cluster's executors.
        """
        return [function(self, item) for item in items]

    def keep(self, name: str) -> None:
        """Checkpoint the view ``name`` (computed now, kept on the executors) in place."""
        frame = self.spark.table(name).localCheckpoint(
            eager=True, storageLevel=_storage_memory_and_disk())
        old = self._persisted.pop(name, None)
        frame.createOrReplaceTempView(name)
        self._persisted[name] = frame
        if old is not None:
            old.unpersist()

    def append(self, name: str, sql: str) -> None:
        """Add a query's rows to the view ``name`` (a new checkpoint of both)."""
        columns = ", ".join(quote_identifier(c) for c in self.columns(name))
        self.materialize(name, f"SELECT {columns} FROM {name} UNION ALL {sql}")

    def update(self, name: str, sets: dict[str, str], where: str,
               source: str | None = None) -> None:
        """Set columns of the rows of ``name`` that ``where`` holds for (a new checkpoint).

        ``source`` (``table alias``) is joined as DuckDB's ``UPDATE ... FROM``
        joins it: at most one of its rows may meet ``where`` per row of ``name``.
        """
        columns = self.columns(name)
        items = ", ".join(
            f"CASE WHEN coalesce({where}, false) THEN {sets[c]} ELSE {name}.{quote_identifier(c)} "
            f"END AS {quote_identifier(c)}" if c in sets else f"{name}.{quote_identifier(c)}"
            for c in columns)
        joined = f" LEFT JOIN {source} ON {where}" if source else ""
        self.materialize(name, f"SELECT {items} FROM {name}{joined}")

    def delete(self, name: str, where: str) -> None:
        """Remove the rows of ``name`` that ``where`` holds for (a new checkpoint)."""
        self.materialize(name, f"SELECT * FROM {name} WHERE NOT coalesce({where}, false)")

    def map_values(self, name: str, sql: str, function: Callable[[str], str]) -> None:
        """View ``name (old, new)``: the values ``v`` of the query that ``function`` changes.

        ``function`` runs on the executors, as a pandas UDF over the query's
        values (pickled with what it holds, such as a pseudonym key); no
        value passes through the driver.
        """
        functions = _spark_sql().functions
        # The function's module travels with it, by value: the executors need
        # Python, not pathways (the pseudonyms' module uses the standard library).
        from pyspark import cloudpickle

        module = inspect.getmodule(function)
        if module is not None and module.__name__.startswith("pathways."):
            cloudpickle.register_pickle_by_value(module)

        @functions.pandas_udf("string")  # type: ignore[call-overload,misc]
        def mapped(values: pd.Series) -> pd.Series:
            return values.map(function)

        frame = self.sql(sql)
        changed = (frame.select(frame["v"].alias("old"), mapped(frame["v"]).alias("new"))
                   .where("old <> new"))
        frame = changed.localCheckpoint(eager=True,
                                        storageLevel=_storage_memory_and_disk())
        self._persisted.pop(name, None)
        frame.createOrReplaceTempView(name)
        self._persisted[name] = frame

    def register_parquet(self, name: str, path: str | Path) -> None:
        """Make a Parquet file or folder available as the temporary view ``name``."""
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)


def to_spark(
    log: EventLog,
    spark: SparkSession | None = None,
    *,
    workdir: str | Path | None = None,
) -> EventLog:
    """Hand a log read by DuckDB to Spark.

    The events table (and ``case_cohorts``, ``read_problems``) are written to
    Parquet and registered as Spark temporary views of the same names, so every
    analysis runs on Spark unchanged.

    Parameters
    ----------
    log : EventLog
        A log from :func:`pathways.read` (held in DuckDB).
    spark : SparkSession, optional
        The session to use; a local one (:func:`local_session`) by default.
    workdir : str or Path, optional
        Where to write the Parquet files. On a cluster this must be storage
        every executor can read (HDFS, S3, a shared file system); by default a
        temporary folder, removed when the returned log's engine is collected.

    Returns
    -------
    EventLog
        The same log, whose engine is a :class:`SparkEngine`.

    Raises
    ------
    EngineError
        If the log is not held in DuckDB.
    """
    if log.engine.name == "spark":
        return log
    if not isinstance(log.engine, DuckDBEngine):
        raise EngineError(
            f"to_spark needs a log read into DuckDB; this one is on {log.engine.name!r}."
        )
    engine = SparkEngine(own_session(spark if spark is not None else local_session()))
    if workdir is None:
        folder = Path(tempfile.mkdtemp(prefix="pathways-spark-"))
        weakref.finalize(engine, shutil.rmtree, folder, ignore_errors=True)
    else:
        folder = Path(workdir)
        folder.mkdir(parents=True, exist_ok=True)
    present = log.engine.tables()
    for table in (log.table, *(t for t in LOG_TABLES if t in present)):
        target = folder / f"{table}.parquet"
        log.engine.export_parquet(table, target)
        engine.register_parquet(table, target)
    return replace(log, engine=engine)


def _spark_sql() -> Any:
    """``pyspark.sql``, or an error saying how to install it."""
    try:
        import pyspark.sql
    except ImportError as err:
        raise EngineError(
            "The Spark engine needs pyspark: pip install 'pathways[spark]' "
            "(and Java 17 or later)."
        ) from err
    return pyspark.sql


def own_session(spark: SparkSession) -> SparkSession:
    """Make a session of its own for one log, sharing ``spark``'s context and cache.

    Temporary views belong to a session, so two logs handed to the same
    session would both be ``events``; each gets a new session instead, with
    the settings of the one given and UTC as its time zone.
    """
    session = spark.newSession()
    for key in ("spark.sql.shuffle.partitions",
                "spark.sql.execution.arrow.pyspark.enabled"):
        value = spark.conf.get(key, None)
        if value is not None:
            session.conf.set(key, value)
    session.conf.set("spark.sql.session.timeZone", "UTC")
    # A sources file's clock columns are read as TIME, as DuckDB reads them.
    session.conf.set("spark.sql.timeType.enabled", "true")
    # The reader's SQL carries the pseudonym key's HMAC pads as hex literals
    # (pathways.enrich.pseudonym.pseudonym_sql); plans Spark prints show them
    # redacted.
    session.conf.set("spark.sql.redaction.string.regex", REDACTED)
    return session


@contextmanager
def _quiet_pandas_conversion() -> Iterator[None]:
    """Silence pyspark 4's warnings about pandas 3 around one conversion.

    pyspark warns on every conversion that pandas 3 is not yet "fully
    supported" and passes a keyword pandas 3 deprecates; the columns the
    analyses exchange (text, integers, doubles, timestamps) convert exactly,
    which the tests check against DuckDB.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PySpark does not yet fully support",
                                FutureWarning)
        warnings.filterwarnings("ignore", "The copy keyword is deprecated",
                                DeprecationWarning)
        yield


def _storage_memory_and_disk() -> Any:
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK
