"""``pathways report`` on the command line."""

from __future__ import annotations

from bs4 import BeautifulSoup
from click.testing import CliRunner

from pathways.cli import main
from tests.present.reportlogs import small_log_text


def test_report_writes_the_page(write_log, tmp_path):
    log = write_log(small_log_text())
    out = tmp_path / "rapport.html"
    result = CliRunner().invoke(main, ["report", str(log), "-o", str(out), "--lang", "en",
                                       "--min-count", "3", "--period", "tertial",
                                       "--intervention", "2025-03-15:New routine"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stderr
    assert result.stdout == ""
    soup = BeautifulSoup(out.read_text("utf-8"), "html.parser")
    assert soup.html["lang"] == "en"
    rows = soup.find("table", class_="municipalities").find("tbody").find_all("tr")
    assert [r.find_all("td")[1].get_text() for r in rows] == ["8", "3"]


def test_report_checks_the_output_folder_first(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path / "missing.csv"),
                                       "-o", str(tmp_path / "no" / "r.html")])
    assert result.exit_code == 2
    assert "the folder" in result.stderr and "does not exist" in result.stderr


def test_report_refuses_a_bad_intervention(write_log, tmp_path):
    log = write_log(small_log_text())
    result = CliRunner().invoke(main, ["report", str(log), "-o", str(tmp_path / "r.html"),
                                       "--intervention", "next week:Ny rutine"])
    assert result.exit_code == 2
    assert "DATE:LABEL" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_help_has_an_example():
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--intervention" in result.output


def test_cohort_limits_a_named_pathway_to_its_patients(tmp_path):
    # A named pathway applies to every case; --cohort kols gives the COPD rules'
    # triggers of COPD patients only, the same numbers as 'pathways breaks'.
    import pathways
    from pathways.analyse.breaks import rule_summary

    sample = "eventlogs/sample.csv"
    log = pathways.read(sample)
    every = rule_summary(log, pathway="kols").set_index("rule_id")["evaluated"]
    copd = rule_summary(log, pathway="kols", cohort="kols").set_index("rule_id")["evaluated"]
    assert (copd < every).all()
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", sample, "-o", str(out), "--pathway", "kols",
                                       "--cohort", "kols", "-q"])
    assert result.exit_code == 0, result.output
    rows = BeautifulSoup(out.read_text("utf-8"), "html.parser").find(
        "table", class_="breaks-rule").find("tbody").find_all("tr")
    shown = {r.find_all("td")[1].get_text().rsplit("(", 1)[1].rstrip(")"):
             int(r.find_all("td")[3].get_text()) for r in rows}
    assert shown == copd.to_dict()


def test_report_and_timeline_refuse_a_file_type_they_do_not_write(write_log, tmp_path):
    log = write_log(small_log_text())
    result = CliRunner().invoke(main, ["report", str(log), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: Cannot write {tmp_path / 'r.pdf'}: the report is written "
                             "as .html or .htm, not .pdf. Name the file r.html.\n")
    timeline = CliRunner().invoke(main, ["timeline", str(log), "A01", "-o",
                                         str(tmp_path / "t.png")])
    assert timeline.exit_code == 2
    assert ("the timeline is written as .svg or .html or .htm, not .png. Name the file t.svg."
            in timeline.stderr)
    assert list(tmp_path.iterdir()) == [log]
