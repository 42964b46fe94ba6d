"""What every command shares: where its lines go, how it reads, what it may write.

A command says two kinds of lines: data (stdout) and messages for the person
running it (stderr), through an :class:`Echo` (the command line passes
``click.echo``). Messages are masked: a national id a file name or a value of
the log carries never reaches the screen.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathways.log import EventLog

#: The keywords of :func:`pathways.read` a command passes on.
READ_KEYS = ("sep", "encoding", "date_format", "timezone", "case", "activity",
             "timestamp", "level", "resource", "organisation", "levels", "municipalities",
             "engine")


class Echo(Protocol):
    """Writes one line: to stdout, or with ``err`` to stderr; ``nl`` ends it."""

    def __call__(self, message: str, *, nl: bool = True, err: bool = False) -> None:
        """Write ``message``."""


def plain_echo(message: str, *, nl: bool = True, err: bool = False) -> None:
    """The default :class:`Echo`: ``sys.stdout`` for data, ``sys.stderr`` for messages."""
    stream = sys.stderr if err else sys.stdout
    stream.write(message + ("\n" if nl else ""))
    stream.flush()


def words(key: str, lang: str = "en", **values: Any) -> str:
    """The catalogue's text for ``key`` in ``lang`` (English for commands without ``--lang``)."""
    from pathways.present.messages import Messages

    return Messages(lang)(key, **values)  # type: ignore[arg-type]


def note(echo: Echo, message: str) -> None:
    """A message for the user, on stderr (data goes to stdout); national ids masked."""
    from pathways.enrich.pseudonym import mask_national_ids

    echo(mask_national_ids(message), err=True)


def wrote(path: Path, lang: str, key: str = "cli.wrote") -> str:
    """"Skrev PATH" or "Wrote PATH": the last line of a command that wrote a file."""
    from pathways.enrich.pseudonym import mask_national_ids

    return words(key, lang, path=mask_national_ids(str(path)))


def log_location(log_path: str | Path) -> str | Path:
    """The log a command reads: a URI (``hdfs://...``) kept as text for Spark, else a Path."""
    from pathways.readers.spark_load import is_uri

    return log_path if is_uri(log_path) else Path(log_path)


def log_name(log_path: str | Path) -> str:
    """The log's file name: a local path's name, or a URI's last segment (else its host)."""
    from pathways.readers.spark_load import uri_name

    return log_path.name if isinstance(log_path, Path) else uri_name(log_path)


def local_input(log_path: str | Path) -> Path | None:
    """The local file a log names: its path, a ``file://`` URI's path, or None (remote)."""
    from pathways.readers.spark_load import uri_parts

    if isinstance(log_path, Path):
        return log_path
    scheme, path = uri_parts(log_path)
    return Path(path) if scheme == "file" else None


def default_output(log_path: str | Path, suffix: str) -> Path:
    """``LOG-stem`` + suffix beside the log, a national id in the stem left out.

    For a log named by a URI, the stem is its last segment's and the output
    goes in the current folder.
    """
    from pathways.enrich.pseudonym import mask_national_ids

    name = mask_national_ids(log_name(log_path), "fnr")
    for ext in (".gz", ".csv", ".xes", ".parquet", ".txt", ".tsv"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    if isinstance(log_path, Path):
        return log_path.with_name(name + suffix)
    return Path(name + suffix)


def start_progress(options: dict[str, Any]) -> None:
    """Set up the progress display from ``quiet`` and ``verbose`` (removing them)."""
    from pathways.progress import configure

    configure(quiet=options.pop("quiet", False), verbose=options.pop("verbose", False))


def guard_output(target: Path, log_path: str | Path, options: dict[str, Any],
                 *more: str | Path, kinds: tuple[str, ...] = (),
                 what: str = "the output") -> None:
    """Fail before any work when ``target`` cannot be written or is a file the command reads.

    The log (when it is local: a path or a ``file://`` URI), the level
    mapping (``levels``) and ``more`` (rule files) are remembered for the rest
    of the command, so no writer replaces one of them
    (:func:`pathways.present.output.protect_inputs`). With ``kinds``, the
    target must end in one of those extensions (``what`` names it in the error).
    """
    from pathways.present.output import check_extension, check_writable, protect_inputs

    if kinds:
        check_extension(target, kinds, what)
    protect_inputs(local_input(log_path), options.get("levels"), *more)
    check_writable(target)


def read_log(path: str | Path, options: dict[str, Any], echo: Echo) -> EventLog:
    """Read the log (a path, or a URI Spark reads) with the command's options.

    The reading options are removed from ``options``.

    Rows that could not be used are counted in a message pointing to
    ``pathways validate``.
    """
    import pathways
    from pathways.progress import mark_size, stage

    start_progress(options)
    read_args = {k: options.pop(k) for k in READ_KEYS if k in options}
    size = path.stat().st_size if isinstance(path, Path) and path.is_file() else None
    mark_size(file_bytes=size)
    with stage(f"Reading {log_name(path)}"):
        log = pathways.read(path, **read_args)
    mark_size(events=log.report.rows_kept)
    report = log.report
    if report.rows_rejected:
        key = "cli.rows_left_out" if report.file_format == "sources" else "cli.rows_not_used"
        note(echo, words(key, n=report.rows_rejected, path=path))
    return log
