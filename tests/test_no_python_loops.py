"""No Python loop over events, cases or triggers in ``pathways/analyse``.

Work on events belongs in the engine (SQL); pandas is for small results. This
test parses every module of ``pathways/analyse`` with :mod:`ast` and fails on
the constructs that run Python code once per row of a table:

* ``.iterrows()``, ``.itertuples()``, ``.applymap()`` anywhere;
* ``.apply(...)`` anywhere (with ``axis=1`` it calls Python per row; on a
  Series, per value);
* ``.map(f)`` where ``f`` is a lambda, a bound method (``"{:.1f}".format``) or
  a function defined or imported in the module: a Python call per value.
  ``.map(mapping)`` with a dict or Series is a vectorised lookup and passes;
* ``for`` loops and comprehensions whose iterable is a table column
  (``frame["col"]``), a ``zip`` of columns, or a conversion of one to Python
  (``.tolist()``, ``.to_numpy()``, ``.values``, ``.to_dict(...)``, ``.unique()``).

What it cannot tell statically is how many rows a table has. Loops over small
results (the edges of a DFG, the rules of a pathway, the vocabulary) are
allowed by name in :data:`ALLOWED`, each with the reason it is small; a new
entry needs the same kind of reason. Loops over Python lists built from
configuration (rules, columns, formats) are not flagged at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ANALYSE = Path(__file__).resolve().parent.parent / "pathways" / "analyse"

ROW_METHODS = {"iterrows", "itertuples", "applymap", "apply"}
TO_PYTHON = {"tolist", "to_numpy", "values", "to_dict", "unique", "items"}

#: (module, function) → why the table it loops over is small.
ALLOWED: dict[tuple[str, str], str] = {
    ("discovery", "discover"): "DFG edges and start/end activities: at most "
                               "activities² rows, handed to pm4py's DFG object",
    ("breaks", "_expected_level"): "the activity vocabulary (tens of rows)",
}


def _functions(tree: ast.Module) -> dict[ast.AST, str]:
    """Map every node to the name of the top-level function or class it is in."""
    owner: dict[ast.AST, str] = {}
    for top in tree.body:
        name = getattr(top, "name", "<module>")
        for node in ast.walk(top):
            owner[node] = name
    return owner


def _callables(tree: ast.Module) -> set[str]:
    """Names defined as functions or imported in the module."""
    names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom | ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
    return names


def _is_column(node: ast.AST) -> bool:
    return (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str))


def _row_iterable(node: ast.AST) -> bool:
    """A table column, a zip of columns, or a column turned into Python values."""
    if _is_column(node):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in ("zip", "enumerate"):
        return any(_row_iterable(a) for a in node.args)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in TO_PYTHON:
        return _is_column(node.func.value) or _row_iterable(node.func.value)
    if isinstance(node, ast.Attribute) and node.attr == "values":
        return _is_column(node.value)
    return False


def violations(path: Path) -> list[str]:
    """Row-by-row Python in one module, as ``module:line function: what``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owner, callables, found = _functions(tree), _callables(tree), []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ROW_METHODS:
                what = f".{node.func.attr}()"
            elif node.func.attr == "map" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Lambda | ast.Attribute) or (
                        isinstance(arg, ast.Name) and arg.id in callables):
                    what = f".map({ast.unparse(arg)})"
        elif isinstance(node, ast.For | ast.comprehension) and _row_iterable(node.iter):
            what = f"loop over {ast.unparse(node.iter)}"
        if what and (path.stem, owner.get(node, "<module>")) not in ALLOWED:
            line = node.iter.lineno if isinstance(node, ast.comprehension) else node.lineno
            found.append(f"{path.stem}:{line} {owner.get(node)}: {what}")
    return found


@pytest.mark.parametrize("path", sorted(ANALYSE.rglob("*.py")),
                         ids=lambda p: p.relative_to(ANALYSE).as_posix())
def test_no_row_by_row_python(path: Path) -> None:
    assert violations(path) == []


def test_the_check_catches_what_it_claims(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(frame, events):\n"
        "    for _, row in frame.iterrows():\n        pass\n"
        "    frame.apply(lambda r: r, axis=1)\n"
        "    frame['a'].map(lambda v: v + 1)\n"
        "    frame['b'].map('{:.1f}'.format)\n"
        "    [x for x in frame['c']]\n"
        "    for a, b in zip(frame['a'], frame['b']):\n        pass\n"
        "    frame['a'].map({'x': 1})\n"
        "    for rule in ['a', 'b']:\n        pass\n",
        encoding="utf-8",
    )
    assert len(violations(bad)) == 6
