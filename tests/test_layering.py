"""Analysis knows no language (issue 14 item 2).

Modules under ``pathways/analyse``, ``pathways/enrich`` and ``pathways/readers``
give facts: none takes a ``lang`` parameter or imports ``pathways.present``,
where the words are (the catalogue, ``pathways/locale``, and the functions
composing them, such as :mod:`pathways.present.break_words`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pathways"
LAYERS = ("analyse", "enrich", "readers")
MODULES = sorted(p for layer in LAYERS for p in (PACKAGE / layer).rglob("*.py"))
#: Modules that still import ``pathways.present`` for something other than words,
#: and why; one that no longer needs listing fails.
PRESENT_IMPORT_NOT_YET = {
    "pathways/readers/store.py": "present.output's atomic write and extension check",
}


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_lang_parameter_and_no_present_import(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
            found += [f"parameter {n!r} (line {node.lineno})" for n in names if n == "lang"]
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names
                      if a.name.startswith("pathways.present")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (
                (node.module or "").startswith("pathways.present")
                or (node.module == "pathways" and any(a.name == "present" for a in node.names))):
            found.append(f"from {node.module} import ...")
    if _name(path) in PRESENT_IMPORT_NOT_YET:
        assert found and all(f.startswith(("import", "from")) for f in found), _name(path)
    else:
        assert found == [], _name(path)


def test_the_layers_are_found():
    assert len(MODULES) > 20
    assert {p.parent.name for p in MODULES} >= set(LAYERS)


def test_engines_are_used_through_their_methods():
    """Only the engine modules touch a DuckDB connection (issue 14 item 6).

    Everything else goes through the engine's methods (``execute``, ``query``,
    ``attached`` for an Arrow table or batches, ``tables``), so an engine can
    be swapped without finding the places that reached past it.
    """
    reaching = [f"{path.relative_to(PACKAGE)}:{number}"
                for path in sorted(PACKAGE.rglob("*.py"))
                if path.name not in ("engine.py", "spark.py")
                for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if ".connection." in line or ".connection)" in line]
    assert reaching == []
