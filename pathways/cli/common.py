"""What the commands share: the options that say how to read a log, and a few others."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

import pathways

F = TypeVar("F", bound=Callable[..., Any])

#: Every command takes ``-h`` for ``--help``.
HELP = {"help_option_names": ["-h", "--help"]}

LOG_OPTIONS = (
    click.option("--sep", help="Column separator of a CSV file: one character, 'tab' for a "
                               "tab (detected if not given)."),
    click.option("--encoding", help="Text encoding, e.g. utf-8 or cp1252 (detected)."),
    click.option("--date-format",
                 help="strptime format of the times, e.g. '%d.%m.%Y %H:%M' (detected)."),
    click.option("--timezone", default="Europe/Oslo", show_default=True,
                 help="Time zone of times written without an offset."),
    click.option("--case", help="Name of the case (patient journey) id column."),
    click.option("--activity", help="Name of the activity column."),
    click.option("--timestamp", help="Name of the timestamp column."),
    click.option("--level", help="Name of the care-level column."),
    click.option("--resource", help="Name of the unit/resource column."),
    click.option("--organisation", help="Name of the organisation column."),
    click.option("--levels", "levels", type=click.Path(path_type=Path),
                 help="Mapping file (YAML or CSV) from activity or unit to care level."),
    click.option("--municipalities", "municipalities", type=click.Path(path_type=Path),
                 help="Municipality list (CSV: number, name, valid_from, valid_to, "
                      "successor) replacing the national list that ships."),
    click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
                 show_default=True,
                 help="Where the log is read and analysed: DuckDB here, or a local "
                      "Spark session (which also reads a LOG named by a URI: hdfs://, "
                      "s3a://, file://, ...)."),
    click.option("--quiet", "-q", is_flag=True, help="No progress display."),
    click.option("--verbose", "-v", is_flag=True, help="Print each stage's time."),
)


class LogPath(click.Path):
    """LOG: a local path (a :class:`~pathlib.Path`), or a URI (``hdfs://...``) kept as text.

    As a path, ``hdfs:///data/npr.csv`` would become ``hdfs:/data/npr.csv``;
    a URI goes to :func:`pathways.read` as written, and Spark reads it
    (``--engine spark``; DuckDB refuses it with one line saying so).
    """

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """A URI as written; anything else as :class:`click.Path` converts it."""
        if isinstance(value, str):
            located = pathways.commands.log_location(value)
            if isinstance(located, str):
                return located
        return super().convert(value, param, ctx)


def log_command(func: Callable[..., Any]) -> click.Command:
    """Make ``func`` a command whose first argument is LOG, the log (or saved log) to read."""
    func = click.argument("log_path", metavar="LOG", type=LogPath())(func)
    return click.command(context_settings=HELP)(func)


def log_options(func: F) -> F:
    """Add the options that say how to read a log."""
    for option in reversed(LOG_OPTIONS):
        func = option(func)
    return func


def rule_options(text: str) -> Callable[[F], F]:
    """Add ``--pathway`` (``text`` says what it is for) and ``--rules``: the pathways to apply."""
    def add(func: F) -> F:
        func = click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
                            metavar="FILE", help="A YAML rule file (repeatable).")(func)
        return click.option("--pathway", "pathway", multiple=True, metavar="NAME",
                            help=text)(func)
    return add


def cohort_option(text: str = "Only the cases of this cohort, e.g. kols.") -> Callable[[F], F]:
    """Add ``--cohort``, ``text`` its help."""
    return click.option("--cohort", metavar="NAME", help=text)


def lang_option(text: str) -> Callable[[F], F]:
    """Add ``--lang``: ``nb`` (the default) or ``en``, ``text`` saying what it sets."""
    return click.option("--lang", type=click.Choice(["nb", "en"]), default="nb",
                        show_default=True, help=text)
