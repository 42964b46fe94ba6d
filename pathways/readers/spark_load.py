"""Load a CSV or Parquet export into Spark as text, rows numbered in file order.

The Spark counterpart of :mod:`pathways.readers.csv` and
:mod:`pathways.readers.parquet`: the file is read by the executors (every
column as text, with the separator and encoding sniffed on the driver from the
file's first bytes) into a temporary view with a ``rowid`` column, the row's
place in the file counted from 0, as DuckDB's ``rowid`` is. From there the
canonical pipeline (:mod:`pathways.readers.canonical`) runs its SQL on Spark.

Row numbers are made without a pass through one task: Spark numbers the rows
of each partition (``monotonically_increasing_id``: the partition in the upper
bits, the row within it in the lower 33); a small query counts the rows of
each partition, and each row's number is its partition's start plus its place
in it. A file's partitions are its byte ranges in order, so this is file order.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Any

from pathways.errors import LogFormatError
from pathways.readers.sniff import Dialect

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from pathways.spark import SparkEngine

#: Bits of ``monotonically_increasing_id`` that count rows within a partition.
_ROW_BITS = 33

#: Python codec names whose Java name differs.
_JAVA_CHARSETS = {"utf-8-sig": "UTF-8", "utf_8": "UTF-8", "utf-8": "UTF-8",
                  "latin-1": "ISO-8859-1", "iso8859-1": "ISO-8859-1",
                  "cp1252": "windows-1252"}


#: The charsets Spark 4 reads without ``spark.sql.legacy.javaCharsets``.
_SPARK_CHARSETS = ("iso-8859-1", "us-ascii", "utf-16", "utf-16be", "utf-16le", "utf-32",
                   "utf-8")


def java_charset(encoding: str) -> str:
    """The Java name of a Python text encoding (``cp1252`` is ``windows-1252``)."""
    name = codecs.lookup(encoding).name
    return _JAVA_CHARSETS.get(name, _JAVA_CHARSETS.get(encoding.lower(), name))


def load_csv_spark(engine: SparkEngine, path: str, dialect: Dialect, columns: list[str],
                   table: str, *, quoted: bool) -> None:
    """Create the view ``table``: the CSV file's rows as text under ``columns``, with ``rowid``.

    ``columns`` are the header's names (made unique, national ids in them
    pseudonymised already); the header line (and the lines before it,
    ``dialect.skip``) are left out. ``quoted`` says the sample holds a quote:
    the file is then read as records that may span lines (Spark's
    ``multiLine``, which reads a file in one task); otherwise line by line, in
    parallel.
    """
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(f"_c{i}", StringType()) for i in range(len(columns))])
    charset = java_charset(dialect.encoding)
    if charset.lower() not in _SPARK_CHARSETS:
        # Spark 4 reads only a few charsets unless told to take any Java knows
        # (Windows-1252, the commonest in Norwegian exports, is not among them).
        engine.spark.conf.set("spark.sql.legacy.javaCharsets", "true")
    reader = (engine.spark.read.schema(schema)
              .option("header", "false")
              .option("sep", dialect.separator)
              .option("encoding", charset)
              .option("quote", '"')
              .option("escape", '"')
              .option("multiLine", "true" if quoted else "false")
              # A row with too few or too many fields is an error, as in
              # DuckDB's strict mode; but Excel's "sep=;" line has one field.
              .option("mode", "PERMISSIVE" if dialect.skip else "FAILFAST"))
    header = dialect.skip + 1
    named = ", ".join(f"`_c{i}` AS {_quoted(name)}" for i, name in enumerate(columns))
    try:
        _numbered(reader.csv(path)).createOrReplaceTempView("_spark_numbered")
        engine.spark.sql(
            f"SELECT {named}, rowid - {header} AS rowid FROM _spark_numbered "
            f"WHERE rowid >= {header}").createOrReplaceTempView(table)
        engine.keep(table)
    except Exception as err:  # pyspark's errors
        raise LogFormatError(
            f"{path}: Spark cannot read the file as CSV (separator "
            f"{dialect.separator!r}, encoding {dialect.encoding}): "
            f"{_first_line(err)}"
        ) from None
    finally:
        engine.spark.catalog.dropTempView("_spark_numbered")


def parquet_columns(engine: SparkEngine, path: str) -> tuple[Any, list[str]]:
    """The Parquet file as a DataFrame, and its column names."""
    try:
        frame = engine.spark.read.parquet(path)
    except Exception as err:  # pyspark's AnalysisException
        raise LogFormatError(
            f"{path}: not a readable Parquet file ({_first_line(err)}). "
            "Export it again, or give a CSV or XES file."
        ) from None
    return frame, list(frame.columns)


def load_parquet_spark(engine: SparkEngine, frame: DataFrame, names: list[str],
                       table: str) -> None:
    """Create the view ``table``: every column of the Parquet data as text, with ``rowid``.

    Text as DuckDB writes it (:func:`pathways.readers.parquet.text_casts`): a
    timestamp with a zone in UTC with its offset, anything else cast.
    ``names`` are the names to give the columns (national ids pseudonymised).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    casts = []
    for field, name in zip(frame.schema.fields, names, strict=True):
        column = F.col(_quoted(field.name))
        if isinstance(field.dataType, TimestampType):
            # Spark's TIMESTAMP is an instant, shown in the session's zone (UTC).
            text = F.date_format(column, "yyyy-MM-dd HH:mm:ss.SSSSSS'+00:00'")
        else:
            text = column.cast("string")
        casts.append(text.alias(name))
    try:
        _numbered(frame.select(*casts)).createOrReplaceTempView(table)
        engine.keep(table)
    except Exception as err:  # pyspark's errors
        raise LogFormatError(
            f"the Parquet data could not be read ({_first_line(err)}). "
            "Export it again, or give a CSV or XES file."
        ) from None


def _numbered(frame: DataFrame) -> DataFrame:
    """``frame`` with ``rowid``: each row's place in it, from 0 (see the module's notes)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ids = frame.withColumn("_mid", F.monotonically_increasing_id())
    part = F.shiftright(F.col("_mid"), _ROW_BITS)
    counts = ids.groupBy(part.alias("_part")).count()
    before = Window.orderBy("_part").rowsBetween(Window.unboundedPreceding, -1)
    starts = counts.select("_part",
                           F.coalesce(F.sum("count").over(before), F.lit(0)).alias("_start"))
    starts = starts.localCheckpoint(eager=True)  # one row per partition
    joined = ids.join(F.broadcast(starts), part == starts["_part"])
    rowid = (joined["_start"] + F.col("_mid").bitwiseAND((1 << _ROW_BITS) - 1)).alias("rowid")
    return joined.select(*[F.col(_quoted(c)) for c in frame.columns], rowid)


def _first_line(err: Exception) -> str:
    """The first line of Spark's error, national ids masked (it may quote a row)."""
    from pathways.enrich.pseudonym import mask_national_ids

    lines = str(err).strip().splitlines()
    return mask_national_ids(lines[0][:300] if lines else type(err).__name__)


def _quoted(name: str) -> str:
    """A column name in Spark SQL's backquotes."""
    return "`" + name.replace("`", "``") + "`"
