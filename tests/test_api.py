"""The public API and the layering around it (issue 14, items 1 and 7).

* ``pathways/__init__.py``: every lazy name is also imported under
  ``TYPE_CHECKING`` (so type checkers see its real type), ``__all__`` lists
  exactly them, and each resolves.
* ``import pathways`` loads neither pm4py, pandas nor DuckDB.
* No module below ``pathways/cli`` imports click.
* The CLI reaches the package only through ``import pathways`` and
  ``pathways.errors`` (and its own ``pathways.cli.*``): every CLI module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import pathways

PACKAGE = Path(pathways.__file__).resolve().parent

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


def test_every_cli_module_uses_only_the_public_api():
    internal = {path.name: sorted(m for m in _imports(path) if _internal(m))
                for path in sorted((PACKAGE / "cli").glob("*.py"))}
    assert {name: mods for name, mods in internal.items() if mods} == {}, \
        "CLI modules import package internals"
