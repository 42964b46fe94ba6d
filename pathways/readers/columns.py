"""Find the canonical columns in a log by their common names (DESIGN §3)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pathways.errors import ColumnNotFoundError

#: Canonical column → names it is found by (compared after normalising: lower
#: case, spaces, hyphens and underscores removed). First match wins.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "case_id": (
        "case_id", "case:concept:name", "patient_id", "Pasient-ID", "case id",
        "caseid", "case", "pasientid", "pasientnummer", "forløp-id", "forløpsid",
        "episode_id",
    ),
    "activity": (
        "activity", "concept:name", "Hendelse", "Aktivitet", "activity name",
        "event", "hendelsestype", "handling",
    ),
    "timestamp": (
        "timestamp", "time:timestamp", "start_timestamp", "Start Timestamp",
        "Tidspunkt", "Starttidspunkt", "Starttid", "Dato", "Dato/tid",
        "Complete Timestamp", "datetime", "time", "tid",
    ),
    "end_timestamp": (
        "end_timestamp", "End Timestamp", "Sluttidspunkt", "Sluttid",
        "Slutt", "complete_timestamp",
    ),
    "care_level": (
        "care_level", "Tjenestenivå", "nivå", "level", "care level",
        "Omsorgsnivå", "Behandlingsnivå",
    ),
    "resource": (
        "resource", "org:resource", "org:group", "Enhet", "Avdeling", "unit",
        "Seksjon", "Post",
    ),
    "organisation": ("organisation", "organization", "Organisasjon", "org"),
    "municipality": (
        "municipality", "Bostedskommune", "Kommune", "Hjemkommune",
        "residence", "municipality of residence",
    ),
    "hospital": ("hospital", "Helseforetak", "HF", "Sykehus", "hospital trust"),
    "cohort": ("cohort", "Kohort", "Pasientgruppe", "Forløpsgruppe"),
    "diagnosis": (
        "diagnosis", "Diagnose", "ICD10", "ICD-10", "Hovedtilstand",
        "Hoveddiagnose", "diagnosis_code",
    ),
    "age": ("age", "Alder", "case:age"),
}

#: The command-line flag that names each column.
FLAGS = {
    "case_id": "--case",
    "activity": "--activity",
    "timestamp": "--timestamp",
    "care_level": "--level",
    "resource": "--resource",
    "organisation": "--organisation",
}

REQUIRED = ("case_id", "activity", "timestamp")


def normalise(name: str) -> str:
    """Lower case, without spaces, hyphens and underscores."""
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


def find_columns(
    available: Sequence[str],
    given: Mapping[str, str | None],
    *,
    source: str,
) -> dict[str, str]:
    """Map canonical names onto the log's columns.

    Parameters
    ----------
    available : sequence of str
        The log's column names.
    given : mapping
        Canonical name → column the user named (``--case`` and friends).
    source : str
        The file, for messages.

    Returns
    -------
    dict
        Canonical name → source column, for every column found.

    Raises
    ------
    ColumnNotFoundError
        When a named column does not exist, or a required one is not found.
    """
    found: dict[str, str] = {}
    by_norm = {}
    for col in available:
        by_norm.setdefault(normalise(col), col)
    for canonical, column in given.items():
        if not column:
            continue
        if column in available:
            found[canonical] = column
        elif normalise(column) in by_norm:
            found[canonical] = by_norm[normalise(column)]
        else:
            raise ColumnNotFoundError(
                f"No column {column!r} in {source} (columns: {', '.join(available)}). "
                f"Check the name given to {FLAGS.get(canonical, canonical)}."
            )
    used = set(found.values())
    for canonical, names in COMMON_NAMES.items():
        if canonical in found:
            continue
        for name in names:
            col = by_norm.get(normalise(name))
            if col is not None and col not in used:
                found[canonical] = col
                used.add(col)
                break
    for canonical in REQUIRED:
        if canonical not in found:
            label = canonical.replace("_id", " id")
            raise ColumnNotFoundError(
                f"No {label} column in {source} (columns: {', '.join(available)}). "
                f"Name it with {FLAGS[canonical]}.{_no_header_hint(available)}"
            )
    return found


def _no_header_hint(names: list[str]) -> str:
    """A hint when the header row looks like data (a number or a date in it)."""
    if any(re.fullmatch(r"[0-9 .,:/+-]+", name) for name in names):
        return (" The first row looks like data, not column names: add a header row "
                "to the file.")
    return ""
