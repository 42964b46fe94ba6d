"""The sources file of DESIGN §3b: several register extracts read as one log.

A sources file is YAML whose top level has ``sources:``, a list of extracts,
each with its ``file`` and either a ``preset`` (``npr``, ``kpr-lege``,
``kpr-tjenester``, ``plo``; :file:`pathways/data/sources.yaml`) or an explicit
mapping (``docs/sources.md`` lists every key). This module loads and checks the
file: every mistake (an unknown key, a missing file, a wrong shape) is a
:class:`SourcesFileError` naming the sources file, the source and the line.
:mod:`pathways.readers.source_events` turns the extracts into events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pathways.errors import LogFormatError
from pathways.readers.spark_load import is_uri, uri_name

__all__ = ["PRESETS", "Source", "SourcesFile", "SourcesFileError", "is_sources_file",
           "load_sources"]

#: The default of ``join_within``: SKDE's episode rule joins stays 8 hours apart.
DEFAULT_JOIN_WITHIN = "8h"

SHAPES = ("event", "episode", "period")
#: Keys of a value spec (a column, a fixed text or a code table).
VALUE_KEYS = {"column", "fixed", "codes", "default"}
#: Keys a source may hold, and the shapes each one is for.
SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "name": SHAPES, "file": SHAPES, "preset": SHAPES,
    "sep": SHAPES, "encoding": SHAPES, "date_format": SHAPES, "decimal": SHAPES,
    "shape": SHAPES, "person": SHAPES, "time": ("event",),
    "start": ("episode", "period"), "end": ("episode", "period"),
    "activity": SHAPES, "start_activity": ("period",), "end_activity": ("period",),
    "level": SHAPES, "resource": SHAPES, "hospital": SHAPES, "municipality": SHAPES,
    "organisation": SHAPES, "age": SHAPES, "sex": SHAPES, "urgency": SHAPES,
    "diagnosis": SHAPES, "death": ("episode", "period"),
    "discharge_ready": ("episode",), "merge": ("event",), "message": ("event",),
    "rejected": ("event",), "cancels": ("event",), "keep": SHAPES, "label": SHAPES,
}
#: Keys holding a value spec.
VALUE_SPECS = ("activity", "start_activity", "end_activity", "level", "sex", "urgency",
               "death")
#: Keys holding one column (a name or a list of alternative names).
COLUMN_KEYS = ("person", "resource", "hospital", "municipality", "organisation", "age",
               "discharge_ready")
DIAGNOSIS_KEYS = {"columns", "system", "system_column", "systems"}
SYSTEMS = ("icd10", "icpc2")
TOP_KEYS = {"sources", "join_within", "municipalities"}


class SourcesFileError(LogFormatError):
    """A sources file that cannot be used (names the file, the source and the line)."""


class _Loader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result = _Lined(loader.construct_pairs(node, deep=True))
    result.line = node.start_mark.line + 1
    result.lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


class _Lined(dict):  # type: ignore[type-arg]
    """A dict with the YAML line it started on and the line of each key."""

    line: int = 0
    lines: dict[str, int]


@dataclass(frozen=True)
class Source:
    """One extract of a sources file, its preset merged with its own keys."""

    #: The source's name (``source`` on every event it gives).
    name: str
    #: The extract: a local file, or the URI of one Spark reads (text here;
    #: :func:`pathways.readers.source_events.read_sources` makes it a
    #: :class:`~pathways.readers.spark_load.RemoteFile`, checked to exist).
    path: Any
    #: Every mapping key (docs/sources.md), the preset's and the source's own.
    spec: dict[str, Any]
    #: Keys the user wrote (a column they name must exist; a preset's may not).
    explicit: frozenset[str]
    #: The extract as the sources file names it (relative to it).
    file: str
    #: Line of the source in the sources file.
    line: int
    #: Line of each key the user wrote.
    lines: dict[str, int] = field(default_factory=dict)
    preset: str | None = None

    @property
    def shape(self) -> str:
        """``event``, ``episode`` or ``period``."""
        return str(self.spec["shape"])

    def where(self, key: str | None = None) -> str:
        """``FILE, source NAME, line N`` for messages."""
        line = self.lines.get(key, self.line) if key else self.line
        return f"source {self.name!r} (line {line})"


@dataclass(frozen=True)
class SourcesFile:
    """A loaded sources file: its path, its sources, the stay-joining gap.

    ``municipalities`` is the municipality list its extracts' numbers are
    looked up in (None: the built-in list of Norway's municipalities).
    """

    path: Path
    sources: tuple[Source, ...]
    join_within_us: int
    municipalities: Path | None = None


def is_sources_file(path: str | Path) -> bool:
    """True for a ``.yaml``/``.yml`` file (a sources file; checked when loaded)."""
    return Path(path).suffix.lower() in (".yaml", ".yml")


def presets() -> dict[str, dict[str, Any]]:
    """The built-in presets (``pathways/data/sources.yaml``)."""
    text = resources.files("pathways").joinpath("data/sources.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=_Loader)
    return {str(k): dict(v) for k, v in data["presets"].items()}


PRESETS = ("npr", "kpr-lege", "kpr-tjenester", "plo")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|h|d)\s*$")
_UNIT_US = {"m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000}


def load_sources(path: str | Path) -> SourcesFile:
    """Load and check a sources file.

    Raises
    ------
    SourcesFileError
        For YAML that cannot be read, a missing ``sources:`` list, an unknown
        key, an unknown preset or shape, a missing extract or a wrong value;
        the message names the sources file, the source and the line.
    """
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise SourcesFileError(f"{path}{where}: not valid YAML ({_first_line(err)}).") from None
    except UnicodeDecodeError:
        raise SourcesFileError(f"{path}: not UTF-8 text; save the sources file as UTF-8.") \
            from None
    if not isinstance(data, dict) or "sources" not in data:
        raise SourcesFileError(
            f"{path}: a sources file needs a top-level 'sources:' list (see docs/sources.md).")
    lines = getattr(data, "lines", {})
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise SourcesFileError(
            f"{path}, line {lines.get(unknown[0], 1)}: unknown key {unknown[0]!r} at the top "
            f"(allowed: {', '.join(sorted(TOP_KEYS))}).")
    items = data["sources"]
    if not isinstance(items, list) or not items:
        raise SourcesFileError(
            f"{path}, line {lines.get('sources', 1)}: 'sources' must be a list of extracts, "
            "each with a 'file' (see docs/sources.md).")
    join = _duration(data.get("join_within", DEFAULT_JOIN_WITHIN), path,
                     lines.get("join_within", 1))
    known = presets()
    loaded: list[Source] = []
    for number, item in enumerate(items, start=1):
        loaded.append(_source(path, number, item, known))
    names = [s.name for s in loaded]
    for source in loaded:
        if names.count(source.name) > 1:
            raise SourcesFileError(
                f"{path}, {source.where()}: two sources are named {source.name!r}; give each "
                "a different 'name'.")
    municipalities = _municipality_list(data.get("municipalities"), path,
                                        lines.get("municipalities", 1))
    return SourcesFile(path=path, sources=tuple(loaded), join_within_us=join,
                       municipalities=municipalities)


def _municipality_list(value: Any, path: Path, line: int) -> Path | None:
    """``municipalities:``, a CSV file relative to the sources file, checked to exist."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SourcesFileError(
            f"{path}, line {line}: municipalities must name a CSV file of municipality "
            "numbers (number;name;valid_from;valid_to;successor), relative to the sources "
            "file.")
    found = path.parent / value.strip()
    if not found.is_file():
        raise SourcesFileError(
            f"{path}, line {line}: the municipality list {found} does not exist; give "
            "the CSV file beside the sources file, or leave the key out to use the "
            "built-in list.")
    return found


def _source(path: Path, number: int, item: Any, known: dict[str, dict[str, Any]]) -> Source:
    line = getattr(item, "line", 0)
    lines = dict(getattr(item, "lines", {}))
    if not isinstance(item, dict):
        raise SourcesFileError(
            f"{path}, source {number} (line {line}): each source is a mapping with a 'file' "
            "key, e.g. '- file: npr.csv' and 'preset: npr' under it.")
    label = str(item.get("name") or Path(str(item.get("file", f"source {number}"))).stem)

    def fail(key: str | None, message: str) -> SourcesFileError:
        where = lines.get(key, line) if key else line
        return SourcesFileError(f"{path}, source {label!r} (line {where}): {message}")

    unknown = [k for k in item if k not in SOURCE_KEYS]
    if unknown:
        raise fail(unknown[0], f"unknown key {unknown[0]!r} (allowed: "
                               f"{', '.join(sorted(SOURCE_KEYS))}).")
    if "file" not in item:
        raise fail(None, "no 'file': name the extract, relative to the sources file.")
    file: Path | str
    if is_uri(item["file"]):
        file = str(item["file"])  # read by Spark; looked up when read
    else:
        file = (path.parent / str(item["file"])).resolve()
        if not file.is_file():
            raise fail("file", f"the file {str(item['file'])!r} does not exist "
                               f"(looked for {file}).")
    spec: dict[str, Any] = {}
    preset = item.get("preset")
    if preset is not None:
        if preset not in known:
            raise fail("preset", f"unknown preset {preset!r} (presets: "
                                 f"{', '.join(PRESETS)}).")
        spec.update(known[preset])
    spec.update({k: v for k, v in item.items() if k not in ("name", "file", "preset")})
    explicit = frozenset(k for k in item if k not in ("name", "file", "preset"))
    shape = spec.get("shape")
    if shape not in SHAPES:
        raise fail("shape" if "shape" in item else None,
                   f"shape must be one of {', '.join(SHAPES)} (or give a preset: "
                   f"{', '.join(PRESETS)}); got {shape!r}.")
    for key in spec:
        if shape not in SOURCE_KEYS[key]:
            raise fail(key, f"key {key!r} is not for shape {shape!r} (it is for "
                            f"{', '.join(SOURCE_KEYS[key])}).")
    needed = ["person", "activity"] + (["time"] if shape == "event" else ["start"])
    if shape == "period":
        needed = ["person", "start", "start_activity"]
    for key in needed:
        if key not in spec:
            raise fail(None, f"no {key!r}: say which column holds it (see docs/sources.md).")
    for key in VALUE_SPECS:
        if key in spec:
            spec[key] = _value_spec(spec[key], lambda m, k=key: fail(k, f"{k}: {m}"))
    for key in COLUMN_KEYS:
        if key in spec and not _is_columns(spec[key]):
            raise fail(key, f"{key} must be a column name or a list of names.")
    for key in ("time", "start", "end"):
        if key in spec:
            spec[key] = _time_spec(spec[key], lambda m, k=key: fail(k, f"{k}: {m}"))
    if "diagnosis" in spec:
        _check_diagnosis(spec["diagnosis"], lambda m: fail("diagnosis", f"diagnosis: {m}"))
    if "rejected" in spec:
        rejected = spec["rejected"]
        if not (isinstance(rejected, dict) and set(rejected) == {"column", "values"}):
            raise fail("rejected", "rejected needs 'column' and 'values' (the receipts "
                                   "that mean the receiver refused the message).")
    if "cancels" in spec:
        cancels = spec["cancels"]
        if not (isinstance(cancels, dict) and set(cancels) == {"activity", "cancels"}
                and _is_columns(cancels["activity"]) and _is_columns(cancels["cancels"])):
            raise fail("cancels", "cancels needs 'activity' (the cancelling message) and "
                                  "'cancels' (the message it cancels).")
    for key in ("sep", "encoding", "date_format", "decimal"):
        if key in spec and not isinstance(spec[key], str):
            raise fail(key, f"{key} must be text.")
    file_name = uri_name(file) if isinstance(file, str) else file.name
    name = str(item.get("name") or file_name.split(".")[0])
    label = spec.get("label", name)
    if isinstance(label, str):
        label = {"nb": label, "en": label}
    if not (isinstance(label, dict) and set(label) == {"nb", "en"}):
        raise fail("label", "label must be a text, or {nb: TEXT, en: TEXT}.")
    spec["label"] = {k: str(v) for k, v in label.items()}
    return Source(name=name, path=file, spec=spec, explicit=explicit,
                  file=str(item["file"]), line=line,
                  lines=lines, preset=preset)


def _is_columns(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value))


def _value_spec(value: Any, fail: Any) -> dict[str, Any]:
    """A value spec as a dict: ``column`` or ``fixed``, optional ``codes``/``default``."""
    if isinstance(value, str | list):
        value = {"column": value}
    if not isinstance(value, dict):
        raise fail("give a column name, {fixed: TEXT} or {column: NAME, codes: {...}}.")
    unknown = set(value) - VALUE_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r} (allowed: "
                   f"{', '.join(sorted(VALUE_KEYS))}).")
    if ("column" in value) == ("fixed" in value):
        raise fail("give exactly one of 'column' and 'fixed'.")
    if "column" in value and not _is_columns(value["column"]):
        raise fail("'column' must be a column name or a list of names.")
    if "codes" in value and not isinstance(value["codes"], dict):
        raise fail("'codes' must be a table from code to value.")
    return dict(value)


def _time_spec(value: Any, fail: Any) -> dict[str, Any]:
    """A time spec as ``{date: [...], time: [...]}`` (time optional)."""
    if _is_columns(value):
        return {"date": value}
    if isinstance(value, dict) and "date" in value and set(value) <= {"date", "time"} \
            and all(_is_columns(v) for v in value.values()):
        return dict(value)
    raise fail("give a column, or {date: COLUMN, time: COLUMN}.")


def _check_diagnosis(value: Any, fail: Any) -> None:
    if not isinstance(value, dict) or "columns" not in value:
        raise fail("give {columns: [...], system: icd10|icpc2} or a system_column.")
    unknown = set(value) - DIAGNOSIS_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r} (allowed: "
                   f"{', '.join(sorted(DIAGNOSIS_KEYS))}).")
    if "system" not in value and "system_column" not in value:
        raise fail("give 'system' (icd10 or icpc2), or a 'system_column' with 'systems' "
                   "(then 'system' is used where that column is empty).")
    if "system" in value and value["system"] not in SYSTEMS:
        raise fail(f"system must be one of {', '.join(SYSTEMS)}; got {value['system']!r}.")
    if "system_column" in value and not isinstance(value.get("systems"), dict):
        raise fail("a system_column needs 'systems', a table from its codes to icd10/icpc2.")
    bad = [v for v in value.get("systems", {}).values() if v not in SYSTEMS]
    if bad:
        raise fail(f"systems map to icd10 or icpc2; got {bad[0]!r}.")


def _duration(value: Any, path: Path, line: int) -> int:
    match = _DURATION.match(str(value))
    if not match:
        raise SourcesFileError(
            f"{path}, line {line}: join_within must be a duration such as 8h, 90m or 0h; "
            f"got {value!r}.")
    return int(float(match.group(1)) * _UNIT_US[match.group(2)])


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__
