"""No Python loop over events, cases or triggers where the per-event work is.

Work on events belongs in the engine (SQL); pandas is for small results. This
test parses every module of ``pathways/analyse``, ``pathways/readers`` and
``pathways/enrich`` with :mod:`ast` and fails on the constructs that run Python
code once per row of a table:

* ``.iterrows()``, ``.itertuples()``, ``.applymap()`` anywhere;
* ``.apply(...)`` anywhere (with ``axis=1`` it calls Python per row; on a
  Series, per value);
* ``.map(f)``, ``.agg(f)``, ``.aggregate(f)`` and ``.transform(f)`` where ``f``
  is a lambda, a bound method (``"{:.1f}".format``) or a function defined or
  imported in the module: a Python call per value or group. ``.map(mapping)``
  with a dict or Series, and ``.agg("sum")``, are vectorised and pass;
* ``for`` loops and comprehensions over a ``groupby(...)``, a table column
  (``frame["col"]``), a name assigned from a column in the same function, a
  ``zip`` of columns, or a conversion of one to Python (``.tolist()``,
  ``.to_numpy()``, ``.values``, ``.to_dict(...)``, ``.unique()``).

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

PACKAGE = Path(__file__).resolve().parent.parent / "pathways"
CHECKED = ("analyse", "readers", "enrich")

ROW_METHODS = {"iterrows", "itertuples", "applymap", "apply"}
CALL_METHODS = {"map", "agg", "aggregate", "transform"}
TO_PYTHON = {"tolist", "to_numpy", "values", "to_dict", "unique", "items"}

#: (module, function) → why the table it loops over is small.
ALLOWED: dict[tuple[str, str], str] = {
    ("discovery", "discover"): "DFG edges and start/end activities: at most "
                               "activities² rows, handed to pm4py's DFG object",
    ("breaks", "_expected_level"): "the activity vocabulary (tens of rows)",
    ("breaks", "BreakResult"): "the per-rule summary: one row per rule",
    ("cohorts", "code_lists"): "the cohorts' code-list file (seven cohorts), not a table",
    ("levels", "taxonomy"): "the care-level taxonomy file (a dozen levels), not a table",
    ("parquet", "load_parquet"): "the file's schema: one row per column",
    ("compare", "_funnels"): "one funnel per indicator: the rules and indicators "
                             "compared (tens), each a table of groups",
    ("compare", "flow_changes"): "one row per pair of care levels (at most levels², a few "
                                 "hundred)",
    ("compare", "_two_groups"): "one pair of groups per indicator (tens of rows)",
    ("time_to_event", "_fit_groups"): "one lifelines fit per group of index events "
                                      "(municipalities, cohorts or periods: tens)",
    ("source_events", "_Context"): "a sources file's code tables (a few codes each) and "
                                   "at most 11 unknown codes listed in one error",
    ("activities", "_builtin_level_vocabulary"): "the entries of the activity vocabulary "
                                                 "file (tens), not a table of events",
    ("sources", "load_sources"): "the extracts listed in a sources file (a handful)",
    ("sources", "presets"): "the four built-in presets of pathways/data/sources.yaml",
    ("canonical", "pseudonym_table"): "distinct values with an isolated 11-digit number "
                                      "inside other text (free-text notes); values that "
                                      "are an id are replaced in SQL",
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


def _column_names(tree: ast.Module) -> set[str]:
    """Names assigned a table column (or one turned into Python) anywhere in the module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _row_iterable(node.value, set()):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _row_iterable(node: ast.AST, columns: set[str]) -> bool:
    """A table column, a name holding one, a zip of columns, a groupby, or a column
    turned into Python values."""
    if _is_column(node) or (isinstance(node, ast.Name) and node.id in columns):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in ("zip", "enumerate"):
        return any(_row_iterable(a, columns) for a in node.args)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "groupby":
            return True
        if node.func.attr in TO_PYTHON:
            return _row_iterable(node.func.value, columns)
    if isinstance(node, ast.Attribute) and node.attr == "values":
        return _row_iterable(node.value, columns)
    return False


def violations(path: Path) -> list[str]:
    """Row-by-row Python in one module, as ``module:line function: what``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owner, callables, found = _functions(tree), _callables(tree), []
    columns = _column_names(tree)
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ROW_METHODS:
                what = f".{node.func.attr}()"
            elif node.func.attr in CALL_METHODS and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Lambda | ast.Attribute) or (
                        isinstance(arg, ast.Name) and arg.id in callables):
                    what = f".{node.func.attr}({ast.unparse(arg)})"
        elif isinstance(node, ast.For | ast.comprehension) and _row_iterable(node.iter,
                                                                            columns):
            what = f"loop over {ast.unparse(node.iter)}"
        if what and (path.stem, owner.get(node, "<module>")) not in ALLOWED:
            line = node.iter.lineno if isinstance(node, ast.comprehension) else node.lineno
            found.append(f"{path.stem}:{line} {owner.get(node)}: {what}")
    return found


@pytest.mark.parametrize("path", sorted(p for d in CHECKED for p in (PACKAGE / d).rglob("*.py")),
                         ids=lambda p: p.relative_to(PACKAGE).as_posix())
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
        "    for rule in ['a', 'b']:\n        pass\n"
        "    col = events.query('SELECT v')['v']\n"
        "    [g(v) for v in col]\n"
        "    for key, group in frame.groupby('case_id'):\n        pass\n"
        "    frame.groupby('a').agg(lambda s: s.max())\n"
        "    frame.groupby('a')['b'].transform(lambda s: s - s.min())\n"
        "    frame.groupby('a').agg('sum')\n",
        encoding="utf-8",
    )
    assert len(violations(bad)) == 10
