"""Is the last build still the build? Answered from file sizes and change times alone.

A build records every file it read (sources, theme, bantin's own code, photos) with its size
and change time, what it printed, and which output files it left. When nothing of that has
changed, a new build would make the same bytes and say the same things, so `bantin build`
says them again and stops: no parsing, no templates. Anything different — a file added,
removed, touched, an output file changed by hand — and the full build runs (which itself
makes only what is stale).

A file changed within RACY_NS before it was recorded is not trusted (two quick edits can
share a time stamp): the state is then not kept and the next build runs in full. This
module imports nothing heavy: it is what a no-change build costs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .cache import CACHE_DIR, write_atomic
from .errors import Diagnostic

STATE = "state.json"
STATE_VERSION = 1
RACY_NS = 3_000_000_000
SOURCE_DIRS = ("content", "issues", "layouts", "assets")
_PACKAGE = Path(__file__).resolve().parent


@dataclass
class Summary:
    """What a build told the editor, to be told again when nothing changed."""

    said: list[str] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # repeat findings, formatted
    pages: int = 0
    issues: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"said": self.said, "findings": self.findings, "pages": self.pages,
                "issues": self.issues,
                "warnings": [[d.path, d.line, d.message, d.hint, d.warning]
                             for d in self.warnings]}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Summary:
        return cls(list(data["said"]), [Diagnostic(*d) for d in data["warnings"]],
                   list(data["findings"]), int(data["pages"]), int(data["issues"]))


def _files(folder: Path, seen: set[tuple[int, int]] | None = None
           ) -> Iterator[os.DirEntry[str]]:
    """Every file under a folder; a folder met twice (a symlink loop) is walked once: the
    build itself then tells the editor about the loop."""
    seen = set() if seen is None else seen
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except (OSError, RuntimeError):
        return
    for e in entries:
        if e.name == "__pycache__":
            continue  # compiled code is made from the .py files next to it
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _files(Path(e.path), seen)
        else:
            yield e


def theme_dirs() -> list[Path]:
    """The default theme, wherever it is installed, and bantin's own code."""
    from .theme import default_dir

    return [default_dir("layouts"), default_dir("assets"), _PACKAGE]


def snapshot(root: Path, extra: Iterable[Path] = ()) -> dict[str, list[int]]:
    """Size and change time of every file a build reads."""
    found: dict[str, list[int]] = {}
    folders = [root / d for d in SOURCE_DIRS] + theme_dirs()
    for folder in folders:
        for e in _files(folder):
            with contextlib.suppress(OSError):
                st = e.stat()
                found[e.path] = [st.st_size, st.st_mtime_ns]
    # The archive index `bantin dedup` keeps: a build checks against it, so its warnings
    # change when it is made again.
    kept = [str(root / CACHE_DIR / "dedup-archive.npz")]  # dedup_archive.ARCHIVE_FILE
    found.update(snapshot_files([str(root / "site.yml"), *kept, *map(str, extra)]))
    return found


def snapshot_files(paths: Iterable[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            found[p] = [-1, 0]  # absent: must stay absent
        else:
            found[p] = [st.st_size, st.st_mtime_ns]
    return found


def racy(files: dict[str, list[int]], since_ns: int) -> bool:
    return any(mtime >= since_ns - RACY_NS for _, mtime in files.values())


def options_key(options: Any) -> str:
    return hashlib.blake2b(repr(options).encode("utf-8"), digest_size=16).hexdigest()


def _outputs_digest(root: Path) -> str | None:
    from .targets import TABLE

    try:
        data = (root / CACHE_DIR / TABLE).read_bytes()
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def outputs_intact(root: Path, out: Path) -> bool:
    """Every file the last build left is still there as it left it."""
    from .targets import TABLE

    try:
        files = json.loads((root / CACHE_DIR / TABLE).read_bytes())["files"]
        for rel, rec in files.items():
            st = os.stat(out / rel)
            if st.st_size != rec[1] or st.st_mtime_ns != rec[2]:
                return False
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False
    return True


def forget(root: Path) -> None:
    """A build is starting: until it finishes, the last state does not hold."""
    with contextlib.suppress(OSError):
        (root / CACHE_DIR / STATE).unlink()


def record(root: Path, options: Any, files: dict[str, list[int]], started_ns: int,
           summary: Summary) -> None:
    if racy(files, started_ns):
        return
    state = {"version": STATE_VERSION, "options": options_key(options),
             "outputs": _outputs_digest(root), "files": files, "summary": summary.to_json()}
    with contextlib.suppress(OSError):
        write_atomic(root / CACHE_DIR / STATE,
                     json.dumps(state, ensure_ascii=False).encode("utf-8"))


class Taken(NamedTuple):
    """A snapshot of the sources and when it was taken (a build that follows the no-change
    check records this one instead of taking it again)."""

    at_ns: int
    files: dict[str, list[int]]


def take(root: Path) -> Taken:
    at = now_ns()
    return Taken(at, snapshot(root))


def unchanged(root: Path, out: Path, options: Any, taken: Taken | None = None
              ) -> Summary | None:
    """The last build's summary when nothing it read nor left has changed since."""
    try:
        state = json.loads((root / CACHE_DIR / STATE).read_bytes())
        if (state.get("version") != STATE_VERSION
                or state.get("options") != options_key(options)):
            return None
        files: dict[str, list[int]] = state["files"]
        now = dict((taken or take(root)).files)
        # The usual answer first, and cheaply: a scanned file changed, came or went.
        if any(files.get(p) != v for p, v in now.items()):
            return None
        scanned = _scanned(root)
        now.update(snapshot_files(p for p in files if p not in now
                                  and not _under_scanned(Path(p), root, scanned)))
        if now != files or state.get("outputs") != _outputs_digest(root):
            return None
        if not outputs_intact(root, out):
            return None
        return Summary.of(state["summary"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _scanned(root: Path) -> list[Path]:
    return [root / d for d in SOURCE_DIRS] + theme_dirs()


def _under_scanned(p: Path, root: Path, folders: list[Path]) -> bool:
    """Whether `take` looks at this file (so its absence there means it is gone)."""
    return (p == root / "site.yml" or p.parent == root / CACHE_DIR
            or any(p.is_relative_to(f) for f in folders))


def now_ns() -> int:
    return time.time_ns()
