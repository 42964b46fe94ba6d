"""The simulator: synthetic Norwegian patient journeys, as one export or as register extracts.

No real patient is behind any row. One module per concern:

* :mod:`~pathways.simulator.journeys` — the patients and their journeys, with
  deliberate breaks at documented rates (``docs/simulator.md``);
* :mod:`~pathways.simulator.export` — the journeys as a raw export file, with
  the flaws real exports have, or simulated straight to a file in chunks;
* :mod:`~pathways.simulator.registers` — the same journeys as a health
  community's four register extracts (NPR, KPR, KPR/IPLOS, PLO) with their
  sources file, population table and municipality list.

Only :func:`simulate` is in the top-level API (``pathways.simulate``); the
rest is imported from here.
"""

from __future__ import annotations

from pathways.simulator.export import simulate_to_file, write_export
from pathways.simulator.journeys import simulate
from pathways.simulator.registers import Registers, simulate_registers, write_registers

__all__ = ["Registers", "simulate", "simulate_registers", "simulate_to_file",
           "write_export", "write_registers"]
