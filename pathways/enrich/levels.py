"""Care levels: the taxonomy of DESIGN §2 and how a log's words map onto it.

A level may be named by its id, its Norwegian or English label, or an alias,
case-insensitively. Logs without a level column get their levels from a
mapping file (activity or unit → level, or ``inherit`` to take the level of the
case's previous event) or, failing that, from the default levels of the
activity vocabulary.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from pathways.errors import LogFormatError, RuleFileError

#: The value in a mapping file that means "the level of the previous event".
INHERIT = "inherit"

#: Which side of the health service a level belongs to (DESIGN §2).
Tier = Literal["municipal", "specialist", "none"]


@dataclass(frozen=True)
class Level:
    """One care level: id, labels, tier and the words that name it."""

    id: str
    nb: str
    en: str
    tier: Tier
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def taxonomy() -> tuple[Level, ...]:
    """The built-in levels, in swimlane order."""
    text = resources.files("pathways.data").joinpath("levels.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return tuple(
        Level(
            id=item["id"],
            nb=item["nb"],
            en=item["en"],
            tier=item["tier"],
            aliases=tuple(str(a) for a in item.get("aliases", [])),
        )
        for item in data["levels"]
    )


def level_by_id() -> dict[str, Level]:
    """Levels keyed by id."""
    return {level.id: level for level in taxonomy()}


def _normalise(word: str) -> str:
    return " ".join(str(word).strip().lower().split())


@lru_cache(maxsize=1)
def alias_table() -> dict[str, str]:
    """Every word that names a level (lower-cased) → level id.

    Each level's id, its labels, the parts of labels written with ``/`` and its
    aliases. The bare word *rehabilitering* names ``specialist_rehab``, as
    DESIGN §2 says; a mapping file can say otherwise.
    """
    table: dict[str, str] = {}
    for level in taxonomy():
        words = [level.id, level.nb, level.en, *level.aliases]
        words += [part for label in (level.nb,) for part in label.split("/")]
        for word in words:
            key = _normalise(word)
            if key and key not in table:
                table[key] = level.id
    return table


def resolve_level(word: str) -> str | None:
    """The level id a word names, or None when it names none.

    Examples
    --------
    >>> resolve_level("Legevakt")
    'out_of_hours'
    >>> resolve_level(" KAD ")
    'municipal_acute_bed'
    >>> resolve_level("Kantine") is None
    True
    """
    return alias_table().get(_normalise(word))


def alias_frame() -> pd.DataFrame:
    """The alias table as a DataFrame (``alias``, ``care_level``, ``tier``)."""
    tiers = {level.id: level.tier for level in taxonomy()}
    rows = [(a, lid, tiers[lid]) for a, lid in alias_table().items()]
    return pd.DataFrame(rows, columns=["alias", "care_level", "tier"])


@dataclass(frozen=True)
class LevelMapping:
    """A user's mapping from activity or unit to level."""

    #: ``activity`` or ``resource``: which column the keys name.
    by: str
    #: Lower-cased activity/unit → level id or ``inherit``.
    levels: dict[str, str]
    #: The file it came from, for messages.
    source: str

    def frame(self) -> pd.DataFrame:
        """The mapping as a DataFrame (``key``, ``care_level``)."""
        return pd.DataFrame(
            sorted(self.levels.items()), columns=["key", "care_level"]
        ).astype(str)


def load_mapping(path: str | Path) -> LevelMapping:
    """Read a level-mapping file (YAML or CSV).

    YAML::

        by: activity          # or: resource
        levels:
          ER Registration: emergency_department
          Leucocytes: inherit

    CSV: two columns ``key`` (or ``activity`` / ``resource``) and ``level``.
    Levels may be named by id, label or alias; ``inherit`` takes the level of
    the case's previous event.

    Raises
    ------
    RuleFileError
        When the file is missing or malformed, or names an unknown level.
    """
    path = Path(path)
    if path.is_dir():
        raise RuleFileError(f"{path} is a folder, not a level mapping file. Name a YAML or "
                            "CSV file.")
    if not path.is_file():
        raise RuleFileError(f"Level mapping file {path} does not exist.")
    raw = _read_mapping_csv(path) if path.suffix.lower() == ".csv" else _read_mapping_yaml(path)
    by, entries = raw
    levels: dict[str, str] = {}
    for key, value in entries.items():
        target = str(value).strip()
        level = INHERIT if target.lower() == INHERIT else resolve_level(target)
        if level is None:
            known = ", ".join(lv.id for lv in taxonomy())
            raise RuleFileError(
                f"{path}: {key!r} maps to unknown level {target!r}. "
                f"Use a level id ({known}), a label, an alias or 'inherit'."
            )
        levels[_normalise(str(key))] = level
    return LevelMapping(by=by, levels=levels, source=str(path))


def _read_mapping_yaml(path: Path) -> tuple[str, dict[Any, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "syntax error"
        raise RuleFileError(
            f"{path}{where}: not valid YAML ({problem}). Check the indentation, "
            "colons and brackets there."
        ) from err
    except UnicodeDecodeError as err:
        raise RuleFileError(f"{path}: not UTF-8 text. Save it as UTF-8.") from err
    if not isinstance(data, dict) or not isinstance(data.get("levels"), dict):
        raise RuleFileError(
            f"{path}: expected a mapping with a 'levels:' section "
            "(activity or unit: level)."
        )
    unknown = set(data) - {"by", "levels"}
    if unknown:
        raise RuleFileError(
            f"{path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            "allowed: by, levels."
        )
    by = str(data.get("by", "activity"))
    if by not in ("activity", "resource"):
        raise RuleFileError(f"{path}: 'by' must be 'activity' or 'resource'; got {by!r}.")
    return by, data["levels"]


def _read_mapping_csv(path: Path) -> tuple[str, dict[Any, Any]]:
    """The two columns of a CSV mapping, read with the log reader's detection.

    Encoding (UTF-8 with or without BOM, Windows-1252, ...), separator, line
    ends and Excel's ``sep=`` line are detected as for a log; every problem is
    a :class:`RuleFileError` naming the file and the line.
    """
    from pathways.readers.sniff import sniff_csv, unify_newlines

    if path.stat().st_size == 0:
        raise RuleFileError(f"{path} is empty: a level mapping CSV needs a header "
                            "(activity;level) and one row per value.")
    try:
        dialect = sniff_csv(path)
        text = path.read_bytes().decode(dialect.encoding)
    except LogFormatError as err:
        raise RuleFileError(f"Level mapping file {err}") from None
    except UnicodeDecodeError as err:
        raise RuleFileError(f"{path}: byte {err.start} is not valid {dialect.encoding} "
                            "text. Save the file as UTF-8.") from None
    lines = io.StringIO(unify_newlines(text.lstrip("\ufeff")))
    for _ in range(dialect.skip):
        lines.readline()
    reader = csv.reader(lines, delimiter=dialect.separator, strict=True)
    rows: list[tuple[int, list[str]]] = []  # (line where the row starts, fields)
    start = 1
    try:
        for row in reader:  # a mapping file: a row per value to map, not per event
            if row:
                rows.append((start + dialect.skip, row))
            start = reader.line_num + 1
    except csv.Error as err:
        raise RuleFileError(f"{path}, line {start + dialect.skip}: cannot read the row "
                            f"({err}). Check the quotes (\") there.") from None
    header = [c.strip().lower() for c in rows[0][1]] if rows else []
    if len(header) != 2 or header[1] not in ("level", "care_level", "nivå"):
        raise RuleFileError(
            f"{path}, line {rows[0][0] if rows else 1}: expected two columns, the "
            f"activity (or resource) and 'level'; found {', '.join(header) or 'nothing'}."
        )
    for line, row in rows[1:]:
        if len(row) != 2:
            raise RuleFileError(f"{path}, line {line}: expected 2 fields (value and "
                                f"level), found {len(row)} (separator "
                                f"{dialect.separator!r}). Fix that row.")
    by = "resource" if header[0] in ("resource", "unit", "enhet") else "activity"
    return by, {row[0]: row[1] for _, row in rows[1:]}
