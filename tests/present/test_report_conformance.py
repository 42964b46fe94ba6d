"""The report's conformance section: its method note, and a failure kept to a note."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import pathways
import pathways.analyse.conformance
from pathways.errors import RuleFileError
from pathways.present.messages import Messages
from tests.present.reportlogs import small_log_text


@pytest.fixture
def log(write_log):
    return pathways.read(write_log(small_log_text()))


def _page(log, tmp_path, **options) -> BeautifulSoup:
    out = pathways.report(log, tmp_path / "r.html", **options)
    return BeautifulSoup(out.read_text("utf-8"), "html.parser")


def test_the_conformance_method_note_reaches_the_page(log, tmp_path):
    method = _page(log, tmp_path, lang="en").find("section", id="method").get_text(" ")
    assert Messages("en")("m_conformance") in method


def test_a_pm4py_failure_leaves_a_note_not_a_lost_report(log, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the net has no final marking\nsecond line")

    monkeypatch.setattr(pathways.analyse.conformance, "conformance", broken)
    soup = _page(log, tmp_path, lang="en")
    section = soup.find("section", id="conformance")
    assert section.find("dl", class_="facts") is None
    expected = Messages("en")("conformance_unavailable", reason="the net has no final marking")
    assert expected in section.get_text(" ")
    assert "second line" not in section.get_text(" ")
    assert soup.find("section", id="breaks") is not None  # the rest of the page is there
    assert Messages("en")("m_conformance") not in soup.find("section", id="method").get_text(" ")


def test_our_own_errors_still_stop_the_report(log, tmp_path, monkeypatch):
    def bad_rules(*args, **kwargs):
        raise RuleFileError("kols.yaml: no rules")

    monkeypatch.setattr(pathways.analyse.conformance, "conformance", bad_rules)
    with pytest.raises(RuleFileError, match="no rules"):
        pathways.report(log, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()
