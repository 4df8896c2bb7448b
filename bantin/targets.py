"""Outputs as targets: each file of the output folder with a digest of what it is made from.

A build lists every target, makes only the stale ones (their inputs changed, or the file is
missing or was changed by hand) into a staging folder inside the output, and only when all
of them were made renames each into place: a template or PDF error leaves the last good
output untouched. Files no target makes any more are then removed. The table of what each
file was made from is kept in .bantin-cache/outputs.json (Lektor keeps such an artifacts
table; Nikola calls it file_dep).
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import CACHE_DIR, write_atomic

STAGING = ".bantin-staging"
TABLE = "outputs.json"
TABLE_VERSION = 1

# Writes the target's main file at the path given (its other files beside it, named as
# staged() names them); returns notes (warnings) that are kept with the target and reported
# again while it stays unchanged.
Make = Callable[[Path], Sequence[str]]


@dataclass(frozen=True)
class Target:
    paths: tuple[str, ...]  # output files, relative with "/", the first one is the main one
    inputs: str  # digest of everything the files are made from
    make: Make
    kind: str = "page"  # page | photo | asset | pdf: which writer makes it

    @property
    def path(self) -> str:
        return self.paths[0]


@dataclass
class Record:
    inputs: str
    size: int
    mtime_ns: int
    notes: tuple[str, ...] = ()


class Table:
    """What every file of one output folder was made from, as of the last build."""

    def __init__(self, root: Path, out: Path, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / TABLE
        self.out = out
        self.enabled = enabled
        self.files: dict[str, Record] = {}
        if enabled:
            self.files = self._read()

    def _read(self) -> dict[str, Record]:
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("version") != TABLE_VERSION or data.get("out") != str(self.out):
                return {}
            return {p: Record(r[0], r[1], r[2], tuple(r[3])) for p, r in data["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return {}  # missing, foreign or corrupt: every target is stale

    def save(self) -> None:
        if not self.enabled:
            return
        data = {"version": TABLE_VERSION, "out": str(self.out),
                "files": {p: [r.inputs, r.size, r.mtime_ns, list(r.notes)]
                          for p, r in sorted(self.files.items())}}
        # A read-only site still builds; the next build just makes everything.
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def fresh(self, t: Target) -> bool:
        """Made from the same inputs, and every file still as the build left it."""
        for p in t.paths:
            rec = self.files.get(p)
            if rec is None or rec.inputs != t.inputs:
                return False
            try:
                st = os.stat(self.out / p)
            except OSError:
                return False
            if st.st_size != rec.size or st.st_mtime_ns != rec.mtime_ns:
                return False
        return True

    def notes(self, targets: Iterable[Target]) -> list[str]:
        return [n for t in targets for n in self.files.get(t.path, Record("", 0, 0)).notes]


def stale(targets: Iterable[Target], table: Table) -> list[Target]:
    return [t for t in targets if not table.fresh(t)]


def staging(out: Path) -> Path:
    return out / STAGING


def staged(stage: Path, k: int, path: str) -> Path:
    """Where the k-th stale target's file `path` is made: one flat folder (no tree of
    thousands of folders to create and remove), names kept so variants sit beside."""
    return stage / f"{k}.{posixpath.basename(path)}"


def make_into(stage: Path, targets: Sequence[Target], indices: Iterable[int]
              ) -> dict[str, tuple[str, ...]]:
    """Make some of the stale targets into the staging folder; main path -> notes."""
    return {targets[k].path: tuple(targets[k].make(staged(stage, k, targets[k].path)))
            for k in indices}


def commit(out: Path, made: Sequence[Target], notes: dict[str, tuple[str, ...]],
           table: Table) -> None:
    """Rename every made file into place and record what it was made from."""
    stage = staging(out)
    dirs: set[Path] = set()
    for k, t in enumerate(made):
        for p in t.paths:
            final = out / p
            if final.parent not in dirs:
                final.parent.mkdir(parents=True, exist_ok=True)
                dirs.add(final.parent)
            if final.is_dir() and not final.is_symlink():
                shutil.rmtree(final)  # a folder where a file must now be
            os.replace(staged(stage, k, p), final)
            st = os.stat(final)
            table.files[p] = Record(t.inputs, st.st_size, st.st_mtime_ns,
                                    notes.get(p, ()) if p == t.path else ())
    shutil.rmtree(stage, ignore_errors=True)


def discard(out: Path) -> None:
    shutil.rmtree(staging(out), ignore_errors=True)


def prune(out: Path, targets: Iterable[Target], table: Table, everything: bool) -> list[str]:
    """Remove files of the output folder that no target makes (a deleted article's pages,
    a renamed photo…) and folders left empty; returns what was removed. From the table of
    the last build when it holds, else (`everything`) by looking at every file."""
    wanted = {p for t in targets for p in t.paths}
    if not everything:
        gone = sorted(p for p in table.files if p not in wanted)
        for p in gone:
            (out / p).unlink(missing_ok=True)
            del table.files[p]
            _remove_empty_parents(out, out / p)
        return gone
    removed: list[str] = []
    for folder, _dirs, filenames in os.walk(out, topdown=False):
        base = Path(folder)
        rel_dir = base.relative_to(out).as_posix()
        if rel_dir == STAGING or rel_dir.startswith(STAGING + "/"):
            continue
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if rel not in wanted:
                (base / name).unlink(missing_ok=True)
                removed.append(rel)
        if base != out and not any(base.iterdir()):
            base.rmdir()
    for p in [p for p in table.files if p not in wanted]:
        del table.files[p]
    return sorted(removed)


def _remove_empty_parents(out: Path, path: Path) -> None:
    folder = path.parent
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            return
        folder = folder.parent
