"""The benchmark's hand-written read of the four extracts does pathways' work (issue 18 item 1).

``benchmarks/registers.py`` holds ``pathways.read`` of a sources file to within 1.3× of
``benchmarks/hand_sources.py``; that yardstick means something only while it gives the
events pathways gives. On the bundled register sample (its rows left out included) every
count per source and activity agrees, and event by event, matched by case and place, only
the two columns the script leaves to pathways differ.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_hand_written_sources_give_pathways_events(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    sys.modules.pop("hand_sources", None)
    from hand_sources import compare_with_pathways

    counts_differing, matched, columns = compare_with_pathways(ROOT / "eventlogs" / "registers")
    assert counts_differing == 0, capsys.readouterr().out
    assert matched == 6217
    # municipality: pathways numbers merged municipalities by kommuner.csv; mottaker:
    # pathways hashes the national ids written in it
    assert set(columns) == {"municipality", "mottaker"}
