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

        try:
            with input_scope(), _signals_stop() as stopped:
                return super().invoke(ctx)
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM: the writers' cleanup has run on the way here
            # (temporary files gone, the previous output as it was); the
            # engine's spill folder goes at exit.
            name = stopped[0] if stopped else "SIGINT"
            click.echo(f"Error: stopped by {name}; no output was written or changed.",
                       err=True)
            sys.exit(128 + (signal.SIGTERM if name == "SIGTERM" else signal.SIGINT))
        except PathwaysError as err:
            # The last guard: a message that quotes a value or a header from the
            # log must not carry a national id to the screen.
            from pathways.enrich.pseudonym import mask_national_ids

            click.echo(f"Error: {mask_national_ids(str(err))}", err=True)
            sys.exit(err.exit_code)


@contextmanager
def _signals_stop() -> Iterator[list[str]]:
    """Make SIGTERM stop a command as Ctrl-C does, so cleanup runs (yields its name).

    By default SIGTERM ends Python at once: no ``finally`` block runs, and a
    temporary output file and the engine's spill folder are left behind.
    Here it raises :class:`KeyboardInterrupt` instead; the list yielded gets
    ``"SIGTERM"`` when that happened.
    """
    stopped: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield stopped
        return

    def stop(signum: int, frame: object) -> None:
        stopped.append(signal.Signals(signum).name)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(package_name="pathways", prog_name="pathways")
def main() -> None:
    """Patient pathways from event logs, and the breaks (brudd) in them.

    Read an export of patient journeys (CSV, XES or Parquet), see how patients
    move between care levels, and find the breaks in time, information and
    resources that a health community should review.

    Example:

        pathways report eventlogs/sample.csv -o rapport.html
    """
