"""The command line's commands as functions: the same options, files and lines.

``pathways.commands.breaks(...)`` does what ``pathways breaks`` does. Each takes
the command's options as keyword arguments of the same names
(``--until`` ↔ ``until=``; a log-reading command also takes the keywords of
:func:`pathways.read`, and ``quiet`` and ``verbose`` for the progress display),
checks options and outputs before it reads the log, writes the same files and
says the same lines: data to stdout, messages to stderr, through ``echo``
(:func:`plain_echo` by default; the command line passes ``click.echo``).
:func:`command_scope` turns an error a user can fix into one ``Error: ...``
line and an exit code, in one place. The command line (``pathways/cli/``)
only parses options and calls these.
"""

from __future__ import annotations

from pathways.commands.analysis import breaks, discover, measures
from pathways.commands.pages import compare, report, timeline
from pathways.commands.reading import read, validate
from pathways.commands.scope import command_scope
from pathways.commands.session import Echo, log_location, plain_echo
from pathways.commands.synthetic import simulate
from pathways.log import MAX_WINDOW_DAYS

__all__ = [
    "MAX_WINDOW_DAYS",
    "Echo",
    "breaks",
    "command_scope",
    "compare",
    "discover",
    "log_location",
    "measures",
    "plain_echo",
    "read",
    "report",
    "simulate",
    "timeline",
    "validate",
]
