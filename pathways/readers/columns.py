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
        "Hoveddiagnose", "diagnosis_code", "Hdiag",
    ),
    "diagnosis_system": (
        "diagnosis_system", "kodeverk", "kodesystem", "diagnosekodeverk",
        "code_system", "coding_system",
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
    diagnoses = diagnosis_columns(available, found)
    found.pop("diagnosis", None)
    found.update(diagnoses)
    for canonical in REQUIRED:
        if canonical not in found:
            label = canonical.replace("_id", " id")
            raise ColumnNotFoundError(
                f"No {label} column in {source} (columns: {', '.join(available)}). "
                f"Name it with {FLAGS[canonical]}.{_no_header_hint(available)}"
            )
    return found


#: Column names (normalised) of further diagnosis columns: main and secondary
#: diagnoses as NPR, hospital and KPR extracts write them (Hdiag, Bdiag1..N,
#: diagnose2, Bitilstand1, ICD10_2, ...).
_DIAGNOSIS_NAME = re.compile(
    r"(?:[hb]diag|diag|(?:hoved|bi)?diagnose?|diagnosis(?:code)?|(?:hoved|bi)tilstand"
    r"|icd10?(?:kode|code)?)\d*")
#: Column names (normalised) of ICPC-2 diagnosis columns.
_ICPC_NAME = re.compile(r".*icpc.*")


def diagnosis_columns(available: Sequence[str], found: Mapping[str, str]) -> dict[str, str]:
    """Every diagnosis column of a log, by code system.

    The column found as ``diagnosis`` comes first; then every other column
    whose name reads as a diagnosis (``Hdiag``, ``Bdiag1``, ``diagnose2``,
    ``Bitilstand3``, ...). A column whose name holds ``ICPC`` (``ICPC``,
    ``ICPC2``, ``ICPC-2``, ``ICPC-2-kode``) is ICPC-2 whatever else the log
    says. Returned under the keys ``diagnosis``, ``diagnosis_2``, ... (code
    system from a ``kodeverk`` column, else ICD-10) and ``diagnosis_icpc2``,
    ``diagnosis_icpc2_2``, ... in column order; columns used for something
    else are left alone.
    """
    used = {c for k, c in found.items() if k != "diagnosis"}
    first = [found["diagnosis"]] if "diagnosis" in found else []
    named = first + [c for c in available if c not in used and c not in first
                     and (_DIAGNOSIS_NAME.fullmatch(normalise(c))
                          or _ICPC_NAME.fullmatch(normalise(c)))]
    icpc = [c for c in named if _ICPC_NAME.fullmatch(normalise(c))]
    icd = [c for c in named if c not in icpc]
    keys = {("diagnosis" if i == 0 else f"diagnosis_{i + 1}"): c for i, c in enumerate(icd)}
    keys.update({("diagnosis_icpc2" if i == 0 else f"diagnosis_icpc2_{i + 1}"): c
                 for i, c in enumerate(icpc)})
    return keys


def _no_header_hint(names: list[str]) -> str:
    """A hint when the header row looks like data (a number or a date in it)."""
    if any(re.fullmatch(r"[0-9 .,:/+-]+", name) for name in names):
        return (" The first row looks like data, not column names: add a header row "
                "to the file.")
    return ""
