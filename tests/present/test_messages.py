"""The message catalogue: every key in both languages, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from pathways.errors import OptionError
from pathways.present.messages import CATALOGUE, LANGUAGES, Messages

TEMPLATES = Path(__file__).resolve().parents[2] / "pathways" / "present" / "templates"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages(key):
    entry = CATALOGUE[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_take_the_same_placeholders(key):
    nb, en = (placeholders(CATALOGUE[key][lang]) for lang in LANGUAGES)
    assert nb == en


def test_every_key_the_templates_use_exists():
    import re

    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z0-9_]+)["'][,)]""", template.read_text("utf-8")))
    assert used
    assert used <= set(CATALOGUE), sorted(used - set(CATALOGUE))


def test_norwegian_and_english_differ_where_they_should():
    assert Messages("nb")("breaks") == "Brudd"
    assert Messages("en")("breaks") == "Breaks"


def test_unknown_language_is_refused():
    with pytest.raises(OptionError, match="lang must be one of 'nb', 'en'"):
        Messages("sv")  # type: ignore[arg-type]


def _entries(texts: dict) -> dict:
    """A locale file's entries, those of a block (``cli:``) as ``block.key``."""
    entries = {}
    for key, value in texts.items():
        if isinstance(value, dict):
            entries.update({f"{key}.{inner}": text for inner, text in value.items()})
        else:
            entries[key] = value
    return entries


def test_the_locale_files_are_the_catalogue():
    """Words live in pathways/locale/*.yaml, one file per language, the same keys in order."""
    import yaml

    package = Path(__file__).resolve().parents[2] / "pathways"
    files = {lang: _entries(yaml.safe_load((package / "locale" / f"{lang}.yaml")
                                           .read_text("utf-8")))
             for lang in LANGUAGES}
    assert list(files["nb"]) == list(files["en"])
    assert {k: {lang: files[lang][k] for lang in LANGUAGES} for k in files["nb"]} == CATALOGUE


def test_a_cohort_is_shown_by_its_title_in_the_language():
    from pathways.present.messages import cohort_title

    assert cohort_title("kols", "en") == "COPD"
    assert cohort_title("kols", "nb") == "Kols"
    assert cohort_title("no-such-cohort", "en") == "no-such-cohort"


def test_in_lang_picks_english_and_else_bokmal():
    from pathways.analyse.rules import Text
    from pathways.present.messages import in_lang

    text = Text(nb="Brudd", en="Breaks")
    assert (in_lang(text, "en"), in_lang(text, "nb")) == ("Breaks", "Brudd")
