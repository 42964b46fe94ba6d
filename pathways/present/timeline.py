"""A patient's timeline: one journey drawn across the care-level swimlanes over time.

So that a team can walk through a case (seeds 001:543–547, 001:770–774): rows are
the care levels the case visits, in taxonomy order and grouped by tier
(municipal, specialist, none); x is time. Events are marks labelled with their
activity, hospital stays are bars, and transitions between levels are
connectors (cross-tier ones drawn heavier). The SVG is built by hand, every
string from the log escaped, and is the same byte for byte for the same log.
Per-patient detail is confidential: the title says *Taushetsbelagt*.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

import pandas as pd

from pathways.analyse.measures import INPATIENT_LEVELS, materialize_stays
from pathways.enrich.levels import level_by_id, taxonomy
from pathways.enrich.pseudonym import load_key, pseudonymise_text
from pathways.errors import OptionError
from pathways.log import EventLog
from pathways.present.labels import short_label
from pathways.present.messages import in_lang
from pathways.sql import quote_identifier, sql_literal

__all__ = ["timeline"]

TIER_ORDER = ("municipal", "specialist", "none")
TIER_LABELS = {
    "nb": {"municipal": "Kommune", "specialist": "Spesialisthelsetjenesten",
           "none": "Hjemme", "unknown": "Ukjent nivå"},
    "en": {"municipal": "Municipal", "specialist": "Specialist", "none": "Home",
           "unknown": "Unknown level"},
}
TITLE = {"nb": "Taushetsbelagt – forløp", "en": "Confidential – journey"}
TIER_COLOURS = {"municipal": "#e8f1e4", "specialist": "#e4ecf7", "none": "#f4f4f4",
                "unknown": "#fbeaea"}
LEFT, RIGHT, TOP, ROW, BOTTOM, WIDTH = 250, 40, 80, 56, 50, 1100
#: Pixels along a lane between two written activity labels: closer events keep
#: their mark and its tooltip, but their labels would overwrite each other.
LABEL_GAP = 30
#: Room right of the plot for the labels of the last events.
LABEL_ROOM = 150


def timeline_page(svg: str, lang: str) -> str:
    """The timeline as a self-contained HTML page (for ``-o FILE.html``).

    The page's title is the drawing's own (already escaped) title.
    """
    start = svg.index("<title>") + len("<title>")
    title = svg[start:svg.index("</title>", start)]
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="robots" content="noindex">\n<title>{title}</title>\n</head>\n'
            f"<body>\n{svg}\n</body>\n</html>\n")


def _case_events(log: EventLog, case_id: str) -> pd.DataFrame:
    literal = sql_literal(case_id)
    have = set(log.columns())
    extra = "".join(f", {c}" if c in have else f", NULL AS {c}"
                    for c in ("source", "time_precision"))
    return log.engine.query(f"""
        SELECT activity, care_level, tier, ts_us, end_us{extra} FROM {log.table}
        WHERE case_id = {literal} ORDER BY event_idx
    """)


def _case_holding(log: EventLog, value: str) -> str | None:
    """The one case with ``value`` (a pseudonym) in any of its columns, else None."""
    literal = sql_literal(value)
    skip = {"case_id", "timestamp", "end_timestamp", "ts_us", "end_us", "event_idx",
            "row_no", "next_ts_us"}
    tests = " OR ".join(f"CAST({quote_identifier(c)} AS VARCHAR) = {literal}"
                        for c in log.engine.columns(log.table) if c not in skip)
    if not tests:
        return None
    found = log.engine.query(
        f"SELECT DISTINCT case_id FROM {log.table} WHERE {tests} LIMIT 2")["case_id"]
    return str(found.iloc[0]) if len(found) == 1 else None


def _case_stays(log: EventLog, case_id: str) -> pd.DataFrame:
    materialize_stays(log)
    literal = sql_literal(case_id)
    return log.engine.query(f"""
        SELECT admit_us, coalesce(discharge_us, admit_us) AS end_us FROM _m_stays
        WHERE case_id = {literal} ORDER BY stay_no
    """)


def _rows(levels: pd.Series) -> list[tuple[str | None, str]]:
    """Return the swimlanes: (level id or None, tier) in tier order, then taxonomy order."""
    present = set(levels.dropna())
    known = [lv for lv in taxonomy() if lv.id in present]
    known.sort(key=lambda lv: TIER_ORDER.index(lv.tier))
    rows: list[tuple[str | None, str]] = [(lv.id, lv.tier) for lv in known]
    if levels.isna().any():
        rows.append((None, "unknown"))
    return rows


def _local(ts_us: int, timezone: str, fmt: str) -> str:
    instant = datetime.fromtimestamp(ts_us / 1e6, tz=UTC).astimezone(ZoneInfo(timezone))
    return instant.strftime(fmt)


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    # class_ stands for class (a Python keyword); font_size for font-size
    extra = "".join(f" {k.rstrip('_').replace('_', '-')}={quoteattr(v)}"
                    for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def timeline(log: EventLog, case_id: str, *, lang: str = "nb",
             key: bytes | str | None = None) -> str:
    """Draw one case's journey across the care-level swimlanes as SVG.

    Parameters
    ----------
    log : EventLog
    case_id : str
        The case, as it appears in the log (a pseudonym when the source held
        national identity numbers).
    lang : {'nb', 'en'}
        Language of level and tier labels and the title.
    key : bytes or str, optional
        The pseudonym key the log was read with, when not the default one
        (see :func:`pathways.enrich.pseudonym.load_key`): a national identity
        number given as ``case_id``, and any left in the labels, are
        pseudonymised with it.

    Returns
    -------
    str
        A standalone SVG document, marked confidential in its title.

    Raises
    ------
    OptionError
        If ``lang`` is not allowed or the case is not in the log.
    """
    if lang not in ("nb", "en"):
        raise OptionError(f"lang must be one of 'nb', 'en'; got {lang!r}.")
    # A national identity number given as the case is looked up by its pseudonym,
    # as the log holds it, and is never echoed.
    secret = load_key(key)
    given = case_id
    case_id = pseudonymise_text(given, secret)
    events = _case_events(log, case_id)
    if events.empty and case_id != given:
        # the number may be in a column of its own (Fødselsnummer) beside the case id
        case_id = _case_holding(log, case_id) or case_id
        events = _case_events(log, case_id)
    if events.empty:
        raise OptionError(
            f"No case {case_id!r} in {log.report.source}. Case ids are shown as the log "
            "holds them after reading (national identity numbers become pseudonyms "
            "'pid-…', and a number given here is looked up by its pseudonym); list them "
            "with pathways.read(LOG).to_pandas(['case_id']) or "
            "'pathways measures LOG --format json --show-cases'.")
    return _draw(events, _case_stays(log, case_id), case_id, lang, log.report.timezone,
                 secret)


def _draw(events: pd.DataFrame, stays: pd.DataFrame, case_id: str, lang: str,
          timezone: str, key: bytes) -> str:
    rows = _rows(events["care_level"])
    index = {level: i for i, (level, _) in enumerate(rows)}
    start = int(events["ts_us"].min())
    end = int(max(events["ts_us"].max(), events["end_us"].dropna().max()
                  if events["end_us"].notna().any() else 0))
    span = max(end - start, 1)
    plot = WIDTH - LEFT - RIGHT
    height = TOP + ROW * len(rows) + BOTTOM

    def x(ts: int) -> float:
        return LEFT + (ts - start) / span * plot

    def y(level: object) -> float:
        return TOP + ROW * index[None if pd.isna(level) else level] + ROW / 2

    levels = level_by_id()
    shown = pseudonymise_text(case_id, key)
    stay_y = y(next((lv for lv in INPATIENT_LEVELS if lv in index), rows[0][0])) - 9
    canvas = WIDTH + LABEL_ROOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas}" height="{height}" '
             f'viewBox="0 0 {canvas} {height}" font-family="sans-serif" font-size="11">',
             f"<title>{escape(f'{TITLE[lang]} {shown}')}</title>",
             _text(10, 24, f"{TITLE[lang]} {shown}",
                   font_size="16", font_weight="bold")]
    for i, (level, tier) in enumerate(rows):
        top = TOP + ROW * i
        label = in_lang(levels[level], lang) if level else TIER_LABELS[lang]["unknown"]
        parts.append(f'<rect x="0" y="{top}" width="{canvas}" height="{ROW}" '
                     f'fill="{TIER_COLOURS[tier]}" stroke="#ffffff"/>')
        parts.append(_text(10, top + ROW / 2 + 4, f"{TIER_LABELS[lang].get(tier, '')}: "
                           f"{label}" if level else label, class_="level"))
    parts += _axis(start, end, x, height, timezone)
    for stay in stays.itertuples():  # a handful of stays in one journey
        parts.append(f'<rect class="stay" x="{x(stay.admit_us):.1f}" '
                     f'y="{stay_y:.1f}" '
                     f'width="{max(x(stay.end_us) - x(stay.admit_us), 2):.1f}" height="18" '
                     f'fill="#7aa6d8" fill-opacity="0.5"/>')
    parts += _connectors(events, x, y)
    last_label: dict[float, float] = {}
    for event in events.itertuples():  # the events of one journey
        cx, cy = x(event.ts_us), y(event.care_level)
        activity = short_label(pseudonymise_text(str(event.activity), key))
        day_only = event.time_precision == "day"
        when = _local(int(event.ts_us), timezone, "%d.%m.%Y" if day_only else "%d.%m.%Y %H:%M")
        # Which extract the event came from (a sources file, DESIGN §3b).
        origin = f" ({event.source})" if isinstance(event.source, str) else ""
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#1f4e79">'
                     f"<title>{escape(f'{activity}, {when}{origin}')}</title></circle>")
        if cx - last_label.get(cy, -LABEL_GAP) >= LABEL_GAP:
            last_label[cy] = cx
            parts.append(_text(cx + 3, cy - 8, activity,
                               transform=f"rotate(-25 {cx + 3:.1f} {cy - 8:.1f})",
                               class_="activity"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _axis(start: int, end: int, x: Callable[[int], float], height: int,
          timezone: str) -> list[str]:
    """Six date ticks along the bottom."""
    base = height - BOTTOM + 15
    ticks = [start + (end - start) * k // 5 for k in range(6)]
    fmt = "%d.%m.%Y %H:%M" if end - start < 3 * 86_400_000_000 else "%d.%m.%Y"
    out = [f'<line x1="{LEFT}" y1="{base - 10}" x2="{WIDTH - RIGHT}" y2="{base - 10}" '
           'stroke="#555555"/>']
    for tick in ticks:
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{base - 14}" x2="{tx:.1f}" y2="{base - 6}" '
                   'stroke="#555555"/>')
        out.append(_text(tx, base + 8, _local(tick, timezone, fmt), text_anchor="middle"))
    return out


def _connectors(events: pd.DataFrame, x: Callable[[int], float],
                y: Callable[[object], float]) -> list[str]:
    """Lines between consecutive events at different levels; cross-tier ones heavier."""
    out = []
    for a, b in pairwise(events.itertuples()):
        if a.care_level == b.care_level or (pd.isna(a.care_level) and pd.isna(b.care_level)):
            continue
        cross = {a.tier, b.tier} == {"municipal", "specialist"}
        width, colour = ("2.5", "#c0392b") if cross else ("1", "#777777")
        out.append(f'<line class="transition" x1="{x(a.ts_us):.1f}" '
                   f'y1="{y(a.care_level):.1f}" x2="{x(b.ts_us):.1f}" '
                   f'y2="{y(b.care_level):.1f}" stroke="{colour}" '
                   f'stroke-width="{width}" stroke-dasharray="4 3"/>')
    return out
