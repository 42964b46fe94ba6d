"""Contract tests for the documentation: every command documented, every example run."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from click.testing import CliRunner

from pathways.cli import COMMANDS, main
from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
WRITES_FILES = {"discover", "breaks", "report", "timeline", "simulate", "compare"}



def available_commands() -> list[str]:
    return [name for name, (module, _) in COMMANDS.items() if find_spec(module)]


@pytest.mark.parametrize("name", available_commands())
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout, f"'pathways {name} --help' has no Example: block"


@pytest.mark.parametrize("name", available_commands())
def test_every_command_is_in_the_cli_reference(name):
    assert f"## pathways {name}\n" in (REPO / "docs" / "cli.md").read_text()


def test_cli_reference_is_generated_from_the_help():
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "docs/cli.md"],
                            cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, "docs/cli.md is stale: run 'cog -r docs/cli.md'\n" + \
        result.stdout + result.stderr


def shell_examples() -> list[tuple[str, list[str]]]:
    """The ``pathways ...`` lines of each bash block of the README and docs."""
    found = []
    for doc in DOCS:
        for block in re.findall(r"```bash\n(.*?)```", doc.read_text(), flags=re.S):
            lines = [ln.strip() for ln in block.splitlines()
                     if ln.strip().startswith("pathways ")]
            if lines:
                found.append((doc.name, lines))
    return found


@pytest.mark.parametrize(("doc", "lines"), shell_examples())
def test_shell_examples_run(doc, lines, tmp_path, monkeypatch):
    """Each block runs in order; a file one line writes is what a later line reads."""
    monkeypatch.chdir(REPO)
    written: dict[str, str] = {}
    for line in lines:
        args = shlex.split(line)[1:]
        if args[0] in WRITES_FILES:
            assert "-o" in args, f"{doc}: '{line}' must name its output with -o"
        args = [written.get(a, a) for a in args]
        for flag in ("-o", "--output"):
            if flag in args:
                i = args.index(flag) + 1
                written[args[i]] = str(tmp_path / Path(args[i]).name)
                args[i] = written[args[i]]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, f"{doc}: '{line}' failed:\n{result.output}"
