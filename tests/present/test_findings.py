"""Key findings from the rule table: rates of rules the log can judge, and a caveat for the rest."""

from __future__ import annotations

import pandas as pd

from pathways.present.messages import Messages
from pathways.present.report.context import ReportOptions
from pathways.present.report.findings import rule_findings


def test_a_rule_whose_expected_event_never_occurs_is_a_caveat_not_a_finding():
    # kols/epikrise: 12 of 40 broken; kols/legemiddel: 30 of 30 missing (the
    # extract holds no medication reconciliation); kols/fastlege: 6 of 20.
    summary = pd.DataFrame({
        "pathway": ["kols", "kols", "kols"],
        "rule_id": ["epikrise-1d", "legemiddelsamstemming-1d", "fastlege-14d"],
        "title": ["Epikrise sen", "Ingen legemiddelsamstemming", "Ingen fastlege"],
        "evaluated": [40, 30, 20], "broken": [12, 30, 6], "missing": [4, 30, 6]})
    found = rule_findings(summary, {}, Messages("nb"), ReportOptions())
    rules = [f.text for f in found if f.kind == "rule"]
    assert len(rules) == 2 and not any("legemiddel" in text for text in rules)
    assert [f.weight for f in found if f.kind == "rule"] == [0.3, 0.3]
    caveat = [f.text for f in found if f.kind == "quality"]
    assert len(caveat) == 1 and "hver eneste utløser" in caveat[0]
    assert "kols/legemiddelsamstemming-1d" in caveat[0]
