"""Section 6: the most frequent journeys, by care level and by activity."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pathways.analyse.transitions import (
    variants,
)
from pathways.log import EventLog
from pathways.present.messages import Messages
from pathways.present.numbers import (
    pct_text,
)
from pathways.present.report.context import ReportOptions, count_cell, level_name, table_note
from pathways.present.suppression import (
    Status,
    sum_line,
    suppress,
)
from pathways.present.tables import Cell, Column, Table

#: Variants listed per table.
TOP_VARIANTS = 10


@dataclass(frozen=True)
class VariantsContext:
    """Section 6a: the most frequent journeys, by care level and by activity."""

    #: Journeys by care level: variant, cases and share of all cases.
    by_level: Table
    #: The same by activity.
    by_activity: Table


def variants_section(log: EventLog, t: Messages, opts: ReportOptions) -> VariantsContext:
    """Section 6a from :func:`pathways.analyse.transitions.variants`."""
    tables = []
    for by, caption in (("care_level", t("variants_levels")),
                        ("activity", t("variants_activities"))):
        frame = variants(log, by=by, top=TOP_VARIANTS)
        status = _variant_status(frame, int(log.describe()["cases"]), opts)
        table = Table(caption, [Column(t("variant")), Column(t("cases"), True),
                                Column(t("share"), True)])
        for i, (variant, cases, share) in enumerate(frame.itertuples(index=False)):
            steps = variant.split(" → ")
            if by == "care_level":
                steps = [level_name(s, opts.lang) for s in steps]
            hidden = status[i] != "shown"  # a share gives its count back
            table.rows.append([
                Cell(" → ".join(steps)), count_cell(int(cases), opts, status[i]),
                Cell("–", sort=-1) if hidden else Cell(pct_text(float(share), opts.lang, 1),
                                                       sort=float(share)),
            ])
        tables.append(Table(caption, table.columns, table.rows,
                            note=table_note(t, opts, table.rows)))
    return VariantsContext(by_level=tables[0], by_activity=tables[1])


def _variant_status(frame: pd.DataFrame, cases: int,
                    opts: ReportOptions) -> dict[object, Status]:
    """Suppression of the top variants beside all cases.

    The variants after the top ten, taken together, are a count the page
    never shows.
    """
    values: dict[object, int] = dict(enumerate(map(int, frame["cases"])))
    rest = cases - sum(values.values())
    values |= {"all": cases, "rest": max(rest, 0)}
    members = [*range(len(frame)), *(["rest"] if rest > 0 else [])]
    lines = sum_line("all", members, values)
    return suppress(values, lines, min_count=opts.min_count, unshown=("rest",),
                    keep=("all",))
