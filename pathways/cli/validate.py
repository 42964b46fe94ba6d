"""``pathways validate``: what is wrong with a log, row by row, and can it be used."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from pathways.cli.common import READ_KEYS, log_options

#: How each reason code is introduced in the text report.
HEADINGS = {
    "missing_case_id": "Rows without a case id (left out)",
    "missing_activity": "Rows without an activity (left out)",
    "missing_time": "Rows without a time (left out)",
    "unparseable_time": "Rows whose time cannot be read (left out; see --date-format)",
    "implausible_time": "Rows with a time before 1900 or after 2100 (left out)",
    "duplicate_row": "Exact duplicate rows (dropped; the first copy is kept)",
    "dst_ambiguous": "Local times in the repeated autumn hour (kept, read as summer time)",
    "dst_nonexistent": "Local times in the skipped spring hour (kept, moved one hour on)",
    "rejected_message": "Messages the receiver rejected (left out: not counted as sent)",
    "cancelled_notice": "Notices cancelled by a later message (left out)",
    "future_date": "Times in the future (kept)",
    "end_before_start": "Ends before the start (kept without the end: no duration or wait)",
    "unknown_level": "Events without a known care level (kept, level unknown)",
    "single_event_case": "Cases with only one event (kept; the row of that event)",
    "unknown_municipality": "Municipality numbers not in the municipality list (kept as "
                            "written; see --municipalities)",
}

LEVELS_HINT = "map them with --levels FILE (YAML: by: activity, levels: {value: level})"
LEVELS_GIVEN_HINT = ("add them to the --levels file; a value mapped to 'inherit' is listed "
                     "here when its case has no earlier event with a level")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs (lists every row).")
@click.option("--max-rows", type=click.IntRange(0), default=20, show_default=True,
              help="In text, list at most this many rows per kind of problem.")
@log_options
def validate(log_path: Path, fmt: str, max_rows: int, **options: Any) -> None:
    """Check LOG and list its problems with the file's row numbers.

    Reports unreadable times, missing ids, unknown care levels, duplicates,
    cases with one event, future dates and daylight-saving-ambiguous times.
    Rows are data rows counted from 1 after the header. Exits 0 when the log
    can be analysed (warnings do not stop it) and 1 when it cannot.

    Example:

        pathways validate eventlogs/sample.csv --max-rows 5
    """
    import pathways
    from pathways.progress import configure, stage

    configure(quiet=options.pop("quiet", False), verbose=options.pop("verbose", False))
    read_args = {k: options[k] for k in READ_KEYS if options.get(k) is not None}
    with stage(f"Reading {log_path.name}"):
        result = pathways.validate(log_path, max_rows=None if fmt == "json" else max_rows,
                                   **read_args)
    if fmt == "json":
        click.echo(json.dumps(validation_json(result), ensure_ascii=False, indent=2))
    else:
        click.echo(validation_text(result, max_rows=max_rows,
                                   levels_given=options.get("levels") is not None))
    if not result.usable:
        for error in result.errors:
            click.echo(f"Error: {error}", err=True)
        sys.exit(1)


def validation_json(result: Any) -> dict[str, Any]:
    """Build the JSON document of a :class:`pathways.Validation`."""
    problems = result.problems.astype(object).where(result.problems.notna(), None)
    return {
        "source": result.source,
        "usable": result.usable,
        "errors": list(result.errors),
        "report": asdict(result.report) if result.report is not None else None,
        "counts": result.counts,
        "tied_events": result.tied_events,
        "problems": [
            {k: (int(v) if k == "row" else v) for k, v in record.items()}
            for record in problems.to_dict(orient="records")
        ],
    } | ({} if result.sources is None else {
        "sources": [{k: v for k, v in s.items() if k != "label"} for s in result.sources],
        "linkage": result.linkage,
        "cohorts": result.cohorts,
    })


def validation_text(result: Any, *, max_rows: int | None = None,
                    levels_given: bool = False) -> str:
    """Build the text report of a :class:`pathways.Validation`.

    At most ``max_rows`` rows per kind of problem and unknown level values
    (the commonest first) are listed.
    """
    report = result.report
    if report is None:
        return f"{result.source}: NOT USABLE\n  " + "\n  ".join(result.errors)
    state = "usable" if result.usable else "NOT USABLE"
    lines = [f"{result.source}: {state}"]
    if report.file_format == "csv":
        lines.append(
            f"  read as CSV: encoding {report.encoding}, separator {report.separator!r}, "
            f"times {report.date_format!r}, time zone {report.timezone}"
        )
    elif report.file_format == "sources":
        lines.append(f"  read as a sources file of {len(report.columns)} extracts, "
                     f"time zone {report.timezone}; kept = events")
    else:
        lines.append(f"  read as {report.file_format}, time zone {report.timezone}")
    lines.append("  columns: " + ", ".join(
        f"{canonical} = {source!r}" for canonical, source in report.columns.items()))
    rows = [
        ("Rows read", report.rows_read),
        ("  kept", report.rows_kept),
        ("  duplicates dropped", report.duplicates_dropped),
        ("  rejected (left out)", report.rows_rejected),
        ("DST ambiguous times", report.dst_ambiguous),
        ("DST non-existent times", report.dst_nonexistent),
        ("Pseudonymised values", report.pseudonymised_values),
        ("Unknown levels (events)", sum(report.unknown_levels.values())),
        ("Tied events (same time)", result.tied_events),
    ]
    lines.append("")
    lines.extend(f"{label:<26}{count:>10}" for label, count in rows)
    if result.tied_events:
        lines.append("  tied events (same case, same time) keep the file's order: sort the "
                     "export the same way each time, or transitions between them can change")
    if report.unknown_levels:
        values = sorted(report.unknown_levels.items(), key=lambda item: (-item[1], item[0]))
        shown = values if max_rows is None else values[:max_rows]
        listed = ", ".join(f"{value!r} ({n})" for value, n in shown)
        more = f", ... and {len(values) - len(shown)} more" if len(values) > len(shown) else ""
        lines.append(f"  unknown level values: {listed}{more}")
        lines.append(f"  hint: {LEVELS_GIVEN_HINT if levels_given else LEVELS_HINT}")
    for code, total in result.counts.items():
        shown = result.problems[result.problems["code"] == code]
        lines.append("")
        lines.append(f"{HEADINGS.get(code, code)}: {total}")
        for row, column, value in zip(shown["row"], shown["column"], shown["value"],
                                      strict=True):
            where = f"row {int(row)}"
            if isinstance(column, str) and code not in ("duplicate_row", "single_event_case"):
                where += f", column {column!r}"
            lines.append(f"  {where}" + (f": {value!r}" if isinstance(value, str) else ""))
        if total > len(shown):
            lines.append(f"  ... and {total - len(shown)} more "
                         "(--max-rows N, or --format json for all)")
    if result.sources is not None:
        lines.append("")
        lines.extend(linkage_text(result))
    if result.errors:
        lines.append("")
        lines.extend(f"NOT USABLE: {error}" for error in result.errors)
    return "\n".join(lines)


def linkage_text(result: Any) -> list[str]:
    """The sources, their linkage and cohorts in words, in Norwegian (DESIGN §3b)."""
    labels = {s["name"]: s["label"] for s in result.sources}
    lines = ["Kilder:"]
    for s in result.sources:
        lines.append(
            f"  {s['name']} ({Path(s['file']).name}): {s['rows_read']} rader lest, "
            f"{s['rows_kept']} brukt, {s['rows_rejected']} forkastet; {s['events']} "
            f"hendelser for {s['persons']} {'person' if s['persons'] == 1 else 'personer'}, "
            f"{s['day_precision']} med bare dato")
    lines.append("Kobling:")
    for combination, persons in result.linkage.items():
        names = [labels.get(n, n) for n in combination.split("+")]
        word = "person" if persons == 1 else "personer"
        if len(names) == 1:
            lines.append(f"  {persons} {word} finnes bare i {names[0]}")
        else:
            listed = ", ".join(names[:-1]) + " og " + names[-1]
            lines.append(f"  {persons} {word} finnes i {'både ' if len(names) == 2 else ''}"
                         f"{_joined(names) if len(names) == 2 else listed}")
    if result.cohorts:
        lines.append("Pasientgrupper: " + ", ".join(
            f"{cohort} {n}" for cohort, n in result.cohorts.items()))
    return lines


def _joined(names: list[str]) -> str:
    """'sykehus- og fastlegedata' for two labels ending in the same word part."""
    first, second = names
    for tail in ("data",):
        if first.endswith(tail) and second.endswith(tail) and " " not in first:
            return f"{first[: -len(tail)]}- og {second}"
    return f"{first} og {second}"
