"""The output folder: never one that holds sources or files bantin did not make, never
written by two builds at once, and only file names any web server can take."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import string
import sys
import time
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import BantinError, UsageError

MARKER = ".bantin-output"
_SOURCES = ("content", "issues", "layouts", "assets", ".bantin-cache")  # of a site
LOCK_WAIT = 10.0  # seconds a build waits for another one writing the same output
LOCK_WAIT_ENV = "BANTIN_LOCK_WAIT"  # another wait, in seconds (tests, scripts)
MAX_NAME_BYTES = 150  # a file name bantin writes (room left for the variants' suffixes)
# Names Windows keeps for devices, whatever the extension: a site holding one cannot be
# copied to a Windows server.
WINDOWS_RESERVED = frozenset({
    "con", "prn", "aux", "nul", "conin$", "conout$",
    *(f"{d}{n}" for d in ("com", "lpt") for n in (*"0123456789", "¹", "²", "³")),
})
_WINDOWS_BAD = frozenset('<>:"|?*/\\')
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds are not locked there
    fcntl = None  # type: ignore[assignment]


# --------------------------------------------------------------------------- where


def check_output_dir(out: Path, root: Path) -> None:
    """Refuse an output folder that would overwrite sources or someone else's files, or
    that a build would copy into itself (one inside a source folder is read back as a
    source by the next build)."""
    from .theme import default_dir  # the default theme is a source too

    out, root = out.resolve(), root.resolve()
    sources = [root / name for name in _SOURCES]
    sources += [default_dir("layouts").resolve(), default_dir("assets").resolve()]
    if root.is_relative_to(out):
        raise UsageError(
            f"thư mục xuất {out} trùng hoặc chứa thư mục trang {root} — chọn một thư mục "
            "con mới, ví dụ --out public")
    for source in sources:
        if out.is_relative_to(source) or source.is_relative_to(out):
            raise UsageError(
                f"thư mục xuất {out} trùng, nằm trong hoặc chứa thư mục nguồn {source}: bản "
                "dựng sẽ lẫn vào nguồn, lần dựng sau lại chép cả bản trước vào chính nó — "
                "chọn thư mục riêng cho bản dựng, ví dụ --out public")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise UsageError(
            f"thư mục {out} đã có tệp không do bantin tạo, không ghi đè để tránh mất dữ liệu — "
            "chọn thư mục trống hoặc xóa thư mục đó trước")


# --------------------------------------------------------------------------- one at a time


_held: dict[int, int] = {}  # lock file descriptor -> the process that holds it


def lock_path(out: Path) -> Path:
    """Beside the output, not in it (a cold build swaps the whole folder); there only while
    a build runs."""
    return out.parent / f".{out.name}.bantin-lock"


@contextlib.contextmanager
def output_lock(out: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the output folder while a build writes it: another build (another `bantin
    build`, a `bantin serve`) waits `wait` seconds for it, then fails with a message and
    leaves the output alone. Released when the block ends, or when the process dies."""
    fd = _acquire(out, _lock_wait() if wait is None else wait)
    if fd is None:  # no locks here: the build itself reports what it cannot write
        yield
        return
    _held[fd] = os.getpid()
    try:
        yield
    finally:
        del _held[fd]
        # Removed while still locked: whoever waits on this file sees it gone and locks
        # the path anew (_acquire), so two builds never hold two different files.
        with contextlib.suppress(OSError):
            lock_path(out).unlink()
        os.close(fd)


def _acquire(out: Path, wait: float) -> int | None:
    """A descriptor of the lock file, locked; None where nothing can be locked."""
    deadline = time.monotonic() + wait
    while True:
        fd = _open_lock(out)
        if fd is None:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return None  # a file system without locks (some network shares): go on
            if time.monotonic() >= deadline:
                raise BantinError(
                    f"một lần dựng khác (bantin build hoặc bantin serve) đang ghi vào "
                    f"{out.name}/ ({out}), chờ nó xong rồi chạy lại") from None
            time.sleep(0.1)
            continue
        if _still_there(fd, lock_path(out)):
            return fd
        os.close(fd)  # its holder removed it meanwhile: lock the one there now


def _open_lock(out: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return os.open(lock_path(out), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:  # e.g. the output is writable but the folder holding it is not
        return None


def _still_there(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _lock_wait(env: Mapping[str, str] = os.environ) -> float:
    try:
        return max(0.0, float(env.get(LOCK_WAIT_ENV, LOCK_WAIT)))
    except ValueError:
        return LOCK_WAIT


def _forked() -> None:
    """In a process forked while this one holds an output (a build's workers): the lock
    stays the build's alone, and the child dies with the build. An orphan left by a
    kill -9 would otherwise hold the lock for ever, or go on writing into a staging folder
    the next build is clearing."""
    if not _held:
        return
    owner = next(iter(_held.values()))
    for fd in _held:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != owner:  # the build died before the line above could take effect
        os._exit(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


# --------------------------------------------------------------------------- names


def windows_reserved(name: str) -> bool:
    """`con`, `nul.pdf`, `COM1.tar.gz`…: device names on Windows, whatever follows the dot."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_RESERVED


def file_name_problem(name: str) -> str | None:
    """Why `name` cannot be the name of a file bantin writes (in Vietnamese), or None."""
    if not name.strip(". "):
        return "tên tệp trống"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return "tên tệp có ký tự điều khiển"
    bad = sorted({c for c in name if c in _WINDOWS_BAD})
    if bad:
        return "tên tệp không được chứa " + " ".join(f'"{c}"' for c in bad)
    if ".." in name or name.startswith("."):
        return 'tên tệp không được bắt đầu bằng "." hay chứa ".."'
    if name != name.strip(" ") or name.endswith("."):
        return "tên tệp không được bắt đầu, kết thúc bằng dấu cách hay kết thúc bằng dấu chấm"
    if windows_reserved(name):
        return f'"{name.split(".", 1)[0]}" là tên thiết bị của Windows'
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        return f"tên tệp dài {size} byte, quá {MAX_NAME_BYTES} byte"
    return None


PDF_NAME_FIELDS = ("issue", "number", "label", "year")


def pdf_name_problem(template: str) -> str | None:
    """Why site.yml's pdf_name is not a plain name with {issue}, {number}, {label} and
    {year} (it must never reach str.format: `{issue.__class__}` reads objects,
    `{issue:>900000000}` fills the memory), or None."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return 'dấu ngoặc { } không khớp (muốn có dấu ngoặc trong tên thì viết "{{" hoặc "}}")'
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PDF_NAME_FIELDS or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            return f"không dùng được {shown}"
    return None


def fill_pdf_name(template: str, values: Mapping[str, object]) -> str:
    """pdf_name with its fields replaced (checked first with pdf_name_problem)."""
    return "".join(literal + (str(values[field]) if field is not None else "")
                   for literal, field, _, _ in string.Formatter().parse(template))
