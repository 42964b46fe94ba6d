"""``pathways pathways``: the built-in pathways and their rules."""

from __future__ import annotations

from pathlib import Path

import click

from pathways.cli.common import HELP, lang_option


@click.command(name="pathways", context_settings=HELP)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE]...")
@lang_option("Language of the titles.")
def pathways_list(files: tuple[Path, ...], lang: str) -> None:
    """List the built-in pathways (or the rule FILEs given) with their rules.

    For each pathway: its name, title and cohort; for each rule: its id,
    kind, window, title and source. Giving rule files checks them too: a
    wrong file gets a message with the file, line and key.

    Example:

        pathways pathways --lang en
    """
    import pathways

    names: list[str | Path] = list(files) or list(pathways.builtin_pathways())
    blocks = [pathways.format_pathway(pathways.load_pathway(name), lang) for name in names]
    click.echo("\n\n".join(blocks))

