"""``pathways simulate``: synthetic journeys written as an export or as register extracts."""

from __future__ import annotations

from pathlib import Path

from pathways.commands.session import Echo, plain_echo, words
from pathways.errors import OutputError


def _suffix(path: Path) -> str:
    """The output's kind by extension: .csv, .csv.gz or .parquet."""
    name = path.name.lower()
    for suffix in (".csv.gz", ".csv", ".parquet"):
        if name.endswith(suffix):
            return suffix
    raise OutputError(
        f"Cannot tell the format of {path}: use a name ending in .csv, .csv.gz or .parquet."
    )


def simulate(*, patients: int = 500, seed: int = 1, months: int = 12,
             start: str = "2025-01-01", output: str | Path | None = None,
             registers: str | Path | None = None, echo: Echo = plain_echo) -> None:
    """Write simulated journeys to ``output`` (an export) and/or ``registers`` (extracts).

    ``output`` ends in ``.csv`` or ``.csv.gz`` (a raw Norwegian export) or
    ``.parquet``; ``registers`` is a folder for the register extracts of the
    same journeys and their sources file (:mod:`pathways.simulator`).
    """
    from pathways import simulator

    if registers is not None:
        extracts = simulator.simulate_registers(patients, seed=seed, start=start,
                                                months=months)
        simulator.write_registers(extracts, Path(registers))
        echo(words("cli.wrote_registers", episodes=len(extracts.npr),
                   claims=len(extracts.kpr_lege), periods=len(extracts.kpr_tjenester),
                   messages=len(extracts.plo), patients=patients, path=registers),
             err=True)
    if output is None:
        return
    target = Path(output)
    if _suffix(target) == ".parquet":
        events = simulator.simulate_to_file(target, patients, seed=seed, start=start,
                                            months=months, fmt="parquet")
    else:
        frame = simulator.simulate(patients, seed=seed, start=start, months=months)
        simulator.write_export(frame, target, seed=seed)
        events = len(frame)
    echo(words("cli.wrote_events", events=events, patients=patients, path=output), err=True)
