"""Outputs as targets: each file of the output folder with a digest of what it is made from.

A build lists every target, makes only the stale ones (their inputs changed, or the file is
missing or was changed by hand) into a staging folder inside the output, and only when all
of them were made renames each into place: a template or PDF error leaves the last good
output untouched. Files no target makes any more are then removed. The table of what each
file was made from is kept in .bantin-cache/outputs.json (Lektor keeps such an artifacts
table; Nikola calls it file_dep). What a build killed on the way leaves (its staging
folders, the old tree while swapped out) the next one clears or puts back (`recover`),
holding the output's lock (output.output_lock).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import posixpath
import re
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .cache import CACHE_DIR, write_atomic

STAGING = ".bantin-staging"
# What bantin versions before the staging folders left beside the output: .public.tmp-PID
# (the new tree) and .public.old-PID (the old one, while swapped out).
_LEGACY = re.compile(r"\.(?P<out>.+)\.(?P<kind>tmp|old)-\d+")
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # linux/fcntl.h, linux/fs.h
TABLE = "outputs.json"
TABLE_VERSION = 1

# Writes the target's main file at the path given (its other files beside it, named as
# staged() names them); returns notes (warnings) that are kept with the target and reported
# again while it stays unchanged.
Make = Callable[[Path], Sequence[str]]


class Target(NamedTuple):
    """One output file (or a few made together) and what it is made from. A tuple: a big
    site has ~3,500 and `serve` lists them on every save."""

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

    def __init__(self, root: Path, out: Path, enabled: bool = True, name: str = TABLE) -> None:
        """`name`: the table's file in .bantin-cache (the print folder keeps its own)."""
        self.path = root / CACHE_DIR / name
        self.out = out
        self.enabled = enabled
        self.files: dict[str, Record] = {}
        self._base = str(out) + os.sep
        # Main path -> inputs of the targets this process's last build made or found
        # fresh: `serve`, told what changed, does not look at those files again.
        self.settled: dict[str, str] = {}
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
                "files": {p: [r.inputs, r.size, r.mtime_ns, r.notes]
                          for p, r in self.files.items()}}
        # A read-only site still builds; the next build just makes everything.
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def fresh(self, t: Target, trusted: bool = False) -> bool:
        """Made from the same inputs, and every file still as the build left it
        (`trusted`: as this process's last build left it, when it settled this target)."""
        if trusted and self.settled.get(t.paths[0]) == t.inputs:
            return True
        for p in t.paths:
            rec = self.files.get(p)
            if rec is None or rec.inputs != t.inputs:
                return False
            try:
                st = os.stat(self._base + p)  # a string join: Path costs ~15 µs a file
            except OSError:
                return False
            if st.st_size != rec.size or st.st_mtime_ns != rec.mtime_ns:
                return False
        return True

    def notes(self, targets: Iterable[Target]) -> list[str]:
        return [n for t in targets for n in self.files.get(t.path, Record("", 0, 0)).notes]


def stale(targets: Iterable[Target], table: Table, trusted: bool = False) -> list[Target]:
    return [t for t in targets if not table.fresh(t, trusted)]


@dataclass(frozen=True)
class Stage:
    """Where stale targets are made before they go into place: either a flat folder inside
    the output (a few files of an incremental build, each renamed into place), or a whole
    new output tree beside it, swapped in with one rename (a cold build: no thousands of
    renames and folders to make twice)."""

    folder: Path
    whole: bool

    def file(self, k: int, path: str) -> Path:
        """Where the k-th stale target's file `path` is made (names kept, so a PDF's
        variants sit beside it)."""
        if self.whole:
            return self.folder / path
        return self.folder / f"{k}.{posixpath.basename(path)}"


def beside(dest: Path, main: str, other: str) -> Path:
    """Where a target's file `other` is made, when its main file `main` is made at `dest`
    (Stage.file names them alike, in one folder)."""
    return dest.with_name(dest.name[: -len(posixpath.basename(main))]
                          + posixpath.basename(other))


def stage_folders(out: Path) -> tuple[Path, Path, Path]:
    """The flat staging folder, the new tree and the old tree while it is swapped out."""
    return (out / STAGING, out.parent / f".{out.name}.bantin-new",
            out.parent / f".{out.name}.bantin-old")


def open_stage(out: Path, whole: bool) -> Stage:
    discard(out)  # what a build that was killed may have left
    folder = stage_folders(out)[1 if whole else 0]
    folder.mkdir(parents=True)
    return Stage(folder, whole)


def make_into(stage: Stage, targets: Sequence[Target], indices: Iterable[int]
              ) -> dict[str, tuple[str, ...]]:
    """Make some of the stale targets into the stage; main path -> notes."""
    notes: dict[str, tuple[str, ...]] = {}
    made: set[Path] = set()
    for k in indices:
        t = targets[k]
        dest = stage.file(k, t.path)
        if stage.whole and dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        notes[t.path] = tuple(t.make(dest))
    return notes


def commit(out: Path, stage: Stage, made: Sequence[Target],
           notes: dict[str, tuple[str, ...]], table: Table) -> None:
    """Put every made file into place and record what it was made from."""
    if stage.whole:
        swap_in(stage.folder, out)
        table.files = {}
    dirs: set[Path] = set()
    for k, t in enumerate(made):
        for p in t.paths:
            final = out / p
            if not stage.whole and not same_bytes(stage.file(k, p), final):
                if final.parent not in dirs:
                    final.parent.mkdir(parents=True, exist_ok=True)
                    dirs.add(final.parent)
                if final.is_dir() and not final.is_symlink():
                    shutil.rmtree(final)  # a folder where a file must now be
                os.replace(stage.file(k, p), final)
            st = os.stat(final)
            table.files[p] = Record(t.inputs, st.st_size, st.st_mtime_ns,
                                    notes.get(p, ()) if p == t.path else ())
    if not stage.whole:
        shutil.rmtree(stage.folder, ignore_errors=True)


def same_bytes(made: Path, published: Path) -> bool:
    """The file just made holds what the published one (a plain file) already holds: it
    stays in place (a page whose neighbour changed, a word file whose words did not).
    Replacing a file costs ~0.5 ms on a journalling disk, comparing two ~0.07 ms."""
    try:
        st = os.lstat(published)
        if not stat.S_ISREG(st.st_mode) or os.stat(made).st_size != st.st_size:
            return False
        with open(made, "rb") as a, open(published, "rb") as b:
            while chunk := a.read(1 << 16):
                if chunk != b.read(1 << 16):
                    return False
    except OSError:
        return False
    return True


def swap_in(new: Path, out: Path) -> None:
    """Put the tree `new` at `out` and remove the one it replaces. One atomic exchange where
    the system has it (Linux), so that `out` is never missing, even for a moment; else two
    renames, the old tree put back if the second one fails."""
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # now the old tree
        return
    old = stage_folders(out)[2]
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                     _RENAME_EXCHANGE) == 0


def discard(out: Path) -> None:
    for folder in stage_folders(out)[:2]:
        shutil.rmtree(folder, ignore_errors=True)


def recover(out: Path) -> bool:
    """Clear what a build that was killed left (call it holding the output's lock): its
    staging folders, and the old tree if it was swapped out, put back when the output
    itself is missing. True when there was anything."""
    staging, new, old = stage_folders(out)
    legacy = _legacy_folders(out)
    restored = False
    if not out.exists():
        kept = [p for p in (old, *legacy.get("old", [])) if p.is_dir()]
        if kept:  # the last good output, out of place when the build was killed
            os.rename(max(kept, key=lambda p: p.stat().st_mtime_ns), out)
            restored = True
    left = [p for p in (staging, new, old, *legacy.get("tmp", []), *legacy.get("old", []))
            if os.path.lexists(p)]
    for p in left:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                p.unlink()
    return restored or bool(left)


def _legacy_folders(out: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    with contextlib.suppress(OSError), os.scandir(out.parent) as it:
        for e in it:
            m = _LEGACY.fullmatch(e.name)
            if m and m["out"] == out.name:
                found.setdefault(m["kind"], []).append(Path(e.path))
    return found


def prune(out: Path, targets: Iterable[Target], table: Table) -> list[str]:
    """Remove the files the last build made that no target makes any more (a deleted
    article's pages, a renamed photo…) and folders left empty; returns what was removed."""
    wanted = {p for t in targets for p in t.paths}
    gone = sorted(p for p in table.files if p not in wanted)
    for p in gone:
        (out / p).unlink(missing_ok=True)
        del table.files[p]
        _remove_empty_parents(out, out / p)
    return gone


def _remove_empty_parents(out: Path, path: Path) -> None:
    folder = path.parent
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            return
        folder = folder.parent
