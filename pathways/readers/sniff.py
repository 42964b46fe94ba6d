"""Look at the first bytes of a file: its format, encoding and CSV dialect.

Only a sample is read (a few hundred kilobytes), so detection costs the same
for a small file and a large one. Every detected choice can be overridden
(``--sep``, ``--encoding``), and the messages say so.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from pathways.errors import LogFormatError, OptionError

SAMPLE_BYTES = 256 * 1024
SEPARATORS = (";", ",", "\t", "|")
#: How a tab may be written on a command line where a tab cannot be typed.
TAB_NAMES = ("\\t", "tab", "TAB")

#: The most columns a log may have. An export has tens, a research extract a few
#: hundred; 10,000 columns took minutes in the engine, which plans every query
#: over every column. Wider files are refused, saying so, before they are loaded.
MAX_COLUMNS = 2000

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"

#: A Latin-1 letter (æ, ø, å, é, ...) encoded as UTF-8.
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")


@dataclass(frozen=True)
class Dialect:
    """A CSV dialect: encoding, separator and decimal mark."""

    encoding: str
    separator: str
    decimal: str
    #: Lines before the header: 1 for Excel's ``sep=;`` line, else 0.
    skip: int = 0
    #: The sample ends lines with a bare CR (old Mac) or mixes CRLF and LF:
    #: the file is read through a copy with every line ending made LF.
    odd_newlines: bool = False


def check_file(path: Path) -> None:
    """Fail with a clear message when ``path`` is not a readable, non-empty file."""
    if not path.exists():
        raise LogFormatError(f"{path}: no such file. Check the path and try again.")
    if path.is_dir():
        raise LogFormatError(f"{path} is a folder, not a log file. Name a file.")
    if path.stat().st_size == 0:
        raise LogFormatError(f"{path} is empty: it holds no header and no events.")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise LogFormatError(
            f"{path} is a spreadsheet (Excel) or another zip file, not a log export. "
            "Save the sheet as CSV (in Excel: Save as → CSV UTF-8) and read that file."
        )


def check_width(path: Path, count: int) -> None:
    """Refuse a log of more than :data:`MAX_COLUMNS` columns, with what to do.

    Raises
    ------
    LogFormatError
        When ``count`` is above the limit.
    """
    if count > MAX_COLUMNS:
        raise LogFormatError(
            f"{path} has {count:,} columns; pathways reads at most {MAX_COLUMNS:,}. "
            "Export only the columns the analysis needs (case, activity, time, level, "
            "unit, organisation, diagnoses, ...), or check the separator (--sep)."
        )


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes, decompressed when the file is gzip."""
    with path.open("rb") as handle:
        head = handle.read(2)
    if head != GZIP_MAGIC:
        with path.open("rb") as handle:
            return handle.read(size)
    try:
        with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as handle:
            return handle.read(size)
    except (OSError, EOFError, zlib.error) as err:
        raise LogFormatError(
            f"{path}: the gzip data is damaged or truncated ({err}). "
            "Export or copy the file again."
        ) from err


def detect_format(path: Path) -> str:
    """``csv``, ``xes`` or ``parquet``, from the bytes and then the name."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == PARQUET_MAGIC:
        return "parquet"
    name = path.name.lower()
    if name.endswith((".xes", ".xes.gz")):
        return "xes"
    if name.endswith(".parquet"):
        return "parquet"
    sample = read_sample(path, 4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if sample.startswith((b"<?xml", b"<log")):
        return "xes"
    return "csv"


def detect_encoding(path: Path, sample: bytes) -> str:
    """The text encoding: UTF-8 (with or without BOM), Windows-1252 or another.

    UTF-8 is chosen when the sample decodes as UTF-8; otherwise charset-normalizer
    is asked, and Windows-1252 (the Norwegian default, which also covers
    Latin-1's æøå) is preferred among the single-byte Western encodings.
    """
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = sample[: sample.index(b"\x00")].count(b"\n") + 1
        raise LogFormatError(
            f"{path} looks like a binary file (it holds NUL bytes, the first on line "
            f"{line}), not a CSV export. Export the log as CSV, XES or Parquet, or "
            "remove the NUL bytes."
        )
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # A sample may end inside a multi-byte character: ignore a cut at the end.
        if err.start >= len(sample) - 3 and len(sample) >= SAMPLE_BYTES - 3:
            return "utf-8"
        if _UTF8_LETTER.search(sample):
            line = sample[: err.start].count(b"\n") + 1
            raise LogFormatError(
                f"{path} mixes text encodings: it holds UTF-8 letters, but line {line} "
                "is not UTF-8 (probably Windows-1252). Re-export the file in one "
                "encoding, or name the one to use with --encoding."
            ) from None
    try:
        # Small samples fool charset detection (Korean or Japanese for 'blå');
        # Norwegian exports that are not UTF-8 are Windows-1252.
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample).best()
    western = {"cp1252", "latin_1", "iso8859_15", "cp1250", "mac_roman", "ascii"}
    if best is None or best.encoding in western:
        return "cp1252"
    return best.encoding


def detect_separator(path: Path, text: str) -> str:
    """The separator that splits the header and the first lines most consistently."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise LogFormatError(f"{path} holds no text lines.")
    best, best_score = None, 0
    for sep in SEPARATORS:
        rows = list(csv.reader(io.StringIO("\n".join(lines[:-1] or lines)), delimiter=sep))
        widths = [len(row) for row in rows if row]
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = consistent * 1000 + widths[0]
        if score > best_score:
            best, best_score = sep, score
    if best is None:
        raise LogFormatError(
            f"{path}: could not find the column separator in the first lines "
            f"(tried {', '.join(repr(s) for s in SEPARATORS)}). "
            "Name it with --sep, for example --sep ';'."
        )
    return best


#: Excel's first line naming the separator (``sep=;``), written before the header.
_SEP_LINE = re.compile(r"\Asep=(.)[ \t]*(?:\r\n|\r|\n)", re.IGNORECASE)


def has_odd_newlines(text: str) -> bool:
    """True when lines end with a bare CR, or CRLF and LF are mixed."""
    crlf = text.count("\r\n")
    return text.count("\r") > crlf or 0 < crlf < text.count("\n")


def unify_newlines(text: str) -> str:
    """``text`` with every CRLF and bare CR made LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


_DECIMAL_COMMA = re.compile(r"(?:^|[;\t|])\s*-?\d+,\d+\s*(?=[;\t|]|$)", re.MULTILINE)


def detect_decimal(text: str, separator: str) -> str:
    """``,`` when numbers such as ``12,5`` stand in their own fields, else ``.``."""
    if separator == ",":
        return "."
    return "," if _DECIMAL_COMMA.search(text) else "."


def sniff_csv(
    path: Path, *, encoding: str | None = None, separator: str | None = None
) -> Dialect:
    """Detect (or accept) the encoding, separator and decimal mark of a CSV file."""
    sample = read_sample(path)
    enc = encoding or detect_encoding(path, sample)
    try:
        text = sample.decode(enc, errors="strict" if encoding else "replace")
    except (LookupError, UnicodeDecodeError) as err:
        others = [e for e in ("utf-8", "cp1252") if e != enc.lower().replace("_", "-")]
        raise LogFormatError(
            f"{path}: cannot decode the file as {enc} ({err}). "
            f"Try {' or '.join(f'--encoding {e}' for e in others)}."
        ) from err
    text = text.lstrip("\ufeff")
    if len(sample) >= SAMPLE_BYTES and text.count("\n") + text.count("\r") < 2:
        raise LogFormatError(
            f"{path}: no complete row in the first {SAMPLE_BYTES // 1024} KB (a field "
            "or line is far too long, or the file is not a log export). Check the "
            "separator and quotes, or remove the oversized field."
        )
    if len(sample) >= SAMPLE_BYTES:
        text = text[: text.rfind("\n") + 1] or text  # a CR at the cut is not a line end
    odd = has_odd_newlines(text)
    text = unify_newlines(text)
    excel = _SEP_LINE.match(text)
    if excel:
        text = text[excel.end():]
    if separator:
        sep = check_separator(separator)
    elif excel and excel.group(1) not in ('"', "\n", "\r"):
        sep = excel.group(1)
    else:
        sep = detect_separator(path, text)
    return Dialect(encoding=enc, separator=sep, decimal=detect_decimal(text, sep),
                   skip=1 if excel else 0, odd_newlines=odd)


def check_separator(separator: str) -> str:
    r"""The separator given with ``--sep``: one character (``\t`` or ``tab`` for a tab).

    Raises
    ------
    OptionError
        For a separator of several characters, a quote or a line break.
    """
    if separator in TAB_NAMES:
        return "\t"
    if len(separator) != 1:
        raise OptionError(
            f"--sep {separator!r} is {len(separator)} characters; the column separator "
            "must be one character, such as ';', ',' or '|' (for a tab: --sep tab). "
            "Leave --sep out to have it detected."
        )
    if separator in ('"', "\n", "\r"):
        raise OptionError(
            f"--sep {separator!r} cannot separate columns: it is the quote character or "
            "a line break. Give one character such as ';', ',' or '|', or leave --sep "
            "out to have it detected."
        )
    return separator
