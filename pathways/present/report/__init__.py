"""The report: one self-contained HTML page a health community brings to its meeting.

One module per section, each building its section's context (a frozen
dataclass) from the results: :mod:`.summary` (1), :mod:`.levelmap` (2),
:mod:`.transitions` (3), :mod:`.breaks` (4), :mod:`.runcharts` (5),
:mod:`.variants` (6), :mod:`.measures` (7), :mod:`.conformance` (8),
:mod:`.method` (9), and :mod:`.findings` (the key findings first) and
:mod:`.drill` (rates by cohort, municipality and period). :mod:`.context` holds
what they share (the user's options, count cells, notes); :mod:`.page` puts
them together and renders ``templates/report.html``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathways.present.report.page import COMPARE, ReportContext, render_report, report

__all__ = ["COMPARE", "ReportContext", "render_report", "report"]


def __getattr__(name: str) -> Any:
    """The page's names, loaded on first use.

    Loading them eagerly would import every section when any module imports
    one of the package's modules (``context``), and the measures' tables,
    which share ``context`` with the sections, would import themselves.
    """
    if name in __all__:
        from pathways.present.report import page

        return getattr(page, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
