"""The command line: a thin click layer over the Python API.

Each command lives in its own module (``pathways/cli/<command>.py``) and calls
one function of :mod:`pathways.commands`; modules are imported only when their
command runs, so ``pathways --help`` stays fast. Every command runs in
:func:`pathways.commands.command_scope`: errors a user can fix
(:class:`pathways.errors.PathwaysError`) are printed, once, as one
``Error: ...`` line with a non-zero exit code, any national id in it masked;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

import click

import pathways

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _where(name: str) -> tuple[str, str]:
    """A command's module and function: ``pathways.cli.<name>``'s ``<name>`` (but ``pathways``)."""
    module = "pathways_list" if name == "pathways" else name
    return f"pathways.cli.{module}", module


#: Command name → (module, attribute), in the order ``pathways --help`` lists them.
COMMANDS = {name: _where(name) for name in (
    "read", "validate", "discover", "breaks", "pathways", "measures", "timeline", "compare",
    "report", "simulate")}


class _Group(click.Group):
    """Loads commands lazily and runs each in :func:`pathways.commands.command_scope`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMANDS.items() if find_spec(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not find_spec(COMMANDS[cmd_name][0]):
            return None
        module, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        with pathways.commands.command_scope(click.echo):
            return super().invoke(ctx)


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
