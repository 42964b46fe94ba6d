"""Progress and feedback (pathways/progress.py): stage times, the bar, nesting."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from pathways import progress
from pathways.cli import main
from pathways.engine import DuckDBEngine

SAMPLE = Path(__file__).resolve().parent.parent / "eventlogs" / "sample.csv"


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch):
    monkeypatch.setattr(progress, "_settings", progress._Settings())


class Halfway:
    def query_progress(self) -> float:
        return 42.0


def test_verbose_prints_each_stage_time_with_inner_steps_indented(capsys):
    progress.configure(verbose=True)
    with progress.stage("Reading log.csv"), progress.stage("national ids"):
        pass
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("  national ids: ") and lines[0].endswith(" s")
    assert lines[1].startswith("Reading log.csv: ")


def test_no_display_unless_a_terminal_and_a_large_log(monkeypatch):
    shown = []
    monkeypatch.setattr(progress, "_display", lambda: shown.append(1))
    progress.configure()  # pytest's stderr is not a terminal
    progress.mark_size(events=10_000_000)
    with progress.stage("work"):
        pass
    progress._settings.show = True
    progress.mark_size(events=10)
    with progress.stage("work"):
        pass
    assert shown == []


def test_bar_shows_the_running_query_and_the_inner_step(monkeypatch):
    out = io.StringIO()
    made = []
    real_display = progress._display

    def display():
        made.append(real_display(Console(file=out, force_terminal=True, width=120)))
        return made[-1]

    monkeypatch.setattr(progress, "_display", display)
    progress._settings.show = True
    progress.mark_size(events=5_000_000)
    source = Halfway()
    progress.follow(source)
    with progress.stage("Reading big.csv"):
        with progress.stage("duplicates"):
            bar = made[0]
            assert bar.tasks[0].description == "Reading big.csv – duplicates"
            out.truncate(0)
            bar.console.print(bar.get_renderable())
            assert "42%" in out.getvalue()
            assert "Reading big.csv – duplicates" in out.getvalue()
        assert bar.tasks[0].description == "Reading big.csv"
    assert len(made) == 1  # the inner step used the outer bar


def test_the_engine_is_held_weakly():
    engine = Halfway()
    progress.follow(engine)
    assert progress.query_percent() == 42.0
    del engine
    assert progress.query_percent() == -1.0  # gone: the bar pulses, the engine is freed


def test_engine_reports_its_query_progress_when_a_display_is_wanted():
    progress._settings.show = True
    engine = DuckDBEngine()
    assert progress._settings.source() is engine
    assert engine.scalar("SELECT current_setting('enable_progress_bar')") is True
    assert engine.query_progress() == -1.0  # nothing running


def test_cli_verbose_lists_stages(tmp_path):
    result = CliRunner().invoke(main, ["discover", str(SAMPLE), "--verbose", "--miner", "dfg",
                                       "-o", str(tmp_path / "map.svg")])
    assert result.exit_code == 0, result.output
    err = result.stderr
    for line in ("  loading the file: ", "  national ids: ", "  duplicates: ",
                 "  ordering events by case and time: ", "Reading sample.csv: ",
                 "Discovering (dfg): ", "Drawing map.svg: "):
        assert line in err, err
    assert "━" not in err  # no terminal: no bar
