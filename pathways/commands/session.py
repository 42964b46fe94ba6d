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


def default_output(log_path: Path, suffix: str) -> Path:
    """``LOG-stem`` + suffix beside the log, a national id in the stem left out."""
    from pathways.enrich.pseudonym import mask_national_ids

    name = mask_national_ids(log_path.name, "fnr")
    for ext in (".gz", ".csv", ".xes", ".parquet", ".txt", ".tsv"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    return log_path.with_name(name + suffix)


def start_progress(options: dict[str, Any]) -> None:
    """Set up the progress display from ``quiet`` and ``verbose`` (removing them)."""
    from pathways.progress import configure

    configure(quiet=options.pop("quiet", False), verbose=options.pop("verbose", False))


def guard_output(target: Path, log_path: Path, options: dict[str, Any],
                 *more: str | Path, kinds: tuple[str, ...] = (),
                 what: str = "the output") -> None:
    """Fail before any work when ``target`` cannot be written or is a file the command reads.

    The log, the level mapping (``levels``) and ``more`` (rule files) are
    remembered for the rest of the command, so no writer replaces one of them
    (:func:`pathways.present.output.protect_inputs`). With ``kinds``, the
    target must end in one of those extensions (``what`` names it in the error).
    """
    from pathways.present.output import check_extension, check_writable, protect_inputs

    if kinds:
        check_extension(target, kinds, what)
    protect_inputs(log_path, options.get("levels"), *more)
    check_writable(target)


def read_log(path: Path, options: dict[str, Any], echo: Echo) -> EventLog:
    """Read the log with the command's options (removing them from ``options``).

    Rows that could not be used are counted in a message pointing to
    ``pathways validate``.
    """
    import pathways
    from pathways.progress import mark_size, stage

    start_progress(options)
    read_args = {k: options.pop(k) for k in READ_KEYS if k in options}
    mark_size(file_bytes=path.stat().st_size if path.is_file() else None)
    with stage(f"Reading {path.name}"):
        log = pathways.read(path, **read_args)
    mark_size(events=log.report.rows_kept)
    report = log.report
    if report.rows_rejected:
        key = "cli.rows_left_out" if report.file_format == "sources" else "cli.rows_not_used"
        note(echo, words(key, n=report.rows_rejected, path=path))
    return log
