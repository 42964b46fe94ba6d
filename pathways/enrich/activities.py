"""The activity vocabulary: canonical activity names, their roles and aliases.

Hospitals and municipalities write the same activity in many ways (*Utskrivning*,
*Utskrevet*, *Utskriving*, *Discharge*). The vocabulary maps each of these onto one
canonical Norwegian name (the *activity key*) and gives it a semantic role
(``discharge``) that analyses rely on, an English label and a default care level
for logs without a level column. The built-in vocabulary is
``pathways/data/activities.yaml``; a user's file has the same layout.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pathways.errors import RuleFileError

__all__ = ["LEVEL_VOCABULARY_COLUMNS", "VOCABULARY_COLUMNS", "load_level_vocabulary",
           "load_vocabulary", "resolve_activity"]

VOCABULARY_COLUMNS = ("alias", "activity_key", "role", "level", "en")
"""The columns of the table returned by :func:`load_vocabulary`."""

LEVEL_VOCABULARY_COLUMNS = ("alias", "care_level", "activity_key", "role")
"""The columns of the table returned by :func:`load_level_vocabulary`."""

_BUILTIN = "activities.yaml"


def _normalise(name: str) -> str:
    """Return the lookup form of a name: whitespace trimmed and lower-cased."""
    return " ".join(str(name).split()).casefold()


def _read_yaml(path: Path | None) -> tuple[str, Any]:
    """Read the vocabulary file (built-in when ``path`` is None) and parse it."""
    if path is None:
        source = resources.files("pathways.data").joinpath(_BUILTIN)
        label = f"pathways/data/{_BUILTIN}"
    else:
        source = path
        label = str(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as err:
        raise RuleFileError(
            f"Cannot read the activity vocabulary {label}: {err.strerror or err}. "
            "Check the path."
        ) from err
    try:
        return label, yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise RuleFileError(
            f"The activity vocabulary {label} is not valid YAML: {err}"
        ) from err


def _entry_rows(label: str, number: int, entry: Any) -> list[dict[str, str | None]]:
    """Turn one ``activities:`` entry into table rows, one per alias."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise RuleFileError(
            f"Entry {number} of the activity vocabulary {label} has no 'name'. "
            "Every entry needs 'name: <canonical activity>'."
        )
    name = " ".join(entry["name"].split())
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list):
        raise RuleFileError(
            f"Entry '{name}' of the activity vocabulary {label}: 'aliases' must be "
            f"a list, got {type(aliases).__name__}."
        )
    shared = {
        "activity_key": name,
        "role": entry.get("role"),
        "level": entry.get("level"),
        "en": entry.get("en"),
    }
    return [{"alias": _normalise(a), **shared} for a in [name, *aliases]]


def load_vocabulary(path: str | Path | None = None) -> pd.DataFrame:
    """Load an activity vocabulary into a lookup table (the built-in one is cached).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file with an ``activities:`` list (see
        ``pathways/data/activities.yaml``). The built-in vocabulary when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per alias, the canonical name included, with columns ``alias``
        (lower-cased, whitespace trimmed), ``activity_key`` (canonical name),
        ``role``, ``level`` (default care level id) and ``en`` (English label);
        missing optional values are None.

    Raises
    ------
    RuleFileError
        If the file cannot be read or parsed, an entry has no name, or an alias
        belongs to two activities.

    Examples
    --------
    >>> vocabulary = load_vocabulary()
    >>> row = vocabulary.set_index("alias").loc["utskrevet"]
    >>> row["activity_key"], row["role"]
    ('Utskrivning', 'discharge')
    """
    if path is None:
        return _builtin_vocabulary().copy()
    return _vocabulary_table(*_read_yaml(Path(path)))


@lru_cache(maxsize=1)
def _builtin_vocabulary() -> pd.DataFrame:
    """The built-in vocabulary, parsed once per process."""
    return _vocabulary_table(*_read_yaml(None))


def _vocabulary_table(label: str, data: Any) -> pd.DataFrame:
    """Check a parsed vocabulary file and build its lookup table."""
    entries = data.get("activities") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RuleFileError(
            f"The activity vocabulary {label} has no 'activities:' list. "
            "Start the file with 'activities:' followed by one entry per activity."
        )
    rows: list[dict[str, str | None]] = []
    owner: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        for row in _entry_rows(label, number, entry):
            alias, key = str(row["alias"]), str(row["activity_key"])
            if alias in owner:
                if owner[alias] == key:
                    continue  # an alias repeating its own canonical name
                raise RuleFileError(
                    f"The activity vocabulary {label}: alias '{alias}' of entry "
                    f"'{key}' already belongs to '{owner[alias]}'. "
                    "Give each alias to one activity only."
                )
            owner[alias] = key
            rows.append(row)
    return pd.DataFrame(rows, columns=list(VOCABULARY_COLUMNS)).astype(object)


def load_level_vocabulary() -> pd.DataFrame:
    """The built-in activities that depend on their level (``at_level`` entries).

    A kind of contact such as KPR's *Konsultasjon* or *Sykebesøk* says how the
    patient was seen, not by whom: at the GP it is a GP consultation, at the
    out-of-hours service an out-of-hours contact. Readers look an event up
    here by its name and level before the plain vocabulary, so such an event
    gets that level's activity key and role while keeping its name.

    Returns
    -------
    pandas.DataFrame
        One row per (alias, level), with columns ``alias`` (lower-cased,
        whitespace trimmed), ``care_level`` (a level id), ``activity_key`` and
        ``role`` (those of the activity the entry names for that level).

    Raises
    ------
    RuleFileError
        If an ``at_level`` names an unknown level or an activity that is not in
        the vocabulary.

    Examples
    --------
    >>> table = load_level_vocabulary().set_index(["alias", "care_level"])
    >>> table.loc[("sykebesøk", "gp"), "role"]
    'gp_visit'
    """
    return _builtin_level_vocabulary().copy()


@lru_cache(maxsize=1)
def _builtin_level_vocabulary() -> pd.DataFrame:
    from pathways.enrich.levels import resolve_level

    label, data = _read_yaml(None)
    plain = _builtin_vocabulary().drop_duplicates("activity_key").set_index("activity_key")
    rows: list[dict[str, str | None]] = []
    for entry in data["activities"]:
        at_level = entry.get("at_level") or {}
        for word, target in at_level.items():
            level = resolve_level(str(word))
            if level is None or target not in plain.index:
                raise RuleFileError(
                    f"The activity vocabulary {label}: 'at_level' of entry "
                    f"'{entry['name']}' names an unknown level {word!r} or activity "
                    f"{target!r}. Use a level id and an activity of the vocabulary.")
            rows.extend({"alias": row["alias"], "care_level": level,
                         "activity_key": target, "role": plain.loc[target, "role"]}
                        for row in _entry_rows(label, 0, entry))
    return pd.DataFrame(rows, columns=list(LEVEL_VOCABULARY_COLUMNS)).astype(object)


def resolve_activity(name: str, vocabulary: pd.DataFrame) -> str:
    """Return the canonical activity for a name, or the trimmed name if unknown.

    Parameters
    ----------
    name : str
        An activity as written in a log, mapping or rule.
    vocabulary : pandas.DataFrame
        A table from :func:`load_vocabulary`.

    Returns
    -------
    str
        The canonical activity name (``activity_key``) when the name or one of
        its aliases is known, matched case-insensitively with whitespace
        trimmed; otherwise the name with surrounding whitespace removed.

    Examples
    --------
    >>> vocabulary = load_vocabulary()
    >>> resolve_activity("  EPIKRISE ", vocabulary)
    'Epikrise sendt'
    >>> resolve_activity(" Blodprøve ", vocabulary)
    'Blodprøve'
    """
    match = vocabulary.loc[vocabulary["alias"] == _normalise(name), "activity_key"]
    return str(match.iloc[0]) if len(match) else name.strip()
