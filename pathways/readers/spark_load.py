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

A file named by a URI (``hdfs://``, ``s3a://``, ``abfss://``, ``gs://``,
``file://``: any file system the session's Hadoop configuration knows) is a
:class:`RemoteFile`: the driver reads only what detection reads of a local
file (its status and first bytes) through Hadoop's ``FileSystem`` API, and
the executors read the rest.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from types import SimpleNamespace
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


#: A URI: a scheme of two or more characters (``C:`` is a Windows drive), then ``://``.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")

#: How much of a remote file its fingerprint covers: what detection reads at most
#: (:func:`pathways.readers.csv.header_columns`).
HEAD_BYTES = 1024 * 1024

#: The start of a remote file's ``sha256`` in the read report: it is not the
#: SHA-256 of the whole file (see :meth:`RemoteFile.fingerprint`).
FINGERPRINT = "fingerprint:"


def is_uri(path: Any) -> bool:
    """True for a path given as text with a URI scheme (``hdfs://...``, ``file:///...``)."""
    return isinstance(path, str) and _URI.match(path) is not None


def uri_parts(uri: str) -> tuple[str, str]:
    """A URI's scheme (lower case) and path, as Hadoop's ``Path`` splits them.

    The host (``hdfs://namenode:8020``, an ``s3a://`` bucket) is not part of
    the path; there is no query and no escaping.
    """
    scheme, rest = uri.split("://", 1)
    return scheme.lower(), "/" + rest.partition("/")[2]


def uri_name(uri: str) -> str:
    """A URI's file name: its path's last segment, else its host (``s3a://bucket``)."""
    segments = [s for s in uri_parts(uri)[1].split("/") if s]
    return segments[-1] if segments else uri.split("://", 1)[1].strip("/")


class RemoteFile:
    """A file named by a URI, as far as the driver reads it: status and first bytes.

    It answers what the sniffers ask of a local :class:`~pathlib.Path`
    (``exists``, ``is_dir``, ``stat().st_size``, ``open("rb")``, ``name``)
    through Hadoop's ``FileSystem`` API, reached by the session's JVM gateway,
    and is the URI as text (``str``), which Spark's readers are given.

    Raises
    ------
    LogFormatError
        When the session has no JVM (Spark Connect), or Hadoop knows no file
        system for the URI's scheme (a connector missing from the classpath).
    """

    def __init__(self, uri: str, spark: Any) -> None:
        self.uri = uri
        jvm = getattr(spark, "_jvm", None)
        if jvm is None:
            raise LogFormatError(
                f"{uri}: a file named by a URI is read with a classic SparkSession (the "
                "driver reads its first bytes through Hadoop's FileSystem API); this "
                "session has no JVM (Spark Connect?). Give a local path, or a classic "
                "session.")
        self._path = jvm.org.apache.hadoop.fs.Path(uri)
        self._fs = self._java(lambda: self._path.getFileSystem(
            spark._jsc.hadoopConfiguration()), "cannot reach its file system")
        self._status: Any = None

    def __str__(self) -> str:
        return self.uri

    def __repr__(self) -> str:
        return f"RemoteFile({self.uri!r})"

    @property
    def name(self) -> str:
        """The file's name, the URI's last part (``npr.csv``)."""
        return str(self._path.getName())

    def exists(self) -> bool:
        """True when the file (or folder) exists."""
        return self._stat() is not None

    def is_dir(self) -> bool:
        """True for a folder."""
        status = self._stat()
        return status is not None and bool(status.isDirectory())

    def stat(self) -> Any:
        """``st_size`` (bytes) and ``st_mtime`` (seconds), as :meth:`pathlib.Path.stat`."""
        status = self._stat()
        if status is None:
            raise LogFormatError(f"{self.uri}: no such file. Check the path and try again.")
        return SimpleNamespace(st_size=int(status.getLen()),
                               st_mtime=int(status.getModificationTime()) / 1000)

    def open(self, mode: str = "rb") -> io.BufferedReader:
        """The file's bytes from its start (read as far as the caller reads)."""
        if mode != "rb":
            raise ValueError(f"a remote file is opened 'rb' only; got {mode!r}")
        stream = self._java(lambda: self._fs.open(self._path), "cannot open it")
        return io.BufferedReader(_JavaStream(stream, self.uri))

    def fingerprint(self) -> str:
        """``fingerprint:`` and the SHA-256 of the first MiB, the size and the modification time.

        What the read report gives for a remote file in place of the SHA-256
        of its bytes, which would stream the whole file through the driver.
        It changes when the file's start, length or modification time does;
        a change elsewhere in a file of the same length, written back with
        its old modification time, is not seen.
        """
        with self.open() as handle:
            head = handle.read(HEAD_BYTES)
        status = self._stat()
        digest = hashlib.sha256(head)
        digest.update(f"\0{status.getLen()}\0{status.getModificationTime()}".encode("ascii"))
        return FINGERPRINT + digest.hexdigest()

    def _stat(self) -> Any:
        """Hadoop's ``FileStatus``, or None when there is no such file."""
        if self._status is None:
            exists = self._java(lambda: self._fs.exists(self._path), "cannot look it up")
            if not exists:
                return None
            self._status = self._java(lambda: self._fs.getFileStatus(self._path),
                                      "cannot look it up")
        return self._status

    def _java(self, call: Any, what: str) -> Any:
        """``call()``; a Java error becomes one line naming the URI."""
        try:
            return call()
        except Exception as err:  # py4j's Py4JJavaError
            raise LogFormatError(f"{self.uri}: {what} ({_java_error(err)}). Check the "
                                 "URI and the session's Hadoop configuration.") from None


class _JavaStream(io.RawIOBase):
    """A Hadoop input stream as a Python binary stream (one gateway call a read)."""

    #: The most bytes one call fetches.
    CHUNK = 1024 * 1024

    def __init__(self, stream: Any, uri: str) -> None:
        self._stream = stream
        self._uri = uri

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._stream.readNBytes(min(len(buffer), self.CHUNK))
        except Exception as err:  # py4j's Py4JJavaError
            raise LogFormatError(f"{self._uri}: the file could not be read "
                                 f"({_java_error(err)}).") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
        super().close()


def _java_error(err: Exception) -> str:
    """The Java exception's first line (py4j's own text names only the gateway call)."""
    java = getattr(err, "java_exception", None)
    text = str(java.toString()) if java is not None else str(err)
    lines = text.strip().splitlines()
    return lines[0][:300] if lines else type(err).__name__


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
