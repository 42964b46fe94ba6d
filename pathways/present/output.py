"""Writing output files safely: all or nothing, never half a file.

Everything is written to a temporary file in the target's folder and renamed
into place only when complete, so an error leaves no partial output behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pathways.errors import OutputError


def check_writable(path: Path) -> None:
    """Fail before any work when ``path`` cannot be written."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise OutputError(
            f"Cannot write {path}: the folder {folder} does not exist. "
            "Create it or choose another output path."
        )
    if path.is_dir():
        raise OutputError(f"Cannot write {path}: it is a folder. Name a file.")
    try:  # os.access says yes to root and on read-only mounts: try for real
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        raise OutputError(
            f"Cannot write {path}: the folder {folder} is read-only. "
            "Choose another output path."
        ) from None


def check_extension(path: Path, allowed: tuple[str, ...], what: str) -> None:
    """Fail before any work when ``path`` does not end in one of ``allowed``.

    A report named ``r.pdf`` would otherwise be HTML in a file that a PDF
    reader refuses to open.
    """
    if path.suffix.lower() not in allowed:
        raise OutputError(
            f"Cannot write {path}: {what} is written as {' or '.join(allowed)}, not "
            f"{path.suffix or 'a file without an extension'}. Name the file "
            f"{path.with_suffix(allowed[0]).name}."
        )


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success."""
    check_writable(path)
    # The temporary name ends in the target's extension: some writers (pm4py's)
    # append the extension they expect when it is missing.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                               dir=path.resolve().parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_with(path: Path, writer: Callable[[Path], None]) -> None:
    """Let ``writer`` fill a temporary file, then move it to ``path``."""
    with atomic_path(path) as tmp:
        writer(tmp)


def render_dot(source: str, path: Path, fmt: str) -> None:
    """Render Graphviz DOT text to ``svg``, ``png`` or ``pdf`` with ``dot``."""
    dot = shutil.which("dot")
    if dot is None:
        raise OutputError(
            "Graphviz's 'dot' program is not installed, so no picture can be drawn. "
            "Run the README's set-up command (it installs graphviz), "
            "or write .dot or .json instead."
        )
    with atomic_path(path) as tmp:
        result = subprocess.run(
            [dot, f"-T{fmt}", "-o", str(tmp)],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise OutputError(
                f"Graphviz could not draw {path.name}: "
                f"{message[0] if message else 'unknown error'}."
            )
