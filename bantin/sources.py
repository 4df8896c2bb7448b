"""Finding and reading the site's source files safely: Markdown under content/, each
resolved to stay inside the site (symlinks followed, loops and links out refused), readable,
a plain file and not too big. Every refusal is a Vietnamese error naming the path; nothing
found is read before it passes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import Diagnostic, Diagnostics
from .sourcefile import clip


def find_sources(root: Path, diags: Diagnostics | None = None) -> list[Path]:
    """Markdown files under content/, skipping hidden folders and files, in path order.

    A folder that cannot be read, or a link (symlink) that loops, is broken or leads out of
    the site, is an error in `diags`, never skipped in silence: the build then stops and
    the portal keeps what it has, instead of losing an issue or publishing a file of the
    machine."""
    diags = diags if diags is not None else Diagnostics(root=root)
    bases = site_bases(root)
    found: list[str] = []
    walked: dict[tuple[int, int], str] = {}  # folders read, by identity: links may loop

    def walk(folder: str) -> None:
        try:
            st = os.stat(folder)
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)  # a sorted walk: sorted paths
        except OSError as exc:
            cannot_read(diags, folder, exc, folder=True)
            return
        first = walked.setdefault((st.st_dev, st.st_ino), folder)
        if first != folder:
            error_at(diags, folder, f"thư mục này là liên kết (symlink) tới thư mục "
                     f"{diags.rel(first)} đã đọc rồi: các bài sẽ bị đọc hai lần hoặc lặp vô "
                     "tận", "xóa liên kết này")
            return
        for e in entries:
            if not e.name.startswith("."):
                _visit(e)

    def _visit(e: os.DirEntry[str]) -> None:
        try:
            link, is_dir = e.is_symlink(), e.is_dir()  # is_dir follows the link
        except OSError:  # a link that loops
            link, is_dir = True, False
        if link:
            problem = link_problem(e.path, bases, wanted=is_dir or e.name.endswith(".md"))
            if problem is not None:
                error_at(diags, e.path, *problem)
                return
        if is_dir:
            walk(e.path)
        elif e.name.endswith(".md"):
            found.append(e.path)

    walk(str(root / "content"))
    return [Path(p) for p in found]


def site_bases(root: Path) -> tuple[str, ...]:
    """Where sources may really be: inside the site, or inside content/ when the site's
    owner made content/ itself a link (to a shared folder)."""
    return tuple(dict.fromkeys(os.path.realpath(p) for p in (root, root / "content")))


def link_problem(path: str, bases: tuple[str, ...], wanted: bool = True,
                 ) -> tuple[str, str] | None:
    """(message, hint) for a link under content/ that loops, or that is a folder or .md
    (`wanted`) and is broken or leads out of the site; None for a link bantin may follow."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return ("liên kết (symlink) vòng: trỏ về chính nó hoặc qua lại giữa các liên kết",
                    "xóa liên kết này, hoặc chép tệp (thư mục) thật vào chỗ của nó")
        if not wanted:
            return None
        return ("liên kết (symlink) trỏ tới tệp không còn",
                "xóa liên kết này, hoặc chép tệp thật vào chỗ của nó")
    real = os.path.realpath(path)
    if wanted and bases and not any(os.path.commonpath((real, b)) == b for b in bases):
        return (f"liên kết (symlink) trỏ ra ngoài thư mục trang ({clip(real, 120)}): bantin "
                "không đọc tệp nằm ngoài trang", "chép tệp (thư mục) vào trong thư mục của "
                "trang thay cho liên kết")
    return None


def error_at(diags: Diagnostics, path: str | Path, message: str, hint: str) -> None:
    """diags.error for a path that may be a looping link: named by its folder, which
    resolves (resolving the path itself raises)."""
    head, name = os.path.split(path)
    diags.items.append(Diagnostic(f"{diags.rel(head)}/{name}", None, message, hint))


_OS_REASONS = {
    errno.EACCES: "không có quyền đọc", errno.EPERM: "không có quyền đọc",
    errno.ENOENT: "đã bị xóa hoặc đổi tên trong lúc dựng", errno.ELOOP: "liên kết vòng",
    errno.EIO: "lỗi đọc ổ đĩa", errno.ENAMETOOLONG: "đường dẫn quá dài",
    errno.ENOTDIR: "đường dẫn bị đổi trong lúc dựng", errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.ENFILE: "mở quá nhiều tệp cùng lúc",
}


def cannot_read(diags: Diagnostics, path: str | Path, exc: OSError, folder: bool = False,
                ) -> None:
    """An error, in Vietnamese, for a source file or folder the system refused to read."""
    reason = _OS_REASONS.get(exc.errno or 0,
                             f"lỗi hệ thống {errno.errorcode.get(exc.errno or 0, exc.errno)}")
    if folder:
        error_at(diags, path, f"không đọc được thư mục ({reason}): các bài trong đó sẽ "
                 "không được dựng", "cấp quyền đọc thư mục cho tài khoản chạy bantin (hoặc "
                 "chuyển các bài sang thư mục khác) rồi dựng lại; bản đang đăng được giữ "
                 "nguyên cho tới lúc đó")
    else:
        error_at(diags, path, f"không đọc được tệp ({reason})",
                 "cấp quyền đọc tệp cho tài khoản chạy bantin rồi dựng lại")


MAX_SOURCE_BYTES = 2 << 20  # 2 MB of Markdown: ~300,000 words, far past any bulletin article
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO named .md must not block the build


def read_source(path: Path, diags: Diagnostics, bases: tuple[str, ...]) -> bytes | None:
    """The bytes of one article file, or None with an error: a link leading out of the site
    (`bases`, when given), anything but a plain file, and a file too big to be an article
    are never read."""
    read = read_source_stat(path, diags, bases)
    return read[0] if read is not None else None


def read_source_stat(path: Path, diags: Diagnostics, bases: tuple[str, ...]
                     ) -> tuple[bytes, tuple[int, int]] | None:
    """read_source, with the size and change time of the file as it was read."""
    try:
        if _NOFOLLOW == 0 or os.path.islink(path):
            problem = link_problem(str(path), bases)
            if problem is not None:
                error_at(diags, path, *problem)
                return None
            fd = os.open(os.path.realpath(path), os.O_RDONLY | _NONBLOCK)
        else:  # not a link: and it may not become one before it is opened
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError as exc:
        cannot_read(diags, path, exc)
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                error_at(diags, path, "đây không phải tệp văn bản thường (có thể là ống dẫn "
                         "hay thiết bị) nên không được đọc", "thay bằng một tệp .md thật")
                return None
            data = f.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            cannot_read(diags, path, exc)
            return None
    if len(data) > MAX_SOURCE_BYTES:
        size = f"{st.st_size / (1 << 20):.1f}".replace(".", ",")
        error_at(diags, path, f"bài dài {size} MB, quá giới hạn {MAX_SOURCE_BYTES >> 20} MB "
                 "một bài", "tách thành nhiều bài; bảng số liệu lớn đính kèm thành tệp "
                 "riêng (PDF, Excel) thay vì dán vào bài")
        return None
    return data, (st.st_size, st.st_mtime_ns)


# ---------------------------------------------------------------- issues
