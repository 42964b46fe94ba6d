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

from pathways.present.report.page import COMPARE, ReportContext, render_report, report

__all__ = ["COMPARE", "ReportContext", "render_report", "report"]
