"""The attack suite (issue 7): hostile and broken inputs against every command.

Commands are taken from :data:`pathways.cli.COMMANDS`, keeping those whose
module exists, so a command is attacked as soon as it lands. :func:`runs` says
how to call each one with each of its output formats; a command that exists but
has no entry there makes the tests fail (never skip), naming what to add.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from click.testing import CliRunner, Result

from pathways.cli import COMMANDS, main

#: Commands whose module exists now.
PRESENT = tuple(name for name, (module, _) in COMMANDS.items() if find_spec(module))

#: Commands that do not read a log (``simulate`` writes one, ``pathways`` lists rules).
NO_LOG = ("simulate", "pathways")

#: Commands that read a log.
LOG_COMMANDS = tuple(name for name in PRESENT if name not in NO_LOG)

#: Commands that take rule files (--rules).
RULE_COMMANDS = tuple(name for name in PRESENT if name in ("breaks", "report"))

#: Commands that write a file given with -o.
OUTPUT_COMMANDS = tuple(name for name in PRESENT if name not in ("validate", "pathways"))


@dataclass(frozen=True)
class Run:
    """One call of a command: its arguments and the file it writes (None: stdout)."""

    args: tuple[str, ...]
    output: Path | None
    label: str


def runs(command: str, log: Path, out: Path, *, case_id: str = "P1") -> list[Run]:
    """Every output format of ``command`` on ``log``, writing into folder ``out``."""
    if command == "validate":
        return [Run(("validate", str(log), "--format", f), None, f"validate-{f}")
                for f in ("text", "json")]
    if command == "read":
        return [Run(("read", str(log)), None, "read"),
                Run(("read", str(log), "-o", str(out / "saved.duckdb")), out / "saved.duckdb",
                    "read.duckdb")]
    if command == "discover":
        found = []
        for ext in (".svg", ".png", ".pdf", ".dot", ".json", ".bpmn", ".pnml"):
            miner = ("--miner", "inductive") if ext in (".bpmn", ".pnml") else ()
            target = out / f"map{ext}"
            found.append(Run(("discover", str(log), "-o", str(target), *miner), target,
                             f"discover{ext}"))
        found.append(Run(("discover", str(log), "-o", str(out / "levels.svg"), "--view",
                          "levels"), out / "levels.svg", "discover-levels.svg"))
        return found
    if command == "breaks":
        return [Run(("breaks", str(log), "-o", str(out / f"breaks{ext}")),
                    out / f"breaks{ext}", f"breaks{ext}")
                for ext in (".csv", ".json", ".parquet")]
    if command == "measures":
        found = [Run(("measures", str(log), "--format", f, "--show-cases"), None,
                     f"measures-{f}") for f in ("text", "json", "csv")]
        found.append(Run(("measures", str(log), "--format", "csv", "-o",
                          str(out / "measures.csv")), out / "measures.csv", "measures-file"))
        return found
    if command == "report":
        return [Run(("report", str(log), "-o", str(out / f"report-{lang}.html"), "--lang",
                     lang, *extra), out / f"report-{lang}.html", f"report-{lang}")
                for lang, extra in (("nb", ()), ("en", ("--show-cases",)))]
    if command == "timeline":
        # Guessed from DESIGN §6 before the command landed: adjust when it differs.
        return [Run(("timeline", str(log), case_id, "-o", str(out / "timeline.html")),
                    out / "timeline.html", "timeline")]
    if command == "compare":
        # Logs here are small and from March 2025: two periods, every count shown.
        return [Run(("compare", str(log), "--by", "period", "--at", "2025-03-08",
                     "--min-count", "1", "-o", str(out / f"compare{ext}")),
                    out / f"compare{ext}", f"compare{ext}") for ext in (".html", ".json")]
    if command == "simulate":
        return [Run(("simulate", "--patients", "3", "-o", str(out / f"sim{ext}")),
                    out / f"sim{ext}", f"simulate{ext}") for ext in (".csv", ".parquet")]
    if command == "pathways":
        return [Run(("pathways",), None, "pathways")]
    raise AssertionError(
        f"The command {command!r} exists but the attack suite does not know how to run "
        "it: add its output formats to runs() in tests/attack/__init__.py."
    )


def invoke(args: tuple[str, ...] | list[str]) -> Result:
    """Run the command line in-process, stdout and stderr kept apart."""
    return CliRunner().invoke(main, list(args))


def assert_clean_failure(result: Result, *names: str) -> str:
    """A non-zero exit with one ``Error:`` line naming each of ``names``, no traceback.

    Returns the error line.
    """
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    for name in names:
        assert name in errors[0], errors[0]
    return errors[0]


def leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` (outputs or temporary files that should not be there)."""
    return sorted(p.name for p in folder.iterdir())


# --- national identity numbers ------------------------------------------------

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def national_id(day: int, month: int, year2: int, individual: int, *, d_number: bool = False
                ) -> str:
    """A fødselsnummer (or D-number: first digit + 4) with valid check digits.

    Tries individual numbers from ``individual`` on until both check digits exist.
    """
    for ind in range(individual, individual + 200):
        base = f"{day + (40 if d_number else 0):02d}{month:02d}{year2:02d}{ind % 1000:03d}"
        digits = [int(c) for c in base]
        k1 = (11 - sum(w * d for w, d in zip(_W1, digits, strict=True)) % 11) % 11
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = (11 - sum(w * d for w, d in zip(_W2, digits, strict=True)) % 11) % 11
        if k2 == 10:
            continue
        return base + str(k1) + str(k2)
    raise AssertionError("no valid number found")


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def texts_of_file(path: Path) -> list[str]:
    """Every text an output file holds, read the way its format stores text.

    Parquet: every cell, the schema and its metadata (via pyarrow). PDF: the raw
    bytes and every zlib-compressed stream. PNG: the text chunks (tEXt, zTXt,
    iTXt). Anything else: the bytes as text.
    """
    data = path.read_bytes()
    name = path.name.lower()
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        texts = [str(table.schema), str(table.schema.metadata)]
        texts += [str(v) for column in table.columns for v in column.to_pylist()]
        return texts
    if name.endswith(".pdf"):
        texts = [data.decode("latin-1")]
        for match in _STREAM.finditer(data):
            try:
                texts.append(zlib.decompress(match.group(1)).decode("latin-1"))
            except zlib.error:
                continue
        return texts
    if name.endswith(".png"):
        return _png_texts(data)
    return [data.decode("utf-8", errors="replace")]


def _png_texts(data: bytes) -> list[str]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    texts, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            texts.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            texts.append(keyword.decode("latin-1") + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            texts.append(keyword.decode("latin-1")
                         + (zlib.decompress(text) if compressed else text).decode("utf-8"))
        pos += 12 + length
    return texts
