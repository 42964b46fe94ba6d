"""Writing output files safely: all or nothing, never half a file, never an input.

Everything is written to a temporary file in the target's folder and renamed
into place only when complete, so an error, a full disk or a signal leaves the
previous output as it was and nothing behind. Before any work, a target is
refused when it is a file the run reads (the log, a rule or level file, the
pseudonym key: also through a link or another spelling of the path). A FIFO or
a character device (``/dev/null``, ``/dev/stdout``) is never replaced by a
regular file: the complete output is written into it. A new file gets the
permissions the umask allows, or ``0600`` when it holds per-patient detail
(``confidential``); a file replaced keeps its mode.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pathways.errors import OutputError, PathwaysError

#: Files the running command reads (see :func:`protect_inputs`).
_INPUTS: ContextVar[tuple[Path, ...]] = ContextVar("pathways_inputs", default=())

PathLike = str | os.PathLike[str] | None


def protect_inputs(*paths: PathLike) -> None:
    """Remember files the running command reads: no output may replace one.

    The command line calls this with the log, rule and level files a command
    was given (:func:`input_scope` forgets them when the command ends); the
    API passes the log's source to :func:`atomic_path` itself.
    """
    _INPUTS.set(_INPUTS.get() + tuple(Path(p) for p in paths if p is not None))


@contextmanager
def input_scope() -> Iterator[None]:
    """Forget the inputs :func:`protect_inputs` recorded when the block ends."""
    token = _INPUTS.set(())
    try:
        yield
    finally:
        _INPUTS.reset(token)


def _key_files() -> list[Path]:
    """The pseudonym key files that may exist (never an output)."""
    from pathways.enrich.pseudonym import DEFAULT_KEY_FILE, KEY_FILE_ENV

    files = [DEFAULT_KEY_FILE.expanduser()]
    if os.environ.get(KEY_FILE_ENV):
        files.append(Path(os.environ[KEY_FILE_ENV]).expanduser())
    return files


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # device and inode: links and spellings too
    except (OSError, ValueError):
        return False


def check_not_input(path: Path, inputs: Iterable[PathLike] = ()) -> None:
    """Fail when ``path`` is (a link to, another name of) a file the run reads."""
    if not os.path.lexists(path):
        return
    given = [Path(p) for p in inputs if p is not None]
    for source in (*given, *_INPUTS.get()):
        if _same_file(source, path):
            raise OutputError(
                f"Cannot write {path}: it is the input {source}"
                f"{'' if str(source) == str(path) else ' (the same file)'}, which would "
                "be overwritten. Name another output file."
            )
    for key in _key_files():
        if _same_file(key, path):
            raise OutputError(
                f"Cannot write {path}: it is the pseudonym key file. Name another "
                "output file."
            )


def _special(path: Path) -> bool:
    """True when ``path`` is a FIFO or character device, written into directly.

    Raises
    ------
    OutputError
        For a block device or socket: neither is a place for an output.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return True
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise OutputError(
            f"Cannot write {path}: it is a {'block device' if stat.S_ISBLK(mode) else 'socket'}"
            ", not a file. Name a file."
        )
    return False


def check_writable(path: Path, inputs: Iterable[PathLike] = ()) -> None:
    """Fail before any work when ``path`` cannot or must not be written.

    Parameters
    ----------
    path : Path
        The output file.
    inputs : iterable of path
        Files the run reads besides those :func:`protect_inputs` recorded;
        ``path`` must be none of them.
    """
    folder = path.resolve().parent
    if not folder.is_dir():
        raise OutputError(
            f"Cannot write {path}: the folder {folder} does not exist. "
            "Create it or choose another output path."
        )
    if path.is_dir():
        raise OutputError(f"Cannot write {path}: it is a folder. Name a file.")
    check_not_input(path, inputs)
    if _special(path):
        if not os.access(path, os.W_OK):
            raise OutputError(f"Cannot write {path}: permission denied. "
                              "Choose another output path.")
        return
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


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _new_mode(target: Path, confidential: bool) -> int:
    """Permissions for the output: an existing file's, else 0666 (0600) less the umask."""
    try:
        st = os.stat(target)
    except OSError:
        return (0o600 if confidential else 0o666) & ~_umask()
    return stat.S_IMODE(st.st_mode)


def is_disk_full(err: BaseException) -> bool:
    """True when ``err`` says the disk (or the user's quota) is full."""
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(err).lower()
    return "no space left on device" in text or "disk quota exceeded" in text


def _size(amount: int) -> str:
    """Bytes in a unit a person reads: ``512 bytes``, ``12.3 KB``, ``1.5 GB``."""
    if amount < 1024:
        return f"{amount} bytes"
    value = float(amount)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def disk_full_error(path: Path, folder: Path, written: int) -> OutputError:
    """The message for a full disk: the folder, its free space, what the output needed."""
    try:
        free = _size(shutil.disk_usage(folder).free)
    except OSError:
        free = "no room"
    return OutputError(
        f"Cannot write {path}: the disk is full (the folder {folder} has {free} free; "
        f"the output needs more than the {_size(written)} written before it ran out). "
        f"Free space there or write to another folder; {path.name} was left as it was."
    )


def _remove(tmp: Path) -> None:
    """Remove a temporary output and what DuckDB may have made beside it."""
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush ``path`` to the disk, so a full disk shows here and not after the rename."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: Path, *, inputs: Iterable[PathLike] = (),
                confidential: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place on success.

    Parameters
    ----------
    path : Path
        The output. When it is a symbolic link, the file it points to is
        replaced (the link stays). A FIFO or character device is written into
        directly once the output is complete, never replaced.
    inputs : iterable of path
        Files the output must not be (see :func:`check_not_input`).
    confidential : bool
        The output holds per-patient detail: a new file is made ``0600``.

    Raises
    ------
    OutputError
        When ``path`` cannot be written, is an input, or the disk is full (the
        previous output is then left as it was, and nothing behind).
    """
    inputs = tuple(inputs)
    check_writable(path, inputs)
    special = _special(path)
    target = Path(os.path.realpath(path))
    folder = Path(tempfile.mkdtemp(prefix="pathways-out-")) if special else target.parent
    # The temporary name ends in the target's extension: some writers (pm4py's)
    # append the extension they expect when it is missing.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                               dir=folder)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        try:
            yield tmp_path
            if special:
                with tmp_path.open("rb") as source, open(path, "wb") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
            else:
                _fsync(tmp_path)
                os.chmod(tmp_path, _new_mode(target, confidential))
                check_not_input(path, inputs)  # the command may have read it since
                _keep_owner(target, tmp_path)
                os.replace(tmp_path, target)
        except PathwaysError:
            raise
        except Exception as err:
            if is_disk_full(err):
                written = tmp_path.stat().st_size if tmp_path.exists() else 0
                _remove(tmp_path)  # before measuring the room left
                raise disk_full_error(path, target.parent if not special else folder,
                                      written) from None
            if isinstance(err, OSError) and err.errno is not None:
                raise OutputError(f"Cannot write {path}: {err.strerror}. "
                                  "Choose another output path.") from None
            raise
    finally:
        _remove(tmp_path)
        if special:
            shutil.rmtree(folder, ignore_errors=True)


def _keep_owner(target: Path, tmp: Path) -> None:
    """Give the new file the owner of the one it replaces, where allowed (root)."""
    try:
        st = os.stat(target)
        if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            os.chown(tmp, st.st_uid, st.st_gid)
    except OSError:
        pass


def write_text(path: Path, text: str, *, confidential: bool = False) -> None:
    """Write UTF-8 text atomically."""
    with atomic_path(path, confidential=confidential) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_with(path: Path, writer: Callable[[Path], None], *,
               inputs: Iterable[PathLike] = (), confidential: bool = False) -> None:
    """Let ``writer`` fill a temporary file, then move it to ``path``."""
    with atomic_path(path, inputs=inputs, confidential=confidential) as tmp:
        writer(tmp)


#: Fixed times for the PDF's CreationDate: the same input gives the same bytes.
_PDF_DATE = b"20000101000000"


def render_dot(source: str, path: Path, fmt: str, *,
               inputs: Iterable[PathLike] = ()) -> None:
    """Render Graphviz DOT text to ``svg``, ``png`` or ``pdf`` with ``dot``.

    A PDF's creation date is set to a fixed time, so that the same drawing
    gives the same bytes.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise OutputError(
            "Graphviz's 'dot' program is not installed, so no picture can be drawn. "
            "Run the README's set-up command (it installs graphviz), "
            "or write .dot or .json instead."
        )
    with atomic_path(path, inputs=inputs) as tmp:
        result = subprocess.run(
            [dot, f"-T{fmt}", "-o", str(tmp)],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=600,
            check=False,
            env={**os.environ, "SOURCE_DATE_EPOCH": "946684800"},
        )
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            if "gvwrite" in " ".join(message) or is_disk_full(OSError(" ".join(message))):
                # Graphviz says only "gvwrite_no_z problem" when a write fails
                raise OSError(errno.ENOSPC, "No space left on device")
            raise OutputError(
                f"Graphviz could not draw {path.name}: "
                f"{message[0] if message else 'unknown error'}."
            )
        if fmt == "pdf":
            fixed_pdf_date(tmp)


def fixed_pdf_date(path: Path) -> None:
    """Set a PDF's ``/CreationDate`` and ``/ModDate`` digits to a fixed time.

    cairo writes the time of drawing. Only digits are replaced, one for one,
    so the offsets in the PDF's cross-reference table stay valid.
    """
    import re

    def fixed(match: re.Match[bytes]) -> bytes:
        digits = match.group(2)
        return match.group(1) + _PDF_DATE[: len(digits)]

    data = path.read_bytes()
    tidied = re.sub(rb"(/(?:CreationDate|ModDate) ?\(D:)([0-9]{4,14})", fixed, data)
    if tidied != data:
        path.write_bytes(tidied)
