"""Content-hash caches in <root>/.bantin-cache/ (safe to delete)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

CACHE_DIR = ".bantin-cache"
T = TypeVar("T")


def digest(*parts: str) -> str:
    """Digest of strings, each ended by a NUL (joined first: one call into the hash)."""
    data = "\0".join(parts) + "\0"
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Memo:
    """Values kept between the builds of one process (`serve`), each with what it was made
    from: asked again with equal sources, a value is not made again. The sources are a
    tuple compared with == (the same object is equal at once, without looking inside: an
    unchanged article or issue is the very object the last build had, from the load
    cache). Only what the last build asked for is kept (`sweep`), so memory does not grow
    with the edits."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._asked: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}

    def get(self, key: Hashable, sources: tuple[Any, ...], make: Callable[[], T]) -> T:
        hit = self._kept.get(key)
        if hit is None or hit[0] != sources:
            hit = (sources, make())
        self._asked[key] = hit
        return hit[1]  # type: ignore[no-any-return]

    def sweep(self) -> None:
        """A build is over: keep what it asked for, nothing else."""
        self._kept, self._asked = self._asked, {}


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
MMAP_BYTES = 1 << 28
_SELECT = "SELECT value FROM entries WHERE store = ? AND key = ?"
DAMAGED = (f"Bộ nhớ đệm {CACHE_DIR}/ bị hỏng hoặc không do bantin lập nên đã bỏ qua và tạo "
           "lại (lần dựng này chậm hơn, nội dung không mất gì).")
# An entry listed at the start of a build and unreadable when its value is asked for, with
# nothing left to make it again from (content.LoadCache, prepare.RenderStore).
SPOILT = (f"bộ nhớ đệm {CACHE_DIR}/ bị hỏng giữa lúc dựng — xóa thư mục {CACHE_DIR} rồi "
          "dựng lại")
# Failures that rebuilding the file would not cure: the cache is just not used this time.
_NOT_DAMAGE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_CANTOPEN",
               "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_NOMEM", "SQLITE_INTERRUPT")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# How DAMAGED reaches the editor: on stderr, beside the CLI's progress lines (`_say`).
tell: Callable[[str], None] = _stderr
_told: set[str] = set()  # cache files told about: once per process (a build, a `serve`)


def _tell_damaged(path: Path) -> None:
    if str(path) not in _told:
        _told.add(str(path))
        tell(DAMAGED)


def _files_of(path: Path) -> list[Path]:
    """The database and the journals SQLite keeps beside it."""
    return [path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))]


def _is_damage(exc: sqlite3.Error) -> bool:
    """Not a database, corrupt, or not our table: what making the file anew cures."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return isinstance(exc, sqlite3.DatabaseError) and not name.startswith(_NOT_DAMAGE)


def _ints(value: Any, n: int | None = None) -> bool:
    return (isinstance(value, list) and (n is None or len(value) == n)
            and all(type(v) is int for v in value))


def _is_row(value: Any, types: tuple[type | tuple[type, ...], ...]) -> bool:
    """A JSON list with exactly these types, in order (True is not an int here)."""
    return (isinstance(value, list) and len(value) == len(types)
            and all(isinstance(v, t) and (t is bool or not isinstance(v, bool))
                    for v, t in zip(value, types, strict=True)))


_NUM = (int, float)
_LOCAL = (str, str, int, int, _NUM, str)  # dedup.Local, without its optional `also`
_FINDING = (str, str, str, str, int, str, int, _NUM, str)  # dedup_site._finding_json
_PHOTO_REF = (str, int, str, str)  # markdown.PhotoRef


def _folded(value: Any, types: tuple[type | tuple[type, ...], ...]) -> bool:
    """A finding row, with or without its trailing list of folded lines (`also`)."""
    return _is_row(value, types) or (isinstance(value, list) and len(value) == len(types) + 1
                                     and _is_row(value[:-1], types) and _ints(value[-1]))


def _dedup_shape(key: str, v: Any) -> bool:
    if key.startswith("a"):  # an article's result (dedup_site._result_json)
        return (isinstance(v, list) and len(v) == 3 and type(v[0]) is int and _ints(v[2])
                and isinstance(v[1], list) and all(_folded(f, _LOCAL) for f in v[1]))
    return isinstance(v, list) and all(_folded(f, _FINDING) for f in v)  # an issue's


def _photo_shape(_key: str, v: Any) -> bool:
    if isinstance(v, list) and v[:1] == ["!"]:  # a photo that cannot be used: code, detail
        return _is_row(v, (str, str, str))
    return (_is_row(v, (str, int, int, bool, bool))  # images.ImageInfo
            and v[1] > 0 and v[2] > 0)


def _article_shape(_key: str, v: Any) -> bool:
    """content.LoadCache's entries; the article itself is checked there (against the file
    and site.yml it was read with)."""
    return (isinstance(v, dict) and set(v) == {"article", "diags"}
            and isinstance(v["article"], dict | None) and isinstance(v["diags"], list)
            and all(_is_row(d, (str, (int, type(None)), str, str, bool)) for d in v["diags"]))


# The JSON each store's writer puts, by store name. A value of another shape (a planted or
# damaged file) is a miss, never a crash where it is used; a store not named here is
# checked by its reader.
SHAPES: dict[str, Callable[[str, Any], bool]] = {
    "file-digests": lambda _k, v: _is_row(v, (int, int, str)),
    "rendered": lambda _k, v: (_is_row(v, (str, list, str))
                               and all(_is_row(p, _PHOTO_REF) for p in v[1])),
    "bodies": lambda _k, v: _is_row(v, (str,)),
    "words": lambda _k, v: _is_row(v, (str,)),
    "photos": _photo_shape,
    "dedup": _dedup_shape,
    "articles": _article_shape,
    "article-bodies": lambda _k, v: _is_row(v, (str,)),
    "search-tags": lambda k, v: k.startswith("tag:") and isinstance(v, str) and len(v) == 10,
    "source-stamps": lambda k, v: k == "source-stamps" and isinstance(v, dict) and all(
        isinstance(p, str) and _is_row(s, (int, int, str, str)) for p, s in v.items()),
}


class JsonStore:
    """Named JSON values in one SQLite file, <root>/.bantin-cache/cache.sqlite3 (data only:
    reading it never runs code). Values are read one by one when asked for and written in
    one transaction at `save`, so a build that changed one article writes one entry, not
    the whole cache. Entries a run did not use are dropped at `save`, so the file does not
    grow with deleted articles. A missing or locked file is no error: the build just makes
    everything again. A damaged one, or one bantin did not make (another format, a value of
    another shape, a link in its place), is replaced by an empty one and told once (DAMAGED).
    """

    def __init__(self, root: Path, name: str, enabled: bool = True) -> None:
        self.root = root
        self.path = root / CACHE_DIR / DATABASE
        self.name = name
        self.enabled = enabled
        self.used: set[str] = set()
        self.new: dict[str, Any] = {}
        self.seen: dict[str, Any] = {}
        self.raw: dict[str, Any] = {}  # read in bulk, decoded when asked for
        self.preloaded = False
        self._listed: set[str] | None = None  # keys on disk, as `has` listed them
        self.db: sqlite3.Connection | None = None
        self.inode = 0  # of the file opened, to tell whether a damaged one was replaced
        self.pid = os.getpid()  # the process whose connection `db` is
        self._reader: tuple[int, sqlite3.Connection] | None = None  # a worker's own
        if enabled:
            self.db = self._open()

    def preload(self) -> None:
        """Read every entry in one query (a build asks for nearly all of them)."""
        if self.db is None:
            return
        try:
            # Read through a memory map (a third faster for the ~10 MB a store can hold),
            # unmapped right after: `serve` runs for hours and its pages would stay counted.
            self.db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            rows = self.db.execute("SELECT key, value FROM entries WHERE store = ?",
                                   (self.name,)).fetchall()
            self.db.execute("PRAGMA mmap_size = 0")
            self.raw = {k: v for k, v in rows if isinstance(k, str)}
            self.preloaded = True
        except sqlite3.Error as exc:
            self.raw = {}
            self._failed(exc)

    def _connect(self) -> sqlite3.Connection:
        for name in _files_of(self.path):
            try:
                mode = os.lstat(name).st_mode
            except OSError:
                continue
            if not stat.S_ISREG(mode):  # SQLite would write through a link, wait on a pipe
                raise sqlite3.DatabaseError(f"not a plain file: {name}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                             check_same_thread=False)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS entries (store TEXT NOT NULL, "
                       "key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (store, key))")
            db.execute("SELECT store, key, value FROM entries LIMIT 1").fetchall()
            self.inode = os.stat(self.path).st_ino
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection | None:
        try:
            return self._connect()
        except OSError:
            return None
        except sqlite3.Error as exc:
            if not _is_damage(exc):
                return None
        return self._replace()

    def _replace(self) -> sqlite3.Connection | None:
        """An empty file in place of a damaged one (a journal left beside it would be
        played back into the new file)."""
        _tell_damaged(self.path)
        try:
            for name in _files_of(self.path):
                if name.is_dir() and not name.is_symlink():  # in our own folder: ours
                    shutil.rmtree(name)
                else:
                    name.unlink(missing_ok=True)
            return self._connect()
        except (OSError, sqlite3.Error):
            return None

    def _failed(self, exc: sqlite3.Error) -> None:
        """A read or write failed mid-run: a busy file is just not used; a damaged one is
        replaced, unless another store of this run did so already (an inode number used
        again only costs a second replacement)."""
        if not _is_damage(exc):
            return
        if self.db is not None:
            self.db.close()
        self.raw = {}
        try:
            replaced = os.stat(self.path).st_ino != self.inode
        except OSError:
            replaced = True
        self.db = self._open() if replaced else self._replace()
        _tell_damaged(self.path)

    def _decode(self, key: str, text: Any) -> Any | None:
        """A stored value, or None (told once) when it is not JSON of this store's shape."""
        value = self._parse(key, text)
        if value is None:
            self.reject(key)
        return value

    def _parse(self, key: str, text: Any) -> Any | None:
        """A stored value, or None when it is not JSON of this store's shape."""
        try:
            value = json.loads(text)
        except (ValueError, TypeError, RecursionError):
            return None
        shape = SHAPES.get(self.name)
        return None if shape is not None and not shape(key, value) else value

    def reject(self, key: str) -> None:
        """A value its reader cannot use: a miss, and the file is told as damaged (once).
        The entry is dropped or written anew at `save`."""
        self.seen.pop(key, None)
        self.used.discard(key)
        _tell_damaged(self.path)

    def get(self, key: str) -> Any | None:
        value = self.new.get(key) or self.seen.get(key)
        if value is None and key in self.raw:
            value = self._decode(key, self.raw.pop(key))
        if value is None and self.db is not None and not self.preloaded:
            value = self._select(key)
        if value is not None:
            if key not in self.new:
                self.seen[key] = value
            self.used.add(key)
        return value

    def _select(self, key: str) -> Any | None:
        if self.pid != os.getpid():
            return self._select_forked(key)
        try:
            row = self.db.execute(_SELECT, (self.name, key)).fetchone() if self.db else None
        except sqlite3.Error as exc:
            row = None
            self._failed(exc)
        return self._decode(key, row[0]) if row else None

    def _select_forked(self, key: str) -> Any | None:
        """Read in a worker process: never through the connection it inherited (SQLite
        forbids it), and read-only (the parent owns the file and repairs it if need be)."""
        try:
            if self._reader is None or self._reader[0] != os.getpid():
                self._reader = (os.getpid(), sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=10))
            row = self._reader[1].execute(_SELECT, (self.name, key)).fetchone()
        except sqlite3.Error:
            return None
        return self._parse(key, row[0]) if row else None

    def keys(self) -> set[str]:
        """The keys this store has on disk (without reading their values)."""
        if self.db is None:
            return set()
        try:
            return {k for (k,) in self.db.execute(
                "SELECT key FROM entries WHERE store = ?", (self.name,))}
        except sqlite3.Error as exc:
            self._failed(exc)
            return set()

    def has(self, key: str) -> bool:
        """Whether there is a value for `key`, new or on disk (listed once until `save`,
        its value not read: stores read one by one when asked for)."""
        if key in self.new:
            return True
        if self._listed is None:
            self._listed = self.keys()
        return key in self._listed

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value
        self.used.add(key)

    def keep(self, key: str) -> None:
        """An entry the caller still holds in memory was used: keep it in the file."""
        self.used.add(key)

    def save(self) -> None:
        """Write what is new and drop what this run did not use; the next run starts here.
        Saved again with nothing used since (serve's caches are written when the edits
        pause, and when it stops), the store is left as it is, not emptied."""
        self._listed = None
        if not self.used and not self.new:
            return
        for attempt in (1, 2):
            if self.db is None:
                return
            try:
                self._write(self.db)
                break
            except sqlite3.Error as exc:
                if attempt == 2 or not _is_damage(exc):
                    return  # a read-only or busy cache: this run is just not kept
                self._failed(exc)
                # The new file starts with everything this run used, not only what it made.
                self.new = {k: v for k, v in self.seen.items() if k in self.used} | self.new
        # In memory too, keep only what this run used (a long `serve` must not grow).
        self.seen = {k: v for k, v in (self.seen | self.new).items() if k in self.used}
        self.new = {}
        self.used = set()

    def _write(self, db: sqlite3.Connection) -> None:
        with db:  # one transaction
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                [(self.name, k, json.dumps(v, ensure_ascii=False, separators=(",", ":")))
                 for k, v in self.new.items()])
            (count,) = db.execute("SELECT COUNT(*) FROM entries WHERE store = ?",
                                  (self.name,)).fetchone()
            if count > len(self.used):
                db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT)")
                db.execute("DELETE FROM used")
                db.executemany("INSERT INTO used VALUES (?)", [(k,) for k in self.used])
                db.execute("DELETE FROM entries WHERE store = ? AND key NOT IN "
                           "(SELECT key FROM used)", (self.name,))

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
