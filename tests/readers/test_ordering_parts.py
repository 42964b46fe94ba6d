"""A large log is ordered a part of its cases at a time: the log is the one a single part gives."""

from __future__ import annotations

import pandas as pd
import pytest

import pathways
from pathways.readers import canonical
from tests.conftest import REPO, SAMPLE_CSV

REGISTERS = SAMPLE_CSV.parent / "registers" / "helsefellesskap.yaml"
#: Maps lab tests to "inherit": their level comes from the event before them.
SEPSIS_LEVELS = REPO / "eventlogs" / "sepsis-levels.yaml"


def _tables(path, **options):
    log = pathways.read(path, **options)
    return {t: log.engine.query(f"SELECT * FROM {t} ORDER BY ALL")
            for t in ("events", "read_problems", "case_cohorts")}


@pytest.mark.parametrize("part_rows", [997, 4000])
def test_parts_give_the_log_one_part_gives(monkeypatch, part_rows):
    whole = {path: _tables(path) for path in (SAMPLE_CSV, REGISTERS)}
    monkeypatch.setattr(canonical, "ORDER_PARTS_FROM", 0)
    monkeypatch.setattr(canonical, "ORDER_PART_ROWS", part_rows)
    for path, tables in whole.items():
        parted = _tables(path)
        for name, frame in tables.items():
            pd.testing.assert_frame_equal(parted[name], frame, obj=f"{path.name} {name}")
    assert len(whole[SAMPLE_CSV]["events"]) > 10_000


def test_parts_keep_inherited_levels(monkeypatch, sepsis_csv):
    whole = _tables(sepsis_csv, levels=SEPSIS_LEVELS)
    monkeypatch.setattr(canonical, "ORDER_PARTS_FROM", 0)
    monkeypatch.setattr(canonical, "ORDER_PART_ROWS", 5000)
    parted = _tables(sepsis_csv, levels=SEPSIS_LEVELS)
    for name, frame in whole.items():
        pd.testing.assert_frame_equal(parted[name], frame, obj=name)


def test_parts_keep_a_national_id_case_whole_however_it_is_written(monkeypatch, tmp_path):
    # The case ids are national ids; one patient's is written in three forms,
    # which become one pseudonym: its events must be ordered in one part.
    from tests.attack import national_id

    ids = [national_id(day, 3, 60 + day, 100 + day) for day in range(1, 29)]
    forms = [lambda n: n, lambda n: f"{n[:6]}-{n[6:]}", lambda n: f" {n[:6]} {n[6:]}"]
    rows = ["Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå"]
    for i, number in enumerate(ids):
        for step, (activity, level) in enumerate([("Legevaktkonsultasjon", "Legevakt"),
                                                  ("Innleggelse", "Sengepost"),
                                                  ("Utskrivning", "Sengepost")]):
            written = forms[(i + step) % 3](number)
            rows.append(f"{written};{activity};{1 + i % 27:02d}.03.2025 {8 + step:02d}:00;{level}")
    rows.append(";Innleggelse;01.03.2025 10:00;Sengepost")  # no case id: rejected
    path = tmp_path / "ids.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    whole = _tables(path)
    assert whole["events"]["case_id"].nunique() == len(ids)
    monkeypatch.setattr(canonical, "ORDER_PARTS_FROM", 0)
    monkeypatch.setattr(canonical, "ORDER_PART_ROWS", 10)
    parted = _tables(path)
    for name, frame in whole.items():
        pd.testing.assert_frame_equal(parted[name], frame, obj=name)


@pytest.mark.parametrize("pad", [False, True])
def test_parts_keep_a_case_whole_when_its_id_is_written_with_spaces(monkeypatch, tmp_path, pad):
    # "P7", " P7" and "P7 " are one case (values are trimmed): its rows are
    # found in its part whether or not some id has spaces around it.
    rows = ["case;activity;timestamp;care_level"]
    forms = ["P{}", " P{}", "P{} "] if pad else ["P{}"] * 3
    for i in range(40):
        for step, form in enumerate(forms):
            day, hour = 1 + i % 27, 8 + step
            rows.append(f"{form.format(i)};Innleggelse;2025-03-{day:02d} {hour:02d}:00;Sengepost")
    path = tmp_path / "padded.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    whole = _tables(path)
    assert len(whole["events"]) == 120 and whole["events"]["case_id"].nunique() == 40
    monkeypatch.setattr(canonical, "ORDER_PARTS_FROM", 0)
    monkeypatch.setattr(canonical, "ORDER_PART_ROWS", 25)
    parted = _tables(path)
    for name, frame in whole.items():
        pd.testing.assert_frame_equal(parted[name], frame, obj=name)
