"""Saved logs that are code, and outputs that destroy or expose (issue 12, items 5-9, 19).

A saved log is data: a DuckDB file under another name, or one whose tables are
views, macros or computed columns, or whose metadata was tampered with, is
refused with one ``Error:`` line and nothing in it runs. An output is never an
input (same file, link, other spelling), never replaces a FIFO or device,
keeps the umask (0600 for per-patient detail), and a full disk or a signal
leaves one ``Error:`` line, the previous output and nothing else.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

import pathways
from tests.attack import assert_clean_failure, invoke, leftovers

LOG = ("case_id;activity;timestamp;care_level\n"
       "P1;Innleggelse;01.03.2025 10:00;Sengepost\n"
       "P1;Utskrivning;03.03.2025 12:00;Sengepost\n"
       "P1;Fastlegetime;05.03.2025 09:00;Fastlege\n"
       "P2;Legevakt;02.03.2025 22:00;Legevakt\n"
       "P2;Innleggelse;03.03.2025 01:00;Sengepost\n")
SECRET = "TOPSECRET-7f3a9c"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(LOG)
    return path


def _saved(tmp_path: Path, log: Path, name: str = "saved.duckdb") -> Path:
    return pathways.save(pathways.read(log), tmp_path / name)


def _tamper(path: Path, *sql: str) -> None:
    con = duckdb.connect(str(path))
    for statement in sql:
        con.execute(statement)
    con.close()


def _outputs_text(folder: Path) -> str:
    return "".join(p.read_bytes().decode("latin-1") for p in folder.iterdir() if p.is_file())


# --- 5. a saved log is data, never code ---------------------------------------

READ_SECRET = ("CREATE TABLE real_events AS SELECT * FROM events",
               "DROP TABLE events",
               "CREATE VIEW events AS SELECT * REPLACE (t.content AS activity) "
               "FROM real_events, read_text('{secret}') t")


@pytest.mark.parametrize("name", ["innsending.csv", "crafted.duckdb"])
@pytest.mark.parametrize("command", ["read", "report", "breaks"])
def test_a_view_that_reads_a_file_never_runs(tmp_path, log, name, command):
    secret = tmp_path / "key.txt"
    secret.write_text(SECRET)
    crafted = _saved(tmp_path, log, "crafted.duckdb")
    _tamper(crafted, *(s.format(secret=secret) for s in READ_SECRET))
    crafted = crafted.rename(tmp_path / name)
    out = tmp_path / "out"
    out.mkdir()
    args = {"read": ("read", str(crafted)),
            "report": ("report", str(crafted), "-o", str(out / "r.html")),
            "breaks": ("breaks", str(crafted), "-o", str(out / "b.csv"))}[command]
    result = invoke(args)
    line = assert_clean_failure(result, name)
    assert ("view" in line) if name.endswith(".duckdb") else ("DuckDB database" in line)
    assert SECRET not in result.output + _outputs_text(out)
    assert leftovers(out) == []


TAMPERED = {
    "macro": ("CREATE MACRO leak() AS 1",),
    "computed column": ("ALTER TABLE case_cohorts ADD COLUMN x INTEGER",
                        "CREATE TABLE t2 (a INTEGER, b AS (a + 1))"),
    "bad json": ("UPDATE pathways_meta SET document = '{not json'",),
    "unknown key": ("UPDATE pathways_meta SET document = "
                    "json_merge_patch(document, '{\"extra\": 1}')",),
    "unknown report key": ("UPDATE pathways_meta SET document = json_merge_patch("
                           "document, '{\"report\": {\"evil\": 1}}')",),
    "missing table": ("DROP TABLE case_cohorts",),
    "wrong type": ("UPDATE pathways_meta SET document = json_merge_patch("
                   "document, '{\"report\": {\"rows_read\": \"many\"}}')",),
    "extra table": ("CREATE TABLE extra (x INTEGER)",),
}


@pytest.mark.parametrize("kind", sorted(TAMPERED))
def test_tampered_saved_log_is_one_error(tmp_path, log, kind):
    saved = _saved(tmp_path, log)
    _tamper(saved, *TAMPERED[kind])
    assert_clean_failure(invoke(("validate", str(saved))), "not a log saved by")
    assert_clean_failure(invoke(("read", str(saved))), "not a log saved by")


def test_a_saved_log_still_opens(tmp_path, log):
    saved = _saved(tmp_path, log)
    assert pathways.read(saved).report.rows_kept == 5


# --- 6. an output is never an input -------------------------------------------

def _spellings(tmp_path: Path, target: Path, name: str) -> dict[str, Path]:
    link = tmp_path / f"link-{name}"
    link.symlink_to(target)
    hard = tmp_path / f"hard-{name}"
    os.link(target, hard)
    return {"same": target, "symlink": link, "hardlink": hard,
            "spelling": tmp_path / ".." / tmp_path.name / target.name}


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "spelling"])
def test_breaks_and_measures_never_overwrite_the_log(tmp_path, log, how):
    before = log.read_bytes()
    target = _spellings(tmp_path, log, "in.csv")[how]
    for args in (("breaks", str(log), "-o", str(target)),
                 ("measures", str(log), "--format", "csv", "-o", str(target))):
        assert_clean_failure(invoke(args), "it is the input")
        assert log.read_bytes() == before


@pytest.mark.parametrize("command", ["report", "discover", "timeline", "read"])
def test_no_writer_replaces_the_log_through_a_link(tmp_path, log, command):
    before = log.read_bytes()
    ext = {"report": ".html", "discover": ".svg", "timeline": ".svg", "read": ".duckdb"}
    link = tmp_path / f"out{ext[command]}"
    link.symlink_to(log)
    args = {"report": ("report", str(log), "-o", str(link)),
            "discover": ("discover", str(log), "-o", str(link)),
            "timeline": ("timeline", str(log), "P1", "-o", str(link)),
            "read": ("read", str(log), "-o", str(link))}[command]
    assert_clean_failure(invoke(args), "it is the input")
    assert log.read_bytes() == before


def test_a_saved_log_is_not_saved_over_itself(tmp_path, log):
    saved = _saved(tmp_path, log)
    before = saved.read_bytes()
    assert_clean_failure(invoke(("read", str(saved), "-o", str(saved))), "it is the input")
    assert saved.read_bytes() == before


@pytest.mark.parametrize("option", ["--rules", "--levels"])
def test_rule_and_level_files_are_never_outputs(tmp_path, log, option):
    config = tmp_path / "config.yaml"
    config.write_text("by: activity\nlevels: {Innleggelse: hospital_ward}\n"
                      if option == "--levels" else
                      "pathway: x\nrules:\n  - id: a\n    kind: time\n"
                      "    after: {activity: Innleggelse}\n    expect: {activity: "
                      "Utskrivning}\n    within: 1d\n    source: s\n")
    before = config.read_bytes()
    link = tmp_path / "out.csv"
    link.symlink_to(config)
    assert_clean_failure(invoke(("breaks", str(log), option, str(config), "-o", str(link))),
                         "it is the input")
    assert config.read_bytes() == before


def test_the_key_file_is_never_an_output(tmp_path, log, monkeypatch):
    key = tmp_path / "key.csv"
    key.write_text("secret-key")
    monkeypatch.setenv("PATHWAYS_KEY_FILE", str(key))
    assert_clean_failure(invoke(("breaks", str(log), "-o", str(key))), "key file")
    assert key.read_text() == "secret-key"


# --- 7. FIFOs and devices are written into, never replaced --------------------

def test_a_fifo_is_written_into(tmp_path, log):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = invoke(("breaks", str(log), "-o", str(fifo)))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b'"case_id","pathway"')
    assert leftovers(tmp_path) == ["in.csv", "pipe.csv"]


def test_a_character_device_is_not_replaced(tmp_path, log):
    device = tmp_path / "null.txt"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        pytest.skip("making a device needs root")
    result = invoke(("measures", str(log), "--only", "readmissions", "-o", str(device)))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(device.stat().st_mode)


# --- 8. permissions -----------------------------------------------------------

@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_027")
def test_new_outputs_keep_the_umask_and_patient_detail_is_private(tmp_path, log):
    out = tmp_path / "out"
    out.mkdir()
    runs = {
        "map.svg": (("discover", str(log), "-o", str(out / "map.svg")), 0o640),
        "report.html": (("report", str(log), "-o", str(out / "report.html")), 0o640),
        "cases.html": (("report", str(log), "--show-cases", "-o", str(out / "cases.html")),
                       0o600),
        "breaks.csv": (("breaks", str(log), "-o", str(out / "breaks.csv")), 0o600),
        "timeline.svg": (("timeline", str(log), "P1", "-o", str(out / "timeline.svg")),
                         0o600),
        "saved.duckdb": (("read", str(log), "-o", str(out / "saved.duckdb")), 0o600),
        "m.json": (("measures", str(log), "--format", "json", "--show-cases", "-o",
                    str(out / "m.json")), 0o600),
    }
    for name, (args, mode) in runs.items():
        result = invoke(args)
        assert result.exit_code == 0, (name, result.output)
        assert _mode(out / name) == mode, name


def test_an_existing_file_keeps_its_mode(tmp_path, log):
    target = tmp_path / "map.svg"
    target.write_text("old")
    target.chmod(0o640)
    assert invoke(("discover", str(log), "-o", str(target))).exit_code == 0
    assert _mode(target) == 0o640
    assert target.read_text() != "old"


# --- 9. a full disk and signals ----------------------------------------------

def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


#: label → (arguments after the log, output name, what to make fail).
FULL = {
    "csv": (("breaks",), "b.csv", "pyarrow.csv.write_csv"),
    "json": (("breaks",), "b.json", "pathlib.Path.write_text"),
    "parquet": (("breaks",), "b.parquet", "pandas.DataFrame.to_parquet"),
    "report": (("report",), "r.html", "pathlib.Path.write_text"),
    "measures": (("measures", "--format", "json"), "m.json", "pathlib.Path.write_text"),
    "pnml": (("discover", "--miner", "inductive"), "m.pnml", "pm4py.write_pnml"),
    "timeline": (("timeline",), "t.svg", "pathlib.Path.write_text"),
    "duckdb": (("read",), "s.duckdb", "duckdb"),
}


@pytest.mark.parametrize("label", sorted(FULL))
def test_a_full_disk_is_one_error_and_the_old_output_stays(tmp_path, log, monkeypatch,
                                                            label):
    head, name, where = FULL[label]
    out = tmp_path / "out"
    out.mkdir()
    target = out / name
    target.write_text("previous")
    if where == "duckdb":
        from pathways.engine import DuckDBEngine

        real = DuckDBEngine.execute

        def execute(self, sql, parameters=None):
            if sql.startswith("CREATE TABLE _saved."):
                raise duckdb.IOException('Could not write file "x.wal": No space left on '
                                         "device")
            return real(self, sql, parameters)

        monkeypatch.setattr(DuckDBEngine, "execute", execute)
    else:
        monkeypatch.setattr(where, _no_space)
    args = (head[0], str(log), *(["P1"] if head[0] == "timeline" else []), *head[1:],
            "-o", str(target))
    line = assert_clean_failure(invoke(args), "disk is full", str(out))
    assert "free" in line
    assert target.read_text() == "previous"
    assert leftovers(out) == [name]


@pytest.fixture
def full_folder(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    (folder / "previous.csv").write_text("previous")
    try:
        with (folder / "filler").open("wb") as handle:
            while True:
                handle.write(b"x" * 4096)
                handle.flush()
    except OSError:
        pass
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)  # lazy: a closed file may linger


@pytest.mark.parametrize(("args", "name"), [
    (("breaks",), "previous.csv"), (("read",), "s.duckdb"), (("report",), "r.html"),
    (("discover",), "m.png"), (("discover", "--miner", "inductive"), "m.bpmn"),
])
def test_a_really_full_disk(full_folder, log, args, name):
    result = invoke((args[0], str(log), *args[1:], "-o", str(full_folder / name)))
    assert_clean_failure(result, "disk is full")
    assert (full_folder / "previous.csv").read_text() == "previous"
    assert leftovers(full_folder) == ["filler", "previous.csv"]


# The child starts as from a terminal, Ctrl-C live. A suite started in the
# background by a shell ignores SIGINT, its children inherit that, and
# pathways keeps an ignored SIGINT ignored (as a background job should).
SLOW_WRITER = """
import pathlib, signal, sys, time
import pyarrow.csv as pacsv
signal.signal(signal.SIGINT, signal.default_int_handler)
MARKER = pathlib.Path(sys.argv[1])
def slow(table, path, *args, **kwargs):
    pathlib.Path(path).write_text("partial")
    MARKER.touch()
    time.sleep(60)
pacsv.write_csv = slow
from pathways.cli import main
sys.argv = ["pathways", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_write_leaves_nothing(tmp_path, log, signum):
    out, spill = tmp_path / "out", tmp_path / "spill"
    out.mkdir()
    spill.mkdir()
    (out / "b.csv").write_text("previous")
    marker = tmp_path / "writing"
    env = {**os.environ, "TMPDIR": str(spill), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(marker), "breaks",
                              str(log), "-o", str(out / "b.csv"), "-q"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), child.communicate()
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 128 + signum
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line.startswith("Error: ")] == [
        f"Error: stopped by {signal.Signals(signum).name}; no output was written or "
        "changed."]
    assert leftovers(out) == ["b.csv"]
    assert (out / "b.csv").read_text() == "previous"
    assert leftovers(spill) == []


# --- 19. the same input gives the same bytes ---------------------------------

@pytest.mark.parametrize("ext", [".pdf", ".bpmn", ".pnml", ".png", ".svg"])
def test_pictures_and_models_are_byte_identical(tmp_path, log, ext):
    miner = ("--miner", "inductive") if ext in (".bpmn", ".pnml") else ()
    first, second = tmp_path / f"a{ext}", tmp_path / f"b{ext}"
    for target in (first, second):
        result = invoke(("discover", str(log), "-o", str(target), *miner))
        assert result.exit_code == 0, result.output
        time.sleep(1.1 if ext == ".pdf" else 0)  # a clock in the file would show
    assert first.read_bytes() == second.read_bytes()


def test_validate_counts_tied_events(tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text("case_id;activity;timestamp\nP1;A;01.03.2025 10:00\n"
                    "P1;B;01.03.2025 10:00\nP1;C;01.03.2025 10:00\nP1;D;01.03.2025 11:00\n"
                    "P2;A;01.03.2025 10:00\nP2;B;01.03.2025 12:00\n")
    text = invoke(("validate", str(path)))
    assert text.exit_code == 0
    assert any(line.startswith("Tied events (same time)") and line.split()[-1] == "3"
               for line in text.stdout.splitlines())
    document = json.loads(invoke(("validate", str(path), "--format", "json")).stdout)
    assert document["tied_events"] == 3
