"""The report's words: every label, heading and method note in bokmål and English.

One catalogue, one entry per key, kept as data in ``pathways/locale/nb.yaml``
and ``en.yaml`` (code names keys, never words; an entry of a block such as
``cli:`` is the key ``cli.<name>``), so a missing translation is a
failing test (``tests/present/test_messages.py``) rather than an English word
in a Norwegian page. Entries may hold ``{name}`` placeholders,
filled by :meth:`Messages.__call__`. The text is plain: the template escapes
it, together with any value from the log placed into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, Protocol

Lang = Literal["nb", "en"]
LANGUAGES: tuple[Lang, ...] = ("nb", "en")

LOCALE = "locale"
"""The package folder of the catalogue: one YAML file per language (``nb.yaml``,
``en.yaml``), each mapping every key to its text."""


def _flat(entries: dict[str, Any]) -> dict[str, Any]:
    """The entries of a block (``cli:``) as ``block.key``; top-level entries as they are."""
    return {f"{key}.{inner}" if isinstance(value, dict) else key: text
            for key, value in entries.items()
            for inner, text in (value.items() if isinstance(value, dict) else [(key, value)])}


def _catalogue() -> dict[str, dict[str, str]]:
    """The catalogue, key → {language → text}, from the locale files (same keys in both)."""
    import yaml

    folder = resources.files("pathways").joinpath(LOCALE)
    texts = {lang: _flat(yaml.load(folder.joinpath(f"{lang}.yaml").read_text("utf-8"),
                                   Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
             for lang in LANGUAGES}
    keys = list(texts["nb"])
    if set(keys) != set(texts["en"]):
        odd = sorted(set(keys) ^ set(texts["en"]))
        raise RuntimeError(f"The locale files nb.yaml and en.yaml differ in keys: {odd[:5]}")
    return {key: {lang: str(texts[lang][key]) for lang in LANGUAGES} for key in keys}


#: key → {language → text} (:data:`LOCALE`'s files).
CATALOGUE: dict[str, dict[str, str]] = _catalogue()


@dataclass(frozen=True)
class Messages:
    """The catalogue in one language, called like a function: ``t("cases")``.

    Examples
    --------
    >>> t = Messages("en")
    >>> t("q_duplicates", n=3).split(" rows")[0]
    '3'
    """

    lang: Lang = "nb"

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            from pathways.errors import OptionError

            raise OptionError(f"lang must be one of 'nb', 'en'; got {self.lang!r}.")

    def __call__(self, key: str, **values: Any) -> str:
        """The text for ``key``, with ``{name}`` placeholders filled from ``values``."""
        text = CATALOGUE[key][self.lang]
        return text.format(**values) if values else text


class Bilingual(Protocol):
    """Anything that carries a text in both languages: a rule file's title, a level."""

    @property
    def nb(self) -> str:
        """The text in Norwegian bokmål."""

    @property
    def en(self) -> str:
        """The text in English."""


def in_lang(text: Bilingual, lang: str) -> str:
    """``text`` in ``lang``: its ``en`` for English, else its ``nb``."""
    return text.en if lang == "en" else text.nb


def cohort_title(cohort: str, lang: str) -> str:
    """A cohort's name to show: its title in ``lang`` (``Kols``, ``COPD``), else as given."""
    from pathways.enrich.cohorts import cohort_titles

    return cohort_titles(cohort).get(lang, cohort)
