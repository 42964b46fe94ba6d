"""The command line: a thin click layer over the Python API.

Each command lives in its own module and calls one API function. Errors a user
can fix (:class:`pathways.errors.PathwaysError`) are printed here, once, as one
``Error: ...`` line with a non-zero exit code; anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import sys

import click

from pathways.cli.discover import discover
from pathways.errors import PathwaysError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """A group that turns PathwaysError into a message and an exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PathwaysError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(package_name="pathways", prog_name="pathways")
def main() -> None:
    """Patient pathways from event logs, and the breaks (brudd) in them.

    Read an export of patient journeys (CSV, XES or Parquet), see how patients
    move between care levels, and find the breaks in time, information and
    resources that a health community should review.

    Example:

        pathways discover eventlogs/sample.csv -o map.svg
    """


main.add_command(discover)
