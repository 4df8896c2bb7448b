"""Content-hash caches in <root>/.bantin-cache/ (safe to delete)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

CACHE_DIR = ".bantin-cache"


def digest(*parts: str) -> str:
    """Digest of strings, each ended by a NUL (joined first: one call into the hash)."""
    data = "\0".join(parts) + "\0"
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


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


DATABASE = "cache.sqlite3"


class JsonStore:
    """Named JSON values in one SQLite file, <root>/.bantin-cache/cache.sqlite3 (data only:
    reading it never runs code). Values are read one by one when asked for and written in
    one transaction at `save`, so a build that changed one article writes one entry, not
    the whole cache. Entries a run did not use are dropped at `save`, so the file does not
    grow with deleted articles. A missing, locked or corrupt file is no error: the build
    just makes everything again."""

    def __init__(self, root: Path, name: str, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / DATABASE
        self.name = name
        self.enabled = enabled
        self.used: set[str] = set()
        self.new: dict[str, Any] = {}
        self.seen: dict[str, Any] = {}
        self.raw: dict[str, str] = {}  # read in bulk, decoded when asked for
        self.preloaded = False
        self.db: sqlite3.Connection | None = None
        if enabled:
            self.db = self._open()

    def preload(self) -> None:
        """Read every entry in one query (a build asks for nearly all of them)."""
        if self.db is None:
            return
        try:
            self.raw = dict(self.db.execute("SELECT key, value FROM entries WHERE store = ?",
                                            (self.name,)))
            self.preloaded = True
        except sqlite3.Error:
            self.raw = {}

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                 check_same_thread=False)
            db.execute("CREATE TABLE IF NOT EXISTS entries (store TEXT NOT NULL, "
                       "key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (store, key))")
            return db
        except (OSError, sqlite3.Error):
            return None

    def get(self, key: str) -> Any | None:
        value = self.new.get(key) or self.seen.get(key)
        if value is None and key in self.raw:
            try:
                value = self.seen[key] = json.loads(self.raw.pop(key))
            except ValueError:
                value = None
        if value is None and self.db is not None and not self.preloaded:
            try:
                row = self.db.execute("SELECT value FROM entries WHERE store = ? AND key = ?",
                                      (self.name, key)).fetchone()
                value = json.loads(row[0]) if row else None
            except (sqlite3.Error, ValueError):
                value = None
            if value is not None:
                self.seen[key] = value
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value
        self.used.add(key)

    def keep(self, key: str) -> None:
        """An entry the caller still holds in memory was used: keep it in the file."""
        self.used.add(key)

    def save(self) -> None:
        """Write what is new and drop what this run did not use; the next run starts here."""
        if self.db is None:
            return
        try:
            with self.db:  # one transaction
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                    [(self.name, k, json.dumps(v, ensure_ascii=False, separators=(",", ":")))
                     for k, v in self.new.items()])
                (count,) = self.db.execute("SELECT COUNT(*) FROM entries WHERE store = ?",
                                           (self.name,)).fetchone()
                if count > len(self.used):
                    self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT)")
                    self.db.execute("DELETE FROM used")
                    self.db.executemany("INSERT INTO used VALUES (?)",
                                        [(k,) for k in self.used])
                    self.db.execute("DELETE FROM entries WHERE store = ? AND key NOT IN "
                                    "(SELECT key FROM used)", (self.name,))
        except sqlite3.Error:
            return  # a read-only or busy cache: this run is just not kept
        # In memory too, keep only what this run used (a long `serve` must not grow).
        self.seen = {k: v for k, v in (self.seen | self.new).items() if k in self.used}
        self.new = {}
        self.used = set()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


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
