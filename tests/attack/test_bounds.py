"""Bounded: a 100 MB field, a gzip bomb and a case of a million events.

Each runs the command line in a fresh process and checks its peak memory, so
that a reader that pulled the file into Python would fail here.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

# VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec, so a child of a
# big test worker would report the worker's peak; VmHWM starts afresh.
PEAK = """
import atexit, sys
from pathways.cli import main
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KB=%d\\n" % int(line.split()[1]))
atexit.register(peak)
sys.argv = ["pathways", *sys.argv[1:]]
main()
"""


def _run(*args: str, timeout: int = 60) -> tuple[int, str, str, int]:
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", PEAK, *args],
                            capture_output=True, text=True, timeout=timeout, check=False)
    peak = int(result.stderr.rsplit("PEAK_KB=", 1)[1].split()[0])
    return result.returncode, result.stdout, result.stderr, peak


def test_hundred_megabyte_field(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.write(b"case_id;activity;timestamp\nP1;")
        handle.write(b"x" * 100_000_000)
        handle.write(b";01.03.2025 10:00\nP1;b;01.03.2025 11:00\n")
    code, _, err, peak = _run("validate", str(path))
    assert code == 1
    assert "no complete row in the first 256 KB" in err
    assert "Traceback" not in err
    assert peak < 400_000


@pytest.mark.parametrize("content", ["zeros", "endless_line"])
def test_gzip_bomb(tmp_path, content):
    block = gzip.compress((b"\0" if content == "zeros" else b"a") * 16 * 2**20, 9)
    path = tmp_path / "bomb.csv.gz"
    with path.open("wb") as handle:
        handle.write(gzip.compress(b"case_id;activity;timestamp\nP1;"))
        for _ in range(64):  # 1 GB decompressed, 1 MB on disk (gzip members)
            handle.write(block)
    code, _, err, peak = _run("validate", str(path))
    assert code == 1
    assert ("NUL bytes" if content == "zeros" else "no complete row") in err
    assert "Traceback" not in err
    assert peak < 400_000


def test_case_with_a_million_events(tmp_path):
    path = tmp_path / "long.csv"
    first = datetime(2020, 1, 1, tzinfo=UTC)
    with path.open("w") as handle:
        handle.write("case_id;activity;timestamp\n")
        handle.writelines(
            f"P1;{'abcd'[i % 4]};{(first + timedelta(minutes=i)).isoformat()}\n"
            for i in range(1_000_000))
    out = tmp_path / "map.json"
    code, _, err, peak = _run("discover", str(path), "-o", str(out), timeout=120)
    assert code == 0, err
    edges = json.loads(out.read_text())["edges"]
    assert sum(edge["count"] for edge in edges) == 999_999
    assert peak < 2_000_000
