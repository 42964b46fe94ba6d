"""Quoting for SQL: the one place a value or a name is spliced into a statement.

Prefer parameters (``engine.execute(sql, [value])``) where the engine takes
them; where a value must be part of the text (a path in ``COPY``, a setting,
a literal inside a query that Spark runs after translation), quote it here.
"""

from __future__ import annotations


def quote_identifier(name: str) -> str:
    """Quote an identifier for SQL (double quotes, doubled inside)."""
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: str) -> str:
    """Escape text for a single-quoted SQL literal (quotes doubled)."""
    return value.replace("'", "''")


def sql_literal(value: str) -> str:
    """Text as a whole single-quoted SQL literal."""
    return "'" + sql_text(value) + "'"
