"""The measures' words and figures as data: complete, registered, and checked when read."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from pathways.analyse.measures import MEASURES
from pathways.analyse.measures.catalogue import (
    LANGUAGES,
    MeasureDataError,
    all_measure_words,
    fill,
    measure_words,
    read_measure_file,
    read_shared_file,
    shared_words,
)
from pathways.analyse.measures.indicators import LEFT_OUT

#: Measures whose words are still Python literals in waiting.py (moved separately).


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def texts(words):
    """Every text of a measure's entry, by dotted key."""
    found = {"title": words.title, "definition": words.definition_text}
    found |= {f"headlines.{k}": v for k, v in words.headlines.items()}
    found |= {f"phrases.{k}": v for k, v in words.phrases.items()}
    if words.missing:
        found["missing"] = words.missing
    for i, r in enumerate(words.references_data):
        found |= {f"references.{i}.figure": r.figure, f"references.{i}.year": r.year,
                  f"references.{i}.differs": r.differs}
    return found


def test_every_registered_measure_has_an_entry_and_every_entry_a_measure():
    assert set(all_measure_words()) == set(MEASURES)


@pytest.mark.parametrize("name", sorted(set(MEASURES)))
def test_every_text_of_an_entry_is_in_both_languages_with_the_same_placeholders(name):
    words = measure_words(name)
    assert words.headlines
    for key, text in texts(words).items():
        assert set(text) == set(LANGUAGES), key
        assert all(text[lang].strip() for lang in LANGUAGES), key
        assert placeholders(text["nb"]) == placeholders(text["en"]), key


@pytest.mark.parametrize("name", sorted(set(MEASURES)))
def test_reference_figures_name_a_known_document_and_a_share_or_nothing(name):
    documents = shared_words().documents
    for ref in measure_words(name).references_data:
        assert ref.document in documents
        assert ref.seeds[:3].isdigit()
        assert ref.value is None or 0 <= ref.value <= 1
        assert ref.compare_to


def test_every_shared_document_and_label_is_used():
    used = {r.document for w in all_measure_words().values() for r in w.references_data}
    assert used == set(shared_words().documents)
    assert set(shared_words().headlines) == {f"left_out_{r}" for r in LEFT_OUT}
    assert set(shared_words().notes) == {"stays_roles", "stays_levels"}


def test_references_name_the_document_and_its_place_in_seeds():
    refs = measure_words("emergency_admissions").references(days=7)
    assert refs[0].source == "St.meld. nr. 47 (2008–2009) Samhandlingsreformen, seeds 004:3962–3965"
    assert refs[1].differs["en"].endswith("in the 7 days before")


def test_fill_takes_a_text_in_both_languages_as_a_value():
    text = {"nb": "hendelser på {where}", "en": "events at {where}"}
    assert fill(text, {"where": {"nb": "nivå gp", "en": "level gp"}}) == {
        "nb": "hendelser på nivå gp", "en": "events at level gp"}


GOOD = """\
title: {nb: Tittel, en: Title}
definition: {nb: "Innen {days} dager.", en: "Within {days} days."}
headlines:
  share: {nb: andel, en: share}
references:
  - figure: {nb: tall, en: figure}
    value: 0.5
    year: {nb: "2009", en: "2009"}
    document: white_paper
    seeds: "004:1–2"
    differs: {nb: annerledes, en: different}
    compare_to: share
"""


def write(tmp_path: Path, text: str, name: str = "readmissions.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_file_reads(tmp_path):
    words = read_measure_file(write(tmp_path, GOOD))
    assert words.name == "readmissions"
    assert words.definition(days=30)["en"] == "Within 30 days."
    assert words.references_data[0].value == 0.5


@pytest.mark.parametrize(("text", "key"), [
    (GOOD.replace(", en: Title", ""), "'title'"),
    (GOOD.replace("share: {nb: andel, en: share}", "share: andel"), "'headlines.share'"),
    (GOOD.replace("en: different", "en: ''"), "'references.0.differs.en'"),
    (GOOD.replace("value: 0.5", "value: 50"), "'references.0.value'"),
    (GOOD.replace('seeds: "004:1–2"', "seeds: 12"), "'references.0.seeds'"),
    (GOOD.replace("    compare_to: share", "    compare: share"), "'references.0.compare'"),
    (GOOD + "notes: {nb: x, en: y}\n", "'notes'"),
    (GOOD.replace("headlines:\n  share: {nb: andel, en: share}\n", ""), "'headlines'"),
])
def test_a_malformed_file_gives_one_line_naming_file_and_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(MeasureDataError) as err:
        read_measure_file(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}, key {key}: ")


def test_a_file_that_is_not_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "title: {nb: Tittel, en: Title\ndefinition: x\n")
    with pytest.raises(MeasureDataError, match=r"readmissions\.yaml, line \d+: not valid YAML"):
        read_measure_file(path)


def test_a_malformed_shared_file_names_file_and_key(tmp_path):
    path = write(tmp_path, "documents: {white_paper: ''}\nheadlines: {}\n", "_shared.yaml")
    with pytest.raises(MeasureDataError, match=r"_shared\.yaml, key 'documents.white_paper'"):
        read_shared_file(path)


def test_an_unknown_measure_has_no_words():
    with pytest.raises(MeasureDataError, match=r"no_such_measure\.yaml"):
        measure_words("no_such_measure")
