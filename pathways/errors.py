"""The errors pathways raises for problems a user can fix.

Every message says what went wrong, where (file, row, column, rule) and what to
do. The command line turns these into one ``Error: ...`` line and a non-zero
exit code in one place (:func:`pathways.commands.command_scope`); anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations


class PathwaysError(Exception):
    """Base class of every error caused by input or options a user can change."""

    exit_code = 2


class LogFormatError(PathwaysError, ValueError):
    """A log file cannot be read: missing, empty, binary, malformed or unparseable."""


class ColumnNotFoundError(PathwaysError, KeyError):
    """A required column (case, activity, timestamp) is missing from a log."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class RuleFileError(PathwaysError, ValueError):
    """A pathway (rule) file, mapping file or vocabulary is invalid."""


class OptionError(PathwaysError, ValueError):
    """An option or argument has a value that is not allowed."""


class OutputError(PathwaysError, OSError):
    """An output file cannot be written (missing or read-only folder, bad extension)."""


class EngineError(PathwaysError, RuntimeError):
    """The analysis engine (DuckDB or Spark) is missing or failed on user data."""


class PopulationFileError(PathwaysError, ValueError):
    """A population file (``--population``) is missing or not in the shape of SSB 07459."""
