"""Content-hash caches in <root>/.bantin-cache/ (safe to delete)."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

CACHE_DIR = ".bantin-cache"


def digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class Cache:
    """A pickled dict per name; entries not used in a run are dropped when it is saved."""

    def __init__(self, root: Path, name: str, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / f"{name}.pickle"
        self.enabled = enabled
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        self.dirty = False
        if enabled and self.path.exists():
            try:
                with self.path.open("rb") as f:
                    self.old = pickle.load(f)
            except Exception:  # a corrupt or foreign cache is just ignored
                self.old = {}

    def get(self, key: str) -> Any | None:
        value = self.old.get(key)
        if value is not None:
            self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value
        self.dirty = True

    def save(self) -> None:
        # Unchanged when nothing was added and every old entry was used again.
        if not self.enabled or (not self.dirty and len(self.new) == len(self.old)):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
            with tmp.open("wb") as f:
                pickle.dump(self.new, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only site still builds; it is just not cached


def file_digest(path: Path) -> str:
    """Digest of a file's bytes, read in chunks (photos and fonts can be large)."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class JsonStore:
    """A JSON dict per name (data only: reading it can never run code); like Cache, entries
    not used in a run are dropped when it is saved."""

    def __init__(self, root: Path, name: str, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / f"{name}.json"
        self.enabled = enabled
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        self.dirty = False
        if enabled:
            try:
                data = json.loads(self.path.read_bytes())
                self.old = data if isinstance(data, dict) else {}
            except (OSError, ValueError):  # missing, corrupt or foreign: start empty
                self.old = {}

    def get(self, key: str) -> Any | None:
        value = self.new.get(key)
        if value is None:
            value = self.old.get(key)
            if value is not None:
                self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value
        self.dirty = True

    def save(self) -> None:
        """Keep what this run used; the next run starts from it."""
        if not self.enabled or (not self.dirty and len(self.new) == len(self.old)):
            return
        try:
            write_atomic(self.path, json.dumps(self.new, ensure_ascii=False,
                                               separators=(",", ":")).encode("utf-8"))
        except OSError:
            return  # a read-only site still builds; it is just not cached
        self.old, self.new, self.dirty = self.new, {}, False


class FileDigests:
    """Digests of big files (photos, fonts) by their size and change time, so a build reads
    only the files that changed. A file changed within RACY_NS of being recorded is hashed
    again next time (its time stamp cannot tell two quick edits apart)."""

    RACY_NS = 3_000_000_000

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.store = JsonStore(root, "file-digests", enabled)

    def __call__(self, path: Path) -> str:
        st = path.stat()
        key = str(path)
        hit = self.store.get(key)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return str(hit[2])
        value = file_digest(path)
        if st.st_mtime_ns < time.time_ns() - self.RACY_NS:
            self.store.put(key, [st.st_size, st.st_mtime_ns, value])
        return value

    def save(self) -> None:
        self.store.save()
