"""A patient's timeline: one journey drawn across the care-level swimlanes over time.

So that a team can walk through a case (seeds 001:543–547, 001:770–774): rows are
the care levels the case visits, in taxonomy order and grouped by tier
(municipal, specialist, none); x is time. Events are marks labelled with their
activity, hospital stays are bars, and transitions between levels are
connectors (cross-tier ones drawn heavier). The SVG is written by the
template ``templates/svg/timeline.svg`` (:mod:`pathways.present.drawing`), every
string from the log escaped, and is the same byte for byte for the same log.
Per-patient detail is confidential: the title says *Taushetsbelagt*.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pandas as pd

from pathways.analyse.measures import INPATIENT_LEVELS, materialize_stays
from pathways.enrich.levels import level_by_id, taxonomy
from pathways.enrich.pseudonym import load_key, pseudonymise_text
from pathways.errors import OptionError
from pathways.log import EventLog
from pathways.present.drawing import render_svg
from pathways.present.labels import short_label
from pathways.present.messages import Messages, in_lang
from pathways.sql import quote_identifier, sql_literal

__all__ = ["timeline"]

TIER_ORDER = ("municipal", "specialist", "none")
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
    """The geometry of one journey, written by ``templates/svg/timeline.svg``."""
    t = Messages(lang)
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
    lanes = [{"top": TOP + ROW * i, "text_y": TOP + ROW * i + ROW / 2 + 4,
              "fill": TIER_COLOURS[tier],
              "label": (f"{t(f'timeline_tier_{tier}')}: {in_lang(levels[level], lang)}"
                        if level else t("timeline_tier_unknown"))}
             for i, (level, tier) in enumerate(rows)]
    stay_y = y(next((lv for lv in INPATIENT_LEVELS if lv in index), rows[0][0])) - 9
    return render_svg(
        "timeline.svg", canvas=WIDTH + LABEL_ROOM, height=height, row=ROW, lanes=lanes,
        title=f"{t('timeline_title')} {pseudonymise_text(case_id, key)}",
        axis=_axis(start, end, x, height, timezone),
        stays=[{"x": x(stay.admit_us), "y": stay_y,
                "width": max(x(stay.end_us) - x(stay.admit_us), 2)}
               for stay in stays.itertuples()],  # a handful of stays in one journey
        connectors=_connectors(events, x, y), marks=_marks(events, x, y, timezone, key))


def _axis(start: int, end: int, x: Callable[[int], float], height: int,
          timezone: str) -> dict[str, object]:
    """Six date ticks along the bottom."""
    fmt = "%d.%m.%Y %H:%M" if end - start < 3 * 86_400_000_000 else "%d.%m.%Y"
    ticks = [start + (end - start) * k // 5 for k in range(6)]
    return {"left": LEFT, "right": WIDTH - RIGHT, "y": height - BOTTOM + 5,
            "ticks": [{"x": x(tick), "label": _local(tick, timezone, fmt)} for tick in ticks]}


def _connectors(events: pd.DataFrame, x: Callable[[int], float],
                y: Callable[[object], float]) -> list[dict[str, object]]:
    """Lines between consecutive events at different levels; cross-tier ones heavier."""
    out: list[dict[str, object]] = []
    for a, b in pairwise(events.itertuples()):  # the events of one journey
        if a.care_level == b.care_level or (pd.isna(a.care_level) and pd.isna(b.care_level)):
            continue
        cross = {a.tier, b.tier} == {"municipal", "specialist"}
        out.append({"x1": x(a.ts_us), "y1": y(a.care_level), "x2": x(b.ts_us),
                    "y2": y(b.care_level), "colour": "#c0392b" if cross else "#777777",
                    "width": "2.5" if cross else "1"})
    return out


def _marks(events: pd.DataFrame, x: Callable[[int], float], y: Callable[[object], float],
           timezone: str, key: bytes) -> list[dict[str, object]]:
    """A mark per event, its tooltip, and a label where the lane has room for it."""
    marks: list[dict[str, object]] = []
    last_label: dict[float, float] = {}
    for event in events.itertuples():  # the events of one journey
        cx, cy = x(event.ts_us), y(event.care_level)
        activity = short_label(pseudonymise_text(str(event.activity), key))
        day_only = event.time_precision == "day"
        when = _local(int(event.ts_us), timezone, "%d.%m.%Y" if day_only else "%d.%m.%Y %H:%M")
        # Which extract the event came from (a sources file, DESIGN §3b).
        origin = f" ({event.source})" if isinstance(event.source, str) else ""
        labelled = cx - last_label.get(cy, -LABEL_GAP) >= LABEL_GAP
        if labelled:
            last_label[cy] = cx
        marks.append({"x": cx, "y": cy, "tooltip": f"{activity}, {when}{origin}",
                      "label": activity, "labelled": labelled})
    return marks
