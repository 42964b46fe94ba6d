"""Short text summaries printed by the commands."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pathways.analyse.transitions import variants
from pathways.enrich.levels import level_by_id
from pathways.log import EventLog
from pathways.present.messages import Messages, in_lang
from pathways.present.suppression import status_text, suppress

#: The words of the summary, each the catalogue's ``summary_<word>``.
WORDS = ("cases", "events", "period", "levels", "variants", "unknown", "dups", "fnr")


def local_date(ts_us: int | None, timezone: str) -> str:
    """A timestamp (µs since the epoch) as a local date."""
    if ts_us is None:
        return "-"
    instant = datetime.fromtimestamp(ts_us / 1e6, tz=UTC).astimezone(ZoneInfo(timezone))
    return instant.strftime("%Y-%m-%d")


def log_summary(log: EventLog, *, lang: str = "nb", top: int = 5, min_count: int = 5) -> str:
    """Cases, events, period, levels and the most common level variants.

    Variants followed by fewer than ``min_count`` cases are not listed;
    counts below it are ``<min_count``, and the events by level are
    suppressed together with their total (a level without a name, counted
    but not printed, still takes part in the sum the reader can do).
    """
    t = Messages("en" if lang == "en" else "nb")
    w = {word: t(f"summary_{word}") for word in WORDS}
    facts = log.describe()
    tz = log.report.timezone
    levels = log.engine.query(
        f"SELECT care_level, count(*) AS n FROM {log.table} "
        "GROUP BY 1 ORDER BY care_level IS NULL, 2 DESC, 1")
    # The events by level add up to all events: small counts are hidden, and
    # one more where a small one could be worked out (issue 12 item 4).
    keys = [("level", i) for i in range(len(levels))]
    values = {"cases": int(facts["cases"]), "events": int(facts["events"]),
              **dict(zip(keys, map(int, levels["n"]), strict=True))}
    status = suppress(values, [("events", keys)], min_count=min_count)

    def shown(key: object) -> str:
        return status_text(values[key], status[key], str(values[key]), min_count)

    lines = [
        f"{log.report.source}: {shown('cases')} {w['cases']}, {shown('events')} {w['events']}",
        f"{w['period']}: {local_date(facts['first_us'], tz)} – {local_date(facts['last_us'], tz)}",
    ]
    names = level_by_id()
    listed = ", ".join(
        f"{in_lang(names[lv], lang) if lv in names else lv} {shown(key)}"
        for key, lv in zip(keys, levels["care_level"], strict=True) if isinstance(lv, str))
    lines.append(f"{w['levels']}: {listed or '-'}")
    unknown = sum(log.report.unknown_levels.values())
    if unknown:
        lines.append(f"{w['unknown']}: {unknown}")
    if log.report.duplicates_dropped:
        lines.append(f"{w['dups']}: {log.report.duplicates_dropped}")
    if log.report.pseudonymised_values:
        lines.append(f"{w['fnr']}: {log.report.pseudonymised_values}")
    top_variants = variants(log, by="care_level", top=top)
    top_variants = top_variants[top_variants["cases"] >= min_count]
    if len(top_variants):
        lines.append(f"{w['variants']}:")
        for variant, cases, share in top_variants.itertuples(index=False):
            steps = [in_lang(names[s], lang) if s in names else s for s in variant.split(" → ")]
            lines.append(f"  {cases:>6} ({share:.0%})  {' → '.join(steps)}")
    return "\n".join(lines)
