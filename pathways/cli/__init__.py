"""The command line: a thin click layer over the Python API.

Each command lives in its own module (``pathways/cli/<command>.py``) and calls
one API function; modules are imported only when their command runs, so
``pathways --help`` stays fast. Errors a user can fix
(:class:`pathways.errors.PathwaysError`) are printed here, once, as one
``Error: ...`` line with a non-zero exit code, any national id in it masked;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec

import click

from pathways.errors import PathwaysError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Command name → (module, attribute).
COMMANDS = {
    "read": ("pathways.cli.read", "read"),
    "validate": ("pathways.cli.validate", "validate"),
    "discover": ("pathways.cli.discover", "discover"),
    "breaks": ("pathways.cli.breaks", "breaks"),
    "pathways": ("pathways.cli.pathways_list", "pathways_list"),
    "measures": ("pathways.cli.measures", "measures"),
    "timeline": ("pathways.cli.timeline", "timeline"),
    "compare": ("pathways.cli.compare", "compare"),
    "report": ("pathways.cli.report", "report"),
    "simulate": ("pathways.cli.simulate", "simulate"),
}


class _Group(click.Group):
    """Loads commands lazily and turns PathwaysError into a message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMANDS.items() if find_spec(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not find_spec(COMMANDS[cmd_name][0]):
            return None
        module, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        from pathways.present.output import input_scope

        stopped: list[str] = []
        try:
            with input_scope(), _signals_stop(stopped):
                return super().invoke(ctx)
        except (KeyboardInterrupt, Exception) as err:
            if isinstance(err, PathwaysError) and not stopped:
                # The last guard: a message that quotes a value or a header from
                # the log must not carry a national id to the screen.
                from pathways.enrich.pseudonym import mask_national_ids

                click.echo(f"Error: {mask_national_ids(str(err))}", err=True)
                sys.exit(err.exit_code)
            if not (stopped or isinstance(err, KeyboardInterrupt)):
                raise
            # Ctrl-C or SIGTERM (DuckDB turns it into "Query interrupted"): the
            # writers' cleanup has run on the way here (temporary files gone,
            # the previous output as it was); the spill folder goes at exit.
            name = stopped[0] if stopped else "SIGINT"
            click.echo(f"Error: stopped by {name}; no output was written or changed.",
                       err=True)
            sys.exit(128 + (signal.SIGTERM if name == "SIGTERM" else signal.SIGINT))


@contextmanager
def _signals_stop(stopped: list[str]) -> Iterator[None]:
    """Make SIGTERM stop a command as Ctrl-C does, so that cleanup runs.

    By default SIGTERM ends Python at once: no ``finally`` block runs, and a
    temporary output file and the engine's spill folder are left behind.
    Here SIGTERM and SIGINT raise :class:`KeyboardInterrupt` and their name is
    added to ``stopped`` (DuckDB, interrupted in a query, raises its own error
    instead; ``stopped`` then says why).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        stopped.append(signal.Signals(signum).name)
        raise KeyboardInterrupt

    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    for signum, handler in previous.items():
        if handler in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(package_name="pathways", prog_name="pathways")
def main() -> None:
    """Patient pathways from event logs, and the breaks (brudd) in them.

    Read an export of patient journeys (CSV, XES or Parquet), or several
    register extracts through a sources file (.yaml, see docs/sources.md), see
    how patients move between care levels, and find the breaks in time,
    information and resources that a health community should review.

    Example:

        pathways report eventlogs/sample.csv -o rapport.html
    """
