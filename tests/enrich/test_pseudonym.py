"""National identity numbers never pass the reader: keyed, stable pseudonyms."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import pathways
from pathways.enrich.pseudonym import (
    contains_national_id,
    is_national_id,
    load_key,
    pseudonym,
    pseudonymise_text,
)

VALID = "01010110013"     # check digits valid (computed by hand: k1 = 1, k2 = 3)
D_NUMBER = "41010110007"  # a D-number: first digit + 4


def test_check_digits():
    assert is_national_id(VALID)
    assert not is_national_id("01010110014")
    assert not is_national_id("0101011001")
    assert is_national_id(D_NUMBER)
    assert D_NUMBER[9:] == _check_digits(D_NUMBER[:9])


def _check_digits(nine: str) -> str:
    d = [int(c) for c in nine]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d, strict=False)) % 11
    k1 = 0 if k1 == 11 else k1
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k2 = 11 - sum(w * x for w, x in zip(weights, [*d, k1], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return f"{k1}{k2}"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_is_national_id_agrees_with_a_direct_computation(nine):
    digits = _check_digits(nine)
    if len(digits) != 2:
        # A check digit of 10: no valid number starts with these nine digits.
        assert not any(is_national_id(f"{nine}{i:02d}") for i in range(100))
    else:
        assert is_national_id(nine + digits)
        assert not is_national_id(nine + digits[0] + str((int(digits[1]) + 1) % 10))


def test_pseudonyms_are_keyed_stable_and_not_numbers():
    a = pseudonym(VALID, b"key-1")
    assert a == pseudonym(VALID, b"key-1")
    assert a != pseudonym(VALID, b"key-2")
    assert a.startswith("pid-") and not contains_national_id(a)


def test_numbers_inside_text_and_with_a_space_are_replaced():
    text = f"Pasient {VALID[:6]} {VALID[6:]} og {VALID}, tlf 12345678901"
    out = pseudonymise_text(text, b"k")
    assert not contains_national_id(out)
    assert "12345678901" in out  # not a valid national id: left alone
    assert out.count(pseudonym(VALID, b"k")) == 2


def test_reader_replaces_ids_in_every_column(write_log):
    text = ("case_id;activity;timestamp;Lege;Notat\n"
            f"{VALID};Innleggelse;01.06.2025 10:00;Dr {D_NUMBER};ring {VALID} i morgen\n"
            f"{VALID};Utskrivning;02.06.2025 10:00;x;y\n")
    log = pathways.read(write_log(text), key="k")
    events = log.to_pandas()
    dump = events.astype(str).to_csv()
    assert not contains_national_id(dump)
    assert set(events["case_id"]) == {pseudonym(VALID, b"k")}
    assert log.report.pseudonymised_values == 3  # one distinct value in each column


def test_key_from_environment_and_key_file(monkeypatch, tmp_path):
    monkeypatch.setenv("PATHWAYS_PSEUDONYM_KEY", "from-env")
    assert load_key() == b"from-env"
    monkeypatch.delenv("PATHWAYS_PSEUDONYM_KEY")
    key_file = tmp_path / "key"
    key_file.write_text("from-file\n")
    monkeypatch.setenv("PATHWAYS_KEY_FILE", str(key_file))
    assert load_key() == b"from-file"


def test_the_default_key_file_is_created_private(monkeypatch, tmp_path):
    from pathways.enrich import pseudonym as module

    monkeypatch.delenv("PATHWAYS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("PATHWAYS_KEY_FILE", raising=False)
    key_file = tmp_path / "sub" / "pseudonym.key"
    monkeypatch.setattr(module, "DEFAULT_KEY_FILE", key_file)
    first = load_key()
    assert len(first) == 64 and load_key() == first
    assert key_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("make", "why"), [
    (None, "which does not exist"),
    ("", "which is empty: it holds no key"),
    (" \n", "which is empty: it holds no key"),
    ("folder", "which cannot be read (Is a directory)"),
])
def test_a_key_file_named_in_the_environment_is_never_made_up(monkeypatch, tmp_path,
                                                              make, why):
    # A mistyped path must not give a fresh key whose pseudonyms do not join.
    from pathways.errors import OptionError

    monkeypatch.delenv("PATHWAYS_PSEUDONYM_KEY", raising=False)
    key_file = tmp_path / "agreed" / "key"
    if make == "folder":
        key_file.mkdir(parents=True)
    elif make is not None:
        key_file.parent.mkdir()
        key_file.write_text(make)
    monkeypatch.setenv("PATHWAYS_KEY_FILE", str(key_file))
    with pytest.raises(OptionError) as caught:
        load_key()
    assert str(caught.value).startswith(f"PATHWAYS_KEY_FILE names {key_file}, {why}. "
                                        "Point PATHWAYS_KEY_FILE at the agreed key file")
    assert key_file.exists() == (make is not None)


def test_an_empty_default_key_file_is_an_error_not_an_empty_key(monkeypatch, tmp_path):
    from pathways.enrich import pseudonym as module
    from pathways.errors import OptionError

    monkeypatch.delenv("PATHWAYS_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("PATHWAYS_KEY_FILE", raising=False)
    key_file = tmp_path / "pseudonym.key"
    key_file.write_bytes(b"")
    monkeypatch.setattr(module, "DEFAULT_KEY_FILE", key_file)
    with pytest.raises(OptionError, match=r"which is empty: it holds no key\. Put the key"):
        load_key()


@pytest.mark.parametrize("number", [VALID, D_NUMBER])
def test_contains(number):
    assert contains_national_id(f"x{number}y") == is_national_id(number)


def test_the_engine_computes_the_same_pseudonyms_and_check_digits():
    import duckdb

    from pathways.enrich.pseudonym import pseudonym_sql, valid_id_sql

    numbers = [VALID, D_NUMBER, "01010110014", "12345678901", "00000000000"]
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT v, {valid_id_sql('v')}, {pseudonym_sql('v', b'k')} "
        "FROM unnest(?) AS t(v)", [numbers]).fetchall()
    assert [(v, ok) for v, ok, _ in rows] == [(n, is_national_id(n)) for n in numbers]
    assert all(p == pseudonym(v, b"k") for v, _, p in rows)


def test_the_engines_check_digits_agree_with_pythons_on_many_numbers():
    # Random 11-digit numbers, and the same first nine digits with every
    # possible pair of check digits, so that valid ids (one in 121 of random
    # numbers) and each way of being invalid are all compared.
    import random

    import duckdb

    from pathways.enrich.pseudonym import valid_id_sql

    rng = random.Random(11)
    numbers = [f"{rng.randrange(10**11):011d}" for _ in range(5000)]
    for _ in range(60):
        stem = f"{rng.randrange(10**9):09d}"
        numbers += [f"{stem}{k1}{k2}" for k1 in range(10) for k2 in range(10)]
    rows = duckdb.connect().execute(
        f"SELECT v, {valid_id_sql('v')} FROM unnest(?) AS t(v)", [numbers]).fetchall()
    valid = sum(ok for _, ok in rows)
    assert valid > 60  # each stem has at most one valid pair; most have one
    assert [(v, ok) for v, ok in rows] == [(n, is_national_id(n)) for n in numbers]


@given(st.text(alphabet="0123456789 a-", max_size=30))
@example("15076500565")
@example("x150765 00565-")
@example("150765005651")
@example("1234567 89012")
@example("12345678901 15076500565")
def test_the_engine_preselects_exactly_the_values_holding_a_candidate(text):
    # DuckDB's pattern has no look-around; it must still pick the same values as
    # Python's, or a value with an id inside text would escape pseudonymisation.
    import duckdb

    from pathways.enrich.pseudonym import CANDIDATE, CANDIDATE_SQL

    found = duckdb.connect().execute("SELECT regexp_matches(?, ?)",
                                     [text, CANDIDATE_SQL]).fetchone()[0]
    assert found == bool(CANDIDATE.search(text))


def test_long_digit_runs_and_compact_times_are_not_candidates(write_log):
    # 12-digit episode ids and 14-digit times hold no isolated 11-digit number:
    # they are neither replaced nor sent to Python one by one.
    log = pathways.read(write_log(
        "Pasient-ID;Hendelse;Tidspunkt;Episode;Notat\n"
        "P1;Besøk;01.03.2025 10:00;150765005651;20250301103000\n"
        "P1;Besøk;02.03.2025 10:00;150765005652;ring 15076500565 i dag\n"))
    events = log.to_pandas()
    assert events["Episode"].tolist() == ["150765005651", "150765005652"]
    assert events["Notat"][0] == "20250301103000"
    assert events["Notat"][1].startswith("ring pid-")
    assert log.report.pseudonymised_values == 1
