"""One command's run: its inputs protected, SIGTERM as Ctrl-C, errors as one line.

Errors a user can fix (:class:`pathways.errors.PathwaysError`) become, here
and only here, one ``Error: ...`` line with any national id in it masked, and
the error's exit code; a stop by Ctrl-C or SIGTERM becomes one line and the
signal's exit code. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pathways.commands.session import Echo, plain_echo
from pathways.errors import PathwaysError


@contextmanager
def command_scope(echo: Echo = plain_echo) -> Iterator[None]:
    """Run one command; a :class:`PathwaysError` or a stop ends the process with a message.

    Files the command protects (:func:`pathways.present.output.protect_inputs`)
    are forgotten when it ends.

    Raises
    ------
    SystemExit
        With the error's exit code after an ``Error: ...`` line on stderr, or
        with 128 + the signal's number after Ctrl-C or SIGTERM.
    """
    from pathways.present.output import input_scope

    stopped: list[str] = []
    try:
        with input_scope(), _signals_stop(stopped):
            yield
    except (KeyboardInterrupt, Exception) as err:
        if isinstance(err, PathwaysError) and not stopped:
            # The last guard: a message that quotes a value or a header from
            # the log must not carry a national id to the screen.
            from pathways.enrich.pseudonym import mask_national_ids

            echo(f"Error: {mask_national_ids(str(err))}", err=True)
            sys.exit(err.exit_code)
        if not (stopped or isinstance(err, KeyboardInterrupt)):
            raise
        # Ctrl-C or SIGTERM (DuckDB turns it into "Query interrupted"): the
        # writers' cleanup has run on the way here (temporary files gone,
        # the previous output as it was); the spill folder goes at exit.
        name = stopped[0] if stopped else "SIGINT"
        echo(f"Error: stopped by {name}; no output was written or changed.", err=True)
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
