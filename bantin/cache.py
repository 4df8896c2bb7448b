"""Content-hash cache in <root>/.bantin-cache/ (safe to delete)."""

from __future__ import annotations

import hashlib
import os
import pickle
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
