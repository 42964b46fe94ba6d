"""The public API and the layering around it (issue 14, items 1 and 7).

* ``pathways/__init__.py``: every lazy name is also imported under
  ``TYPE_CHECKING`` (so type checkers see its real type), ``__all__`` lists
  exactly them, and each resolves.
* ``import pathways`` loads neither pm4py, pandas nor DuckDB.
* No module below ``pathways/cli`` imports click.
* The CLI reaches the package only through ``import pathways`` and
  ``pathways.errors`` (and its own ``pathways.cli.*``). Modules not yet
  converted are listed in :data:`NOT_YET_THIN`; a converted one that regresses,
  or a listed one that no longer needs listing, fails.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import pathways

PACKAGE = Path(pathways.__file__).resolve().parent

#: CLI modules that still import package internals (issue 14 item 1, to do).
NOT_YET_THIN = {
    "__init__.py",  # error handler: present.output.input_scope, enrich.pseudonym
    "common.py",  # progress display, output guards, national-id masking
    "breaks.py",  # analyse.breaks.parse_until, present.breaks, present.messages
    "discover.py",  # enrich.cohorts, present.model, progress
    "measures.py",  # log.MAX_WINDOW_DAYS, analyse.measures, time_to_event, cohorts
    "report.py",  # analyse.runchart.Intervention, present.output
    "timeline.py",  # present.output, present.timeline
}

ALLOWED = ("pathways", "pathways.errors")


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports (top level and inside functions)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _internal(module: str) -> bool:
    return (module.startswith("pathways") and module not in ALLOWED
            and not module.startswith("pathways.cli"))


def _type_checking_names() -> set[str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    return {alias.asname or alias.name for node in block.body
            if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_every_public_name_is_visible_to_type_checkers():
    lazy = set(pathways._API) | set(pathways._MODULES)
    assert _type_checking_names() == lazy
    assert set(pathways.__all__) == lazy | {"__version__"}
    assert pathways.__all__ == sorted(pathways.__all__)


@pytest.mark.parametrize("name", sorted(set(pathways._API) | set(pathways._MODULES)))
def test_every_public_name_resolves(name):
    assert getattr(pathways, name) is not None


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        pathways.nothing  # noqa: B018


def test_import_pathways_loads_no_heavy_library():
    code = ("import sys, pathways; print(sorted(m for m in ('pm4py', 'pandas', 'duckdb',"
            " 'pyarrow', 'click') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"


def test_no_module_below_the_cli_imports_click():
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if "cli" not in path.relative_to(PACKAGE).parts[:1]
                 and any(m == "click" or m.startswith("click.") for m in _imports(path))]
    assert offenders == []


def test_converted_cli_modules_use_only_the_public_api():
    internal = {path.name: sorted(m for m in _imports(path) if _internal(m))
                for path in sorted((PACKAGE / "cli").glob("*.py"))}
    regressed = {name: mods for name, mods in internal.items()
                 if mods and name not in NOT_YET_THIN}
    assert regressed == {}, "converted CLI modules import package internals"
    done = sorted(name for name in NOT_YET_THIN if not internal.get(name))
    assert done == [], "thin now: take these off NOT_YET_THIN"
