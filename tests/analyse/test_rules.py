"""Rule files: loading, and messages that name the file, line, key and what is allowed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import pathways
from pathways.analyse.rules import (
    KINDS,
    Matcher,
    Pathway,
    Text,
    builtin_pathways,
    load_pathway,
    parse_within,
)
from pathways.errors import RuleFileError

GOOD = """\
pathway: kols-lokal
title: {nb: Kols-forløp, en: COPD pathway}
cohort: kols
rules:
  - id: epikrise-1d
    kind: information
    after: {activity: Utskrevet}
    expect: {activity: [Epikrise, Utskrivningsrapport sendt], level: Sengepost}
    within: 1d
    title: {nb: Epikrise ikke sendt, en: Discharge summary not sent}
    source: "Helsedirektoratet"
    responsible: sykehus
  - id: reinnleggelse-28d
    kind: resource
    after: {level: [hospital_ward, KAD]}
    forbid: {activity: Innleggelse}
    within: 28d
    unless: {activity: Død}
    title: Reinnleggelse
"""


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(RuleFileError) as info:
        load_pathway(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_a_good_file_loads_into_frozen_dataclasses(tmp_path):
    pathway = load_pathway(write(tmp_path, GOOD))
    assert isinstance(pathway, Pathway)
    assert (pathway.name, pathway.cohort) == ("kols-lokal", "kols")
    assert pathway.title == Text(nb="Kols-forløp", en="COPD pathway")
    first, second = pathway.rules
    assert first.after == Matcher(activities=("Utskrevet",), activity_keys=("Utskrivning",))
    assert first.expect is not None
    assert first.expect.activity_keys == ("Epikrise sendt", "Utskrivningsrapport sendt")
    assert first.expect.levels == ("hospital_ward",)
    assert (first.within, first.within_us) == ("1d", 86_400_000_000)
    assert (first.responsible, first.source, first.line) == ("sykehus", "Helsedirektoratet",
                                                             5)
    assert second.after.levels == ("hospital_ward", "municipal_acute_bed")
    assert second.forbid is not None and second.expect is None
    assert second.title == Text(nb="Reinnleggelse", en="Reinnleggelse")
    with pytest.raises(dataclasses.FrozenInstanceError):
        pathway.name = "x"  # type: ignore[misc]


def test_the_api_names():
    assert pathways.load_pathway is load_pathway
    assert pathways.builtin_pathways() == builtin_pathways()


def test_builtin_pathways_load_and_every_rule_has_a_source():
    names = builtin_pathways()
    assert names == ["kols", "diabetes", "hjerneslag", "eldre"]
    for name in names:
        pathway = load_pathway(name)
        assert pathway.name == name and pathway.cohort == name
        assert all(rule.source and rule.kind in KINDS for rule in pathway.rules)


def test_a_file_without_pathway_key_is_named_by_its_stem(tmp_path):
    text = GOOD.replace("pathway: kols-lokal\n", "")
    assert load_pathway(write(tmp_path, text, "mine.yml")).name == "mine"


@pytest.mark.parametrize(("text", "amount"), [
    ("90m", 90 * 60), ("36h", 36 * 3600), ("1d", 86400), ("14d", 14 * 86400),
    ("10w", 70 * 86400), (" 2 h ", 7200),
])
def test_within(text, amount):
    assert parse_within(text) == amount * 1_000_000


def test_unknown_pathway_name():
    with pytest.raises(RuleFileError, match=r"Unknown pathway 'copd'\. Built-in pathways: "
                                            "kols, diabetes, hjerneslag, eldre"):
        load_pathway("copd")


def test_missing_file(tmp_path):
    with pytest.raises(RuleFileError, match="does not exist"):
        load_pathway(tmp_path / "nope.yaml")


def test_unknown_key_in_a_rule(tmp_path):
    message = error(tmp_path, GOOD.replace("    within: 28d", "    whitin: 28d"))
    assert ", line 17: unknown key 'whitin' in rule 'reinnleggelse-28d'; allowed keys: " \
        in message
    assert "allowed keys: id, kind, after, expect, forbid, within, unless" in message


def test_unknown_top_level_key(tmp_path):
    message = error(tmp_path, "pathways: x\n" + GOOD)
    assert "line 1: unknown key 'pathways' in the pathway; allowed keys: pathway, title" \
        in message


def test_bad_kind(tmp_path):
    message = error(tmp_path, GOOD.replace("kind: information", "kind: informasjon"))
    assert "line 6: 'kind' of rule 'epikrise-1d' must be one of time, information, " \
           "resource; got 'informasjon'." in message


@pytest.mark.parametrize("within", ["1 day", "1.5d", "d", "-1d", "24"])
def test_bad_within(tmp_path, within):
    message = error(tmp_path, GOOD.replace("within: 1d", f"within: '{within}'"))
    assert "line 9: 'within' of rule 'epikrise-1d' must be a whole number and a unit" \
        in message
    assert "90m, 36h, 1d, 14d, 10w" in message


def test_missing_after(tmp_path):
    message = error(tmp_path, GOOD.replace("    after: {activity: Utskrevet}\n", ""))
    assert "line 5: rule 'epikrise-1d' has no 'after'" in message


def test_expect_and_forbid_both_or_neither(tmp_path):
    both = GOOD.replace("    within: 1d", "    forbid: {activity: X}\n    within: 1d")
    assert "line 5: rule 'epikrise-1d' needs exactly one of 'expect'" in error(tmp_path, both)
    neither = GOOD.replace("    forbid: {activity: Innleggelse}\n", "")
    assert "line 13: rule 'reinnleggelse-28d' needs exactly one" in error(tmp_path, neither)


def test_yaml_syntax_error(tmp_path):
    message = error(tmp_path, GOOD.replace("{activity: Utskrevet}", "{activity: [Utskrevet}"))
    assert "line 7: not valid YAML" in message


def test_unknown_level(tmp_path):
    message = error(tmp_path, GOOD.replace("level: Sengepost", "level: Kantine"))
    assert "line 8: unknown level 'Kantine' in 'expect' of rule 'epikrise-1d'; allowed: " \
           "a level id (" in message
    assert "gp, out_of_hours" in message and message.endswith("a label or an alias.")


def test_unknown_matcher_key(tmp_path):
    message = error(tmp_path, GOOD.replace("{activity: Død}", "{activty: Død}"))
    # any column of the log may be named (DESIGN §4), but a near-miss of
    # 'activity' or 'level' is a typo, refused before any log is read
    assert "line 18: unknown key 'activty' in 'unless' of rule 'reinnleggelse-28d'; " \
           "did you mean 'activity'? Allowed keys: activity, level, or another " \
           "column of the log." in message


def test_empty_matcher_and_empty_list(tmp_path):
    assert "is empty; give 'activity' and/or 'level' (or another column" in error(
        tmp_path, GOOD.replace("{activity: Død}", "{}"))
    assert "must be a text or a non-empty list" in error(
        tmp_path, GOOD.replace("{activity: Død}", "{activity: []}"))


def test_duplicate_rule_id_and_duplicate_key(tmp_path):
    twice = GOOD.replace("id: reinnleggelse-28d", "id: epikrise-1d")
    assert "line 13: rule id 'epikrise-1d' is used twice" in error(tmp_path, twice)
    key_twice = GOOD.replace("    within: 1d", "    within: 1d\n    within: 2d")
    assert "line 10: key 'within' appears twice in rule 'epikrise-1d'" in error(
        tmp_path, key_twice)


def test_missing_id_and_missing_rules(tmp_path):
    assert "line 5: rule 1 has no 'id'" in error(
        tmp_path, GOOD.replace("  - id: epikrise-1d\n    kind", "  - kind"))
    assert "has no 'rules:' list" in error(tmp_path, "pathway: x\n")
    assert "'rules' must be a non-empty list" in error(tmp_path, "pathway: x\nrules: []\n")
    assert "the file is empty" in error(tmp_path, "")


def test_a_rule_that_is_not_a_mapping(tmp_path):
    message = error(tmp_path, "pathway: x\nrules:\n  - just text\n")
    assert "line 3: rule 1 must be a mapping of keys (id, kind," in message


def test_title_keys(tmp_path):
    message = error(tmp_path, GOOD.replace("{nb: Kols-forløp, en: COPD pathway}",
                                           "{no: Kols}"))
    assert "line 2: unknown key 'no' in 'title' of the pathway; allowed keys: nb, en." \
        in message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.replace("Død", "D\xf8d").encode("latin-1"))
    with pytest.raises(RuleFileError, match="not UTF-8"):
        load_pathway(path)
