"""Load a CSV export into the engine as text, exactly as written.

Every value is read as text (ids such as ``00000123`` keep their zeros and an
id ``NA`` stays an id; only an empty field is missing). DuckDB parses the file
in parallel; files in an encoding DuckDB does not read itself (Windows-1252,
UTF-16, ...) are first transcoded to UTF-8 in large blocks.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import shutil
import tempfile
from pathlib import Path

import duckdb

from pathways.engine import DuckDBEngine
from pathways.enrich.pseudonym import mask_national_ids
from pathways.errors import LogFormatError
from pathways.readers.sniff import (
    GZIP_MAGIC,
    Dialect,
    check_width,
    read_sample,
    unify_newlines,
)
from pathways.sql import sql_text

BLOCK = 16 * 1024 * 1024
#: The longest line read. DuckDB splits a file into 32 MB buffers and parses
#: them in parallel only when a line fits several times in one: at 64 MB it read
#: every file on one thread (a 245 MB export: 1.0 s against 0.65 s at 8 MB). No
#: event of a health register comes near 8 MB; a longer line is an error.
MAX_LINE_SIZE = 8 * 1024 * 1024


def header_columns(path: Path, dialect: Dialect) -> list[str]:
    """The header row's column names (made unique where repeated)."""
    text = read_sample(path, 1024 * 1024).decode(dialect.encoding, errors="replace")
    lines = io.StringIO(unify_newlines(text.lstrip("\ufeff")))
    for _ in range(dialect.skip):
        lines.readline()
    try:
        header = next(csv.reader(lines, delimiter=dialect.separator))
    except StopIteration as err:
        raise LogFormatError(f"{path} holds no header row.") from err
    check_width(path, len(header))
    names: list[str] = []
    seen: set[str] = set()  # a set: a header of 10,000 names must not be O(n²)
    for i, name in enumerate(header):
        clean = name.strip() or f"column_{i + 1}"
        while clean in seen:
            clean += "_"
        names.append(clean)
        seen.add(clean)
    return names


def load_csv(engine: DuckDBEngine, path: Path, dialect: Dialect, table: str) -> list[str]:
    """Create ``table`` from the CSV file, all columns VARCHAR, rows in file order.

    Returns the column names. Raises :class:`LogFormatError` naming the line for
    ragged rows, unbalanced quotes, invalid text and over-long lines.

    A file whose lines end with a bare CR, or that mixes CRLF and LF (DuckDB's
    reader takes one kind of line end per file), is read through a copy with
    every line end made LF, as is one in an encoding DuckDB does not read.
    """
    columns = header_columns(path, dialect)
    encoding = dialect.encoding.lower().replace("_", "-")
    direct = "latin-1" if encoding in (
        "cp1252", "windows-1252", "latin-1", "iso-8859-1") else (
        "utf-8" if encoding in ("utf-8", "utf-8-sig", "ascii") else None)
    if direct and not dialect.odd_newlines:
        # Windows-1252 is Latin-1 but for bytes 0x80-0x9F (€, curly quotes, ...),
        # which DuckDB's Latin-1 reader refuses: most exports have none of them
        # and are read directly; the others are transcoded. Mixed line ends past
        # the sample show as DuckDB's "invalid state": read through a copy then.
        try:
            _read_into(engine, path, path, dialect, columns, table, direct)
            return columns
        except _NeedsCopy:
            pass
    tmpdir = tempfile.mkdtemp(prefix="pathways-transcode-")
    try:
        source = Path(tmpdir) / "log.utf8.csv"
        _transcode(path, source, dialect.encoding)
        _read_into(engine, path, source, dialect, columns, table, "utf-8")
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return columns


class _NeedsCopy(Exception):
    """DuckDB's reader cannot take the file as it is: read a UTF-8, LF copy.

    Raised when its Latin-1 reader meets a byte it does not take (0x80-0x9F),
    or its parser reaches an invalid state (CRLF and LF mixed past the sample).
    """


def _read_into(engine: DuckDBEngine, path: Path, source: Path, dialect: Dialect,
               columns: list[str], table: str, encoding: str) -> None:
    """Load ``source`` (the file, or its UTF-8 copy) into ``table`` with DuckDB."""
    spec = ", ".join(f"'{sql_text(c)}': 'VARCHAR'" for c in columns)
    sql = (
        f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{sql_text(str(source))}', "
        f"columns = {{{spec}}}, auto_detect = false, header = true, "
        f"delim = '{sql_text(dialect.separator)}', quote = '\"', escape = '\"', "
        f"skip = {dialect.skip}, "
        f"strict_mode = true, null_padding = false, encoding = '{encoding}', "
        f"max_line_size = {MAX_LINE_SIZE}, compression = 'auto')"
    )
    try:
        engine.execute(sql)
    except duckdb.Error as err:
        if source == path and (
                (encoding == "latin-1" and "not latin-1" in str(err))
                or "reached an invalid state" in str(err)):
            raise _NeedsCopy from None
        raise _csv_error(path, dialect, err) from None


def _transcode(path: Path, target: Path, encoding: str) -> None:
    """Rewrite a file as UTF-8 with LF line ends, in blocks (gzip is read through)."""
    with path.open("rb") as probe:
        gz = probe.read(2) == GZIP_MAGIC
    opener = gzip.open if gz else open
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with opener(path, "rb") as src, target.open("wb") as dst:  # type: ignore[operator]
            offset, held = 0, ""
            while block := src.read(BLOCK):
                text = held + decoder.decode(block)
                # A CR at the end of a block may be the first half of a CRLF.
                held = "\r" if text.endswith("\r") else ""
                dst.write(unify_newlines(text[: len(text) - len(held)]).encode("utf-8"))
                offset += len(block)
            tail = held + decoder.decode(b"", final=True)
            dst.write(unify_newlines(tail).encode("utf-8"))
    except UnicodeDecodeError as err:
        raise LogFormatError(
            f"{path}: byte {offset + err.start} is not valid {encoding} text. "
            "The file may mix encodings; re-export it in one encoding, "
            "or name the right one with --encoding."
        ) from None
    except (OSError, EOFError) as err:
        raise LogFormatError(
            f"{path}: the file could not be read to the end ({err}). "
            "It may be truncated: export or copy it again."
        ) from None


_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _csv_error(path: Path, dialect: Dialect, err: duckdb.Error) -> LogFormatError:
    """Turn DuckDB's CSV error into one line a user can act on (no patient data)."""
    text = str(err)
    match = _LINE.search(text)
    where = f" line {match.group(1)}" if match else ""
    if "Expected Number of Columns" in text:
        found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        detail = (
            f"expected {found.group(1)} fields, found {found.group(2)}" if found else
            "the row has the wrong number of fields"
        )
        return LogFormatError(
            f"{path}{where}: {detail} (separator {dialect.separator!r}). "
            "Fix that row, or give the right separator with --sep."
        )
    if "unterminated quote" in text:
        return LogFormatError(
            f"{path}{where}: a quoted value is never closed (unbalanced \"). "
            "Fix the quotes in that row."
        )
    if "Invalid unicode" in text or "not utf-8" in text:
        return LogFormatError(
            f"{path}{where}: the text is not valid {dialect.encoding}; the file may "
            "mix encodings. Re-export it in one encoding"
            + ("." if dialect.encoding.lower() == "cp1252" else ", or try --encoding cp1252.")
        )
    if "Maximum line size" in text or "max_line_size" in text:
        return LogFormatError(
            f"{path}{where}: a line is longer than {MAX_LINE_SIZE // 2**20} MB. "
            "Check the separator and quotes, or remove the oversized field."
        )
    if "gzip" in text.lower() or "compress" in text.lower():
        return LogFormatError(
            f"{path}: the compressed data is damaged or truncated. Copy it again."
        )
    first = mask_national_ids(text.splitlines()[0])
    return LogFormatError(f"{path}{where}: cannot read the file as CSV ({first}).")

