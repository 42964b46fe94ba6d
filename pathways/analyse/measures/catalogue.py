"""The measures' words and reference figures, read from ``pathways/data/measures/``.

Each measure's title, definition, headline labels, notes and the source
documents' reference figures are data, one YAML file per measure
(``<name>.yaml``, named as in :data:`~pathways.analyse.measures.registry.MEASURES`),
with words shared by several measures and the documents cited in
``_shared.yaml``. The measure code names keys, never words: it fills the
templates' ``{name}`` placeholders (Python format fields, such as ``{days}`` or
``{hours:g}``) with its thresholds, in both languages at once.

A measure file::

    title: {nb: ..., en: ...}
    definition: {nb: ..., en: ...}        # what was counted, with placeholders
    headlines: {key: {nb: ..., en: ...}}  # labels of the summary's headlines
    phrases: {key: {nb: ..., en: ...}}    # optional: parts put into the others
    missing: {nb: ..., en: ...}           # optional: why a log cannot give it
    defined_by: FHI (...)                 # optional: who defined an indicator
    references:                           # optional: the sources' figures
      - figure: {nb: ..., en: ...}
        value: 0.2                        # a share, comparable with compare_to; or null
        year: {nb: ..., en: ...}
        document: white_paper             # a key of _shared.yaml's documents
        seeds: "004:3945–3950"            # file:lines in seeds/
        differs: {nb: ..., en: ...}
        compare_to: readmitted_28d        # the headline it is printed beside

The files are read once; a malformed one raises :class:`MeasureDataError`
naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, NoReturn

from pathways.analyse.measures.base import Reference

LANGUAGES = ("nb", "en")
#: The package folder of the measure files.
FOLDER = "data/measures"
#: The file of words and documents several measures share.
SHARED = "_shared.yaml"

Text = dict[str, str]
"""A text in both languages, ``{"nb": ..., "en": ...}``."""


class MeasureDataError(RuntimeError):
    """A measure data file is malformed (a fault of the package, not of the user's input)."""


@dataclass(frozen=True)
class ReferenceData:
    """A reference figure as the data file gives it (see :class:`Reference`)."""

    figure: Text
    value: float | None
    year: Text
    document: str
    seeds: str
    differs: Text
    compare_to: str | None


@dataclass(frozen=True)
class SharedWords:
    """Words and documents several measures share (``_shared.yaml``)."""

    documents: dict[str, str]
    headlines: dict[str, Text]
    notes: dict[str, Text] = field(default_factory=dict)

    def label(self, key: str, **values: Any) -> Text:
        """A shared headline label, its placeholders filled."""
        return fill(self.headlines[key], values)


@dataclass(frozen=True)
class MeasureWords:
    """One measure's words and reference figures (``<name>.yaml``)."""

    name: str
    title: Text
    definition_text: Text
    headlines: dict[str, Text]
    phrases: dict[str, Text] = field(default_factory=dict)
    missing: Text | None = None
    defined_by: str | None = None
    references_data: tuple[ReferenceData, ...] = ()

    def definition(self, **values: Any) -> Text:
        """The definition with the thresholds used filled in."""
        return fill(self.definition_text, values)

    def label(self, key: str, **values: Any) -> Text:
        """The label of headline ``key``, its placeholders filled."""
        return fill(self.headlines[key], values)

    def phrase(self, key: str, **values: Any) -> Text:
        """A part to put into another text (a value for its placeholder)."""
        return fill(self.phrases[key], values)

    def references(self, **values: Any) -> tuple[Reference, ...]:
        """The reference figures, with the documents named and placeholders filled."""
        documents = shared_words().documents
        return tuple(Reference(
            figure=fill(r.figure, values), value=r.value, year=fill(r.year, values),
            source=f"{documents[r.document]}, seeds {r.seeds}",
            differs=fill(r.differs, values), compare_to=r.compare_to)
            for r in self.references_data)


def fill(text: Text, values: Mapping[str, Any]) -> Text:
    """Fill a text's ``{name}`` placeholders in each language.

    A value that is itself a text in both languages goes in language by language.

    Examples
    --------
    >>> fill({"nb": "innen {days} dager{who}", "en": "within {days} days{who}"},
    ...      {"days": 28, "who": {"nb": " (80 år +)", "en": " (aged 80+)"}})
    {'nb': 'innen 28 dager (80 år +)', 'en': 'within 28 days (aged 80+)'}
    """
    return {lang: template.format(**{k: v[lang] if isinstance(v, dict) else v
                                     for k, v in values.items()})
            for lang, template in text.items()}


# --------------------------------------------------------------------------- reading


def measure_words(name: str) -> MeasureWords:
    """The words of measure ``name``.

    Raises
    ------
    MeasureDataError
        When the package has no file for it.
    """
    found = all_measure_words()
    if name not in found:
        raise MeasureDataError(f"No measure data file {FOLDER}/{name}.yaml.")
    return found[name]


@cache
def all_measure_words() -> dict[str, MeasureWords]:
    """Every measure file of the package, by measure name (read once)."""
    return {path.name.removesuffix(".yaml"): read_measure_file(path)
            for path in sorted(_folder().iterdir(), key=lambda p: p.name)
            if path.name.endswith(".yaml") and path.name != SHARED}


@cache
def shared_words() -> SharedWords:
    """The shared words and documents (read once)."""
    return read_shared_file(_folder().joinpath(SHARED))


def _folder() -> Traversable:
    return resources.files("pathways").joinpath(FOLDER)


def read_measure_file(path: Traversable | Path) -> MeasureWords:
    """Read and check one measure file.

    Raises
    ------
    MeasureDataError
        ``<file>, key <key>: <what is wrong>`` on one line.
    """
    data = _Checked(path)
    words = MeasureWords(
        name=path.name.removesuffix(".yaml"),
        title=data.text("title"),
        definition_text=data.text("definition"),
        headlines=data.texts("headlines"),
        phrases=data.texts("phrases", required=False),
        missing=data.text("missing") if "missing" in data.raw else None,
        defined_by=data.string("defined_by") if "defined_by" in data.raw else None,
        references_data=tuple(_reference(data, f"references.{i}")
                              for i in range(len(data.items("references")))))
    data.no_other_keys("", ("title", "definition", "headlines", "phrases", "missing",
                            "defined_by", "references"))
    return words


def read_shared_file(path: Traversable | Path) -> SharedWords:
    """Read and check the shared file (documents and shared headline labels)."""
    data = _Checked(path)
    documents = data.mapping("documents")
    for key in documents:
        data.string(f"documents.{key}")
    shared = SharedWords({k: str(v) for k, v in documents.items()}, data.texts("headlines"),
                         data.texts("notes", required=False))
    data.no_other_keys("", ("documents", "headlines", "notes"))
    return shared


_REFERENCE_KEYS = ("figure", "value", "year", "document", "seeds", "differs", "compare_to")


def _reference(data: _Checked, key: str) -> ReferenceData:
    data.no_other_keys(key, _REFERENCE_KEYS)
    value = data.get(f"{key}.value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                              or not 0 <= value <= 1):
        data.fail(f"{key}.value", f"must be a share from 0 to 1 or null; got {value!r}")
    compare_to = data.get(f"{key}.compare_to")
    return ReferenceData(
        figure=data.text(f"{key}.figure"), value=value, year=data.text(f"{key}.year"),
        document=data.string(f"{key}.document"), seeds=data.string(f"{key}.seeds"),
        differs=data.text(f"{key}.differs"),
        compare_to=None if compare_to is None else data.string(f"{key}.compare_to"))


class _Checked:
    """A parsed YAML file whose values are looked up by dotted key, with one-line errors."""

    def __init__(self, path: Traversable | Path) -> None:
        import yaml

        self.where = str(path)
        try:
            raw = yaml.load(path.read_text("utf-8"),
                            Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = f", line {mark.line + 1}" if mark is not None else ""
            problem = " ".join(str(getattr(err, "problem", None) or err).split())
            raise MeasureDataError(f"{self.where}{line}: not valid YAML ({problem}).") from err
        if not isinstance(raw, dict):
            raise MeasureDataError(f"{self.where}: must be a mapping of keys to values.")
        self.raw: dict[str, Any] = raw

    def fail(self, key: str, problem: str) -> NoReturn:
        raise MeasureDataError(f"{self.where}, key {key!r}: {problem}.")

    def get(self, key: str) -> Any:
        value: Any = self.raw
        for part in key.split("."):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict):
                value = value.get(part)
            else:
                return None
        return value

    def string(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a non-empty text; got {value!r}")
        return str(value)

    def text(self, key: str) -> Text:
        value = self.get(key)
        if not isinstance(value, dict) or set(value) != set(LANGUAGES):
            got = sorted(value) if isinstance(value, dict) else repr(value)
            self.fail(key, f"must give the text in 'nb' and 'en' (only); got {got}")
        return {lang: self.string(f"{key}.{lang}") for lang in LANGUAGES}

    def mapping(self, key: str, *, required: bool = True) -> dict[str, Any]:
        value = self.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict) or not value:
            self.fail(key, f"must be a mapping of keys to values; got {value!r}")
        return dict(value)

    def texts(self, key: str, *, required: bool = True) -> dict[str, Text]:
        return {k: self.text(f"{key}.{k}") for k in self.mapping(key, required=required)}

    def items(self, key: str) -> list[Any]:
        value = self.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"must be a list; got {value!r}")
        return list(value)

    def no_other_keys(self, key: str, allowed: tuple[str, ...]) -> None:
        value = self.get(key) if key else self.raw
        if not isinstance(value, dict):
            self.fail(key, f"must be a mapping of keys to values; got {value!r}")
        odd = [k for k in value if k not in allowed]
        if odd:
            self.fail(f"{key}.{odd[0]}" if key else str(odd[0]),
                      f"unknown key; allowed: {', '.join(allowed)}")
