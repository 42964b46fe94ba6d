"""Section 9: how the numbers were made (method notes and facts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pathways.log import EventLog
from pathways.present.messages import Messages
from pathways.present.report.context import ReportOptions
from pathways.readers.spark_load import FINGERPRINT


@dataclass(frozen=True)
class MethodContext:
    """Section 9: what the numbers mean, the thresholds, and what made the page."""

    #: The method notes.
    paragraphs: list[str]
    #: Software version, input file name and its SHA-256 checksum.
    facts: list[tuple[str, str]]


def method_section(log: EventLog, t: Messages, opts: ReportOptions, *,
                   extra: list[str] | None = None) -> MethodContext:
    """Section 9: the notes every reader needs before trusting a number."""
    from pathways import __version__
    from pathways.analyse.runchart import MIN_USEFUL_POINTS

    paragraphs = [
        t("m_signal"), t("m_rules"), t("m_kinds"), t("m_rates"),
        t("m_suppression", limit=opts.min_count - 1, min_count=opts.min_count),
        t("m_waiting"), t("m_runchart", minimum=MIN_USEFUL_POINTS), t("m_levels"),
        t("m_times", timezone=log.report.timezone), *(extra or []), t("m_key"),
    ]
    checksum = (t("m_checksum"), log.report.sha256)
    if log.report.sha256.startswith(FINGERPRINT):  # a file Spark read from a URI
        checksum = (t("m_fingerprint"), log.report.sha256.removeprefix(FINGERPRINT))
    facts = [(t("m_software"), f"pathways {__version__}"),
             (t("m_input"), Path(log.report.source).name), checksum]
    return MethodContext(paragraphs=paragraphs, facts=facts)
