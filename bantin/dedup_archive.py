"""Paragraphs already published in an earlier issue: the archive check and its kept index.

The index of every issue is kept in <root>/.bantin-cache/ (see dedup_index for why it is an
exact 3-gram index). A run checks only what is new or changed against it: new articles are
indexed on the fly, changed or deleted ones masked out. When that grows past REBUILD_AFTER
paragraphs, everything is indexed again (a cold run) and kept for the next runs. A big cold
run is split over forked workers (one per core), with the same findings as in one process.

Each later paragraph is compared with its TOP_CANDIDATES best candidate pairs (by estimated
overlap, then earlier id) among all the candidate pairs of the run, not of one batch of
queries: the batches only keep their own best few (which hold the run's best few) and the
comparisons are made once, at the end. So the findings do not depend on QUERY_CHUNK nor on
how the work is split.

A run against the kept index may still differ a little from a cold run of the same archive
(bench/corpus/bantin plus its last issue: 2,569 findings against 2,574), as a pair's score
depends on the probes searched (dedup_index: a paragraph's rarest shingles in the index
searched, stock phrases left out), so on the rest of the archive:
- kept findings are those of the cold run that built the index; new articles change the
  shingle counts, so the probes and the candidates of old paragraphs, which are not searched
  again (unless their match was edited away);
- new paragraphs are searched with their rarest shingles in the kept index and, apart, in
  the new articles, not in both together; and only they search: a cold run also scores each
  pair from the earlier paragraph's probes, a second row that may rank it in the best few.
So pairs that a cold run ranks near the TOP_CANDIDATES cut or near CANDIDATE may be missed
or chosen differently until the next cold run (after REBUILD_AFTER changed paragraphs).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, overload

import numpy as np

from .cache import CACHE_DIR
from .dedup import (
    CANDIDATE,
    NEAR,
    TOP_CANDIDATES,
    VERSION,
    Finding,
    Match,
    Para,
    Where,
    compare,
    excerpt,
)
from .dedup_index import (
    ShingleIndex,
    cuts_ok,
    first_of_runs,
    ids_within,
    missing,
    pack,
    require,
    typed_array,
)
from .workers import Pool as WorkerPool
from .workers import in_background, remember, shared, worker_count
from .workers import pool as worker_pool

ARCHIVE_NAME = "dedup-archive"
ARCHIVE_FILE = f"{ARCHIVE_NAME}.npz"  # the whole kept corpus: plain arrays, no pickles
FORMAT_NAME = "bantin-dedup-archive"  # the header of its metadata
FORMAT_VERSION = 2  # of ARCHIVE_FILE's layout (1: metadata in a pickle beside it, never read)
REBUILD_AFTER = 5000  # new or changed paragraphs checked on the fly before re-indexing
QUERY_CHUNK = 20000  # paragraphs per batch of a cold self-join (bounds memory)
PARALLEL_MIN = 4000  # paragraphs from which a cold self-join pays for forking workers
PARTS_PER_WORKER = 4  # tasks per worker and phase: small ones keep every core busy
_KINDS = ("exact", "contained", "near")

Best = dict[int, tuple[int, Match]]  # later paragraph -> (earlier paragraph, its match)
Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]  # later, earlier, estimated overlap



@dataclass(frozen=True)
class Entry:
    """An article as the archive sees it."""

    rel: str
    key: str  # digest of everything its paragraphs depend on
    issue: int  # year * 10000 + number: earlier issues compare lower


class Flat(NamedTuple):
    """The paragraphs of all entries, one row each: what a Corpus is made of."""

    art: np.ndarray  # int32 entry of each paragraph
    line: np.ndarray  # int32 file line of each paragraph
    keep: np.ndarray  # bool: marked by the editor, never reported
    tokens: np.ndarray  # packed token ids, see pack()
    offsets: np.ndarray
    texts: list[str]

    @classmethod
    def of(cls, paras: Sequence[Sequence[Para]]) -> Flat:
        flat = [(k, p) for k, ps in enumerate(paras) for p in ps]
        return cls(np.array([k for k, _ in flat], dtype=np.int32),
                   np.array([p.line for _, p in flat], dtype=np.int32),
                   np.array([p.keep for _, p in flat], dtype=bool),
                   *pack([p.ids for _, p in flat]), [p.text for _, p in flat])


@dataclass
class Corpus:
    """Indexed paragraphs (eligible, printed) and where they come from."""

    index: ShingleIndex
    entries: list[Entry]
    art: np.ndarray  # int32 entry of each paragraph
    line: np.ndarray  # int32 file line of each paragraph
    keep: np.ndarray  # bool: marked by the editor, never reported
    excerpts: Sequence[str]  # a list, or Texts when loaded
    # Kept findings: (later paragraph, earlier paragraph, kind index, similarity).
    findings: list[tuple[int, int, int, float]] = field(default_factory=list)

    @classmethod
    def of(cls, entries: list[Entry], paras: Sequence[Sequence[Para]]) -> Corpus:
        flat = Flat.of(paras)
        return cls.indexed(entries, flat, [excerpt(t) for t in flat.texts])

    @classmethod
    def indexed(cls, entries: list[Entry], flat: Flat, excerpts: list[str]) -> Corpus:
        return cls(ShingleIndex.build(flat.tokens, flat.offsets), entries, flat.art, flat.line,
                   flat.keep, excerpts)

    def __len__(self) -> int:
        return len(self.index)

    def issues(self) -> np.ndarray:
        keys = np.array([e.issue for e in self.entries] or [0], dtype=np.int64)
        return keys[self.art]

    def postings(self, pids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(paragraph, shingle) pairs of these paragraphs (all when None)."""
        h = np.repeat(self.index.keys, np.diff(self.index.starts))
        pid = self.index.postings
        if pids is None:
            return pid, h
        mask = np.isin(pid, pids)
        return pid[mask], h[mask]

    def paragraphs_of(self, k: int) -> list[Para]:
        """Stand-ins for entry k's paragraphs, rebuilt from the index (for re-indexing)."""
        out = []
        lo, hi = np.searchsorted(self.art, [k, k + 1])  # art is sorted: built entry by entry
        for i in range(int(lo), int(hi)):
            out.append(Para("", self.excerpts[i], int(self.line[i]), (0, 0), "",
                            tuple(self.index.tokens(i)), bool(self.keep[i])))
        return out

    # ------------------------------------------------------------ persistence

    def save(self, root: Path) -> None:
        """Keep the corpus as one .npz of plain arrays, written whole then renamed in place
        (a reader never sees half of it): strings as UTF-8 bytes, and a JSON header."""
        folder = root / CACHE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "dedup": VERSION}
        names = "\0".join(x for e in self.entries for x in (e.rel, e.key))  # no NUL in paths
        arrays = {**self.index.arrays(), **_finding_arrays(self.findings),
                  **Texts.arrays("excerpt", self.excerpts),
                  "meta": _bytes(json.dumps(header)), "entry_names": _bytes(names),
                  "entry_issue": np.array([e.issue for e in self.entries], dtype=np.int64),
                  "art": self.art, "line": self.line, "keep": self.keep}
        # A name of its own (two runs may save at once), made like any file (umask).
        tmp = folder / f"{ARCHIVE_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            with tmp.open("xb") as f:
                np.savez(f, **arrays)
            os.replace(tmp, folder / ARCHIVE_FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        with contextlib.suppress(OSError):  # the old format's metadata: never read again
            (folder / f"{ARCHIVE_NAME}.pickle").unlink(missing_ok=True)

    @classmethod
    def load(cls, root: Path) -> Corpus | None:
        """The kept corpus, or None when there is none. Unreadable when the file is there but
        unusable: another format or version, truncated, corrupt, or not bantin's at all.
        Reading it runs no code (no pickles) and what is read is checked before use."""
        path = root / CACHE_DIR / ARCHIVE_FILE
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise Unreadable("broken") from exc
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would hang or never end
            raise Unreadable("broken")
        try:
            z = np.load(path, allow_pickle=False)
            if not isinstance(z, np.lib.npyio.NpzFile):  # a lone .npy array
                raise Unreadable("broken")
            with z:
                return cls._of_npz(z)
        except Unreadable:
            raise
        except Exception as exc:  # numpy, zip and JSON errors alike: the file is no good
            raise Unreadable("broken") from exc

    @classmethod
    def _of_npz(cls, z: Any) -> Corpus:
        names = set(z.files)
        if "meta" not in names:  # the pickle era kept only the index in the .npz
            raise Unreadable("old" if {"flat", "keys", "postings"} <= names else "broken")
        header = json.loads(typed_array(z, "meta", np.uint8).tobytes())
        require(isinstance(header, dict) and header.get("format") == FORMAT_NAME)
        if header.get("version") != FORMAT_VERSION or header.get("dedup") != VERSION:
            raise Unreadable("old")  # told before the big arrays are read
        index = ShingleIndex.of_arrays(z)
        n = len(index)
        entries = _entries_of(z)
        art, line = typed_array(z, "art", np.int32), typed_array(z, "line", np.int32)
        keep = typed_array(z, "keep", np.bool_)
        excerpts = Texts.of_arrays("excerpt", z)
        require(len(art) == len(line) == len(keep) == len(excerpts) == n)
        require(ids_within(art, len(entries)) and bool(np.all(art[1:] >= art[:-1])))
        return cls(index, entries, art, line, keep, excerpts, _findings_of(z, n))


class Unreadable(Exception):
    """A kept archive index that cannot be used: `reason` is "old" (made by another version
    of bantin) or "broken" (truncated, corrupt, or not made by bantin)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Texts(Sequence[str]):
    """Strings kept as one UTF-8 blob and where each starts, decoded only when asked for:
    loading the kept index then costs no time per excerpt (only findings show them)."""

    def __init__(self, blob: bytes, at: np.ndarray) -> None:
        self.blob, self.at = blob, at

    @staticmethod
    def arrays(name: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        parts = [t.encode("utf-8", "replace") for t in texts]
        at = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in parts], out=at[1:])
        return {f"{name}_text": _bytes(b"".join(parts)), f"{name}_at": at}

    @classmethod
    def of_arrays(cls, name: str, arrays: Any) -> Texts:
        blob = typed_array(arrays, f"{name}_text", np.uint8).tobytes()
        at = typed_array(arrays, f"{name}_at", np.int64)
        require(cuts_ok(at, len(blob)))
        return cls(blob, at)

    def __len__(self) -> int:
        return len(self.at) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        k = range(len(self))[i]  # negative indices, slices and IndexError as for a list
        if isinstance(k, range):
            return [self[j] for j in k]
        # A bad byte shows as U+FFFD, never fails.
        return self.blob[int(self.at[k]):int(self.at[k + 1])].decode("utf-8", "replace")


def _bytes(data: str | bytes) -> np.ndarray:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return np.frombuffer(raw, dtype=np.uint8)


def _entries_of(z: Any) -> list[Entry]:
    issue = typed_array(z, "entry_issue", np.int64).tolist()
    text = typed_array(z, "entry_names", np.uint8).tobytes().decode("utf-8", "surrogatepass")
    names = text.split("\0") if issue else []
    require(len(names) == 2 * len(issue))
    return [Entry(rel, key, k) for rel, key, k in zip(names[::2], names[1::2], issue,
                                                       strict=True)]


def _finding_arrays(findings: Sequence[tuple[int, int, int, float]]) -> dict[str, np.ndarray]:
    later, earlier, kind, sim = zip(*findings, strict=True) if findings else ((),) * 4
    return {"found_later": np.array(later, dtype=np.int64),
            "found_earlier": np.array(earlier, dtype=np.int64),
            "found_kind": np.array(kind, dtype=np.int8),
            "found_similarity": np.array(sim, dtype=np.float64)}


def _findings_of(z: Any, n: int) -> list[tuple[int, int, int, float]]:
    """Kept findings back from _finding_arrays(), checked against a corpus of n paragraphs."""
    later, earlier = typed_array(z, "found_later", np.int64), typed_array(z, "found_earlier",
                                                                          np.int64)
    kind, sim = typed_array(z, "found_kind", np.int8), typed_array(z, "found_similarity",
                                                                   np.float64)
    require(len(later) == len(earlier) == len(kind) == len(sim))
    require(ids_within(later, n) and ids_within(earlier, n) and ids_within(kind, len(_KINDS)))
    require(bool(np.all((sim >= 0) & (sim <= 1))))
    return list(zip(later.tolist(), earlier.tolist(), kind.tolist(), sim.tolist(),
                    strict=True))


@dataclass
class Pool:
    """The kept corpus and the corpus of new articles, seen as one id space."""

    base: Corpus
    delta: Corpus
    alive: np.ndarray  # bool per global paragraph id: still what the sources say

    def __post_init__(self) -> None:
        self.n_base = len(self.base)
        self.issue = np.concatenate([self.base.issues(), self.delta.issues()])
        self.keep = np.concatenate([self.base.keep, self.delta.keep])
        self.sizes = np.concatenate([self.base.index.sizes, self.delta.index.sizes])
        self.lengths = np.concatenate([np.diff(self.base.index.offsets),
                                       np.diff(self.delta.index.offsets)])

    def could_repeat(self, later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
        """False for pairs compare() is sure to reject: too many syllables of the shorter
        paragraph are missing from the longer one. Cheap, and for all pairs at once."""
        ids, inv = np.unique(np.concatenate([later, earlier]), return_inverse=True)
        base = np.searchsorted(ids, self.n_base)
        sketch = np.concatenate([self.base.index.sketch(ids[:base]),
                                 self.delta.index.sketch(ids[base:] - self.n_base)])
        a, b = inv[:len(later)], inv[len(later):]
        size = self.lengths[ids]
        short = np.where(size[a] < size[b], a, b)
        long = np.where(size[a] < size[b], b, a)
        return size[short] - missing(sketch, short, long) >= NEAR * size[short]

    def part(self, g: int) -> tuple[Corpus, int]:
        return (self.base, g) if g < self.n_base else (self.delta, g - self.n_base)

    def tokens(self, g: int) -> list[int]:
        corpus, i = self.part(g)
        return corpus.index.tokens(i)

    def where(self, g: int) -> Where:
        corpus, i = self.part(g)
        return Where(corpus.entries[int(corpus.art[i])].rel, int(corpus.line[i]))

    def excerpt(self, g: int) -> str:
        corpus, i = self.part(g)
        return corpus.excerpts[i]

    def orient(self, q: np.ndarray, t: np.ndarray, count: np.ndarray, probes: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs from different issues as (later, earlier, estimated overlap), filtered."""
        score = count / np.maximum(np.minimum(probes, self.sizes[t]), 1)
        later = np.where(self.issue[q] > self.issue[t], q, t)
        earlier = np.where(self.issue[q] > self.issue[t], t, q)
        ok = ((self.issue[q] != self.issue[t]) & (score >= CANDIDATE) & self.alive[q]
              & self.alive[t] & ~self.keep[later])
        return later[ok], earlier[ok], score[ok]


def _search(target: Corpus, offset: int, qg: np.ndarray, qh: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    q, t, count, probes = target.index.search(qg, qh, min_score=CANDIDATE)
    return q, t + offset, count, probes


def _chunks(pool: Pool, corpus: Corpus, offset: int, pids: np.ndarray | None,
            ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """A corpus' (global paragraph, shingle) pairs in batches of QUERY_CHUNK paragraphs."""
    pid, h = corpus.postings(pids)
    if len(pid) == 0:
        return
    for lo in range(0, int(pid.max()) + 1, QUERY_CHUNK):
        m = (pid >= lo) & (pid < lo + QUERY_CHUNK)
        if m.any():
            yield pid[m].astype(np.int64) + offset, h[m]


def _top(later: np.ndarray, earlier: np.ndarray, score: np.ndarray) -> Pairs:
    """Each later paragraph's TOP_CANDIDATES best pairs, by score then earlier paragraph,
    sorted so. A total order: the best few of any pairs are among the best few of any of
    their parts put together, so pairs may be cut down batch by batch."""
    order = np.lexsort((earlier, -score, later))
    later, earlier, score = later[order], earlier[order], score[order]
    tried = first_of_runs(later, TOP_CANDIDATES)
    return later[tried], earlier[tried], score[tried]


def _merged(pieces: Sequence[Pairs]) -> Pairs:
    """_top of pieces of pairs put together."""
    if not pieces:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float64)
    return _top(*(np.concatenate(a) for a in zip(*pieces, strict=True)))


def _confirm(pool: Pool, later: np.ndarray, earlier: np.ndarray, score: np.ndarray,
             best: dict[int, tuple[int, Match]]) -> None:
    """Compare the most promising pairs of each later paragraph (all its candidate pairs
    of the run: they are cut down to its best few here); keep its best match."""
    later, earlier, _ = _top(later, earlier, score)
    possible = pool.could_repeat(later, earlier)
    current, tokens, done = -1, [], set()
    for lg, eg in zip(later[possible].tolist(), earlier[possible].tolist(), strict=True):
        if lg != current:
            current, tokens, done = lg, pool.tokens(lg), set()
        if eg in done:  # found both ways round by the self-join: same answer again
            continue
        done.add(eg)
        m = compare(tokens, pool.tokens(eg))
        if m is None:
            continue
        old = best.get(lg)
        if (old is None or m.similarity > old[1].similarity
                or (m.similarity == old[1].similarity and pool.issue[eg] < pool.issue[old[0]])):
            best[lg] = (eg, m)


def _empty(entries: list[Entry]) -> Corpus:
    return Corpus.of(entries, [[] for _ in entries])


def _cold(entries: list[Entry], paras: Sequence[Sequence[Para]]) -> Corpus:
    """Index everything and find every repeat across issues."""
    workers = _workers(sum(len(p) for p in paras))
    if workers == 1:
        corpus = Corpus.of(entries, paras)
        best = _self_join(Pool(corpus, _empty([]), np.ones(len(corpus), dtype=bool)), corpus)
    else:
        corpus, best = _cold_forked(entries, paras, workers)
    corpus.findings = [(lg, eg, _KINDS.index(m.kind), m.similarity)
                       for lg, (eg, m) in sorted(best.items())]
    return corpus


def _self_join(pool: Pool, corpus: Corpus) -> Best:
    """Every paragraph against every other, chunk by chunk of queries, then the best
    candidates of all the chunks compared."""
    kept = [_top(*pool.orient(*_search(corpus, 0, qg, qh)))
            for qg, qh in _chunks(pool, corpus, 0, None)]
    best: Best = {}
    _confirm(pool, *_merged(kept), best)
    return best


def _workers(n: int) -> int:
    """Processes for a cold self-join of n paragraphs: one unless forking pays and is safe."""
    if n < max(PARALLEL_MIN, 1):
        return 1
    if multiprocessing.current_process().daemon or multiprocessing.parent_process() is not None:
        return 1  # already a worker (a daemon may not even fork): no pool inside a pool
    return worker_count(None, n)


def _cold_forked(entries: list[Entry], paras: Sequence[Sequence[Para]], workers: int,
                 ) -> tuple[Corpus, Best]:
    """_cold's corpus and repeats, made by forked processes: a helper makes the excerpts
    while the index is built (forked once the paragraphs are read: the parent then only
    builds numpy arrays, and does not copy the pages it shares with the helper by touching
    Python objects there), then `workers` processes forked with the index (inheriting it,
    no pickles) do the self-join."""
    flat = Flat.of(paras)
    with in_background(_excerpts, flat.texts) as excerpts:
        corpus = Corpus.indexed(entries, flat, [])
        pool = Pool(corpus, _empty([]), np.ones(len(corpus), dtype=bool))
        postings = corpus.postings()
        corpus.excerpts = excerpts()
    with worker_pool(workers, pool=pool, corpus=corpus, postings=postings,
                     parts=workers * PARTS_PER_WORKER) as ex:
        return corpus, _self_join_forked(ex, len(corpus))


def _excerpts(texts: list[str]) -> list[str]:
    return [excerpt(t) for t in texts]


def _self_join_forked(ex: WorkerPool, n: int) -> Best:
    """_self_join of the n paragraphs over the workers of `ex`, with the same answer.

    1. for each chunk of queries, as in _self_join, the queries are split among the workers,
       who sort their pairs into parts by later paragraph and keep each later paragraph's
       best few (_top);
    2. each part's best few of all the chunks is confirmed in one task. _top's order is
       total, so every later paragraph is confirmed on the same pairs in the same order as
       in one process, however the work is split.
    """
    sizes, n_parts = shared("corpus").index.sizes, shared("parts")
    kept: list[list[Pairs]] = [[] for _ in range(n_parts)]
    for c, lo in enumerate(range(0, n, QUERY_CHUNK)):
        ranges = _split(sizes, lo, min(lo + QUERY_CHUNK, n), n_parts)
        found = ex.map(_search_part, itertools.repeat(c), *zip(*ranges, strict=True))
        for p, pairs in enumerate(_gather(found)):
            if len(pairs[0]):
                kept[p].append(pairs)
    tasks = [(p, *_merged(pieces)) for p, pieces in enumerate(kept) if pieces]
    return {lg: v for _, best in ex.map(_confirm_part, tasks) for lg, v in best.items()}


def _split(sizes: np.ndarray, lo: int, hi: int, n: int) -> list[tuple[int, int]]:
    """Paragraphs [lo, hi) cut into at most n ranges of about as many shingles each."""
    total = np.cumsum(sizes[lo:hi], dtype=np.int64)
    cuts = lo + np.searchsorted(total, total[-1] * np.arange(1, n) // n, side="right")
    return list(itertools.pairwise(sorted({lo, hi, *cuts.tolist()})))


def _gather(found: Iterable[list[Pairs]]) -> list[Pairs]:
    """Each part's pairs from all the tasks of a chunk, in the order of the tasks."""
    out = []
    for pieces in zip(*found, strict=True):
        later, earlier, score = (np.concatenate(a) for a in zip(*pieces, strict=True))
        out.append(_top(later, earlier, score))
    return out


def _search_part(c: int, lo: int, hi: int) -> list[Pairs]:
    """Worker: the candidate pairs of the queries of paragraphs [lo, hi) (in chunk c), by
    part of their later paragraph."""
    pool, corpus, parts = shared("pool"), shared("corpus"), shared("parts")
    pid, h = _queries(c)
    m = (pid >= lo) & (pid < hi)
    later, earlier, score = pool.orient(*_search(corpus, 0, pid[m].astype(np.int64), h[m]))
    later, earlier, score = _top(later, earlier, score)
    part = later % parts
    return [(later[mine], earlier[mine], score[mine])
            for mine in (part == p for p in range(parts))]


def _queries(c: int) -> tuple[np.ndarray, np.ndarray]:
    """Worker: the (paragraph, shingle) pairs of _self_join's chunk c of queries, in the same
    order; picked from all the postings once per worker, as the chunks come in order."""
    chunk = shared("chunk", (None, None))
    if chunk[0] != c:
        pid, h = shared("postings")
        if len(shared("corpus")) > QUERY_CHUNK:  # else the one chunk is all of them
            m = (pid >= c * QUERY_CHUNK) & (pid < (c + 1) * QUERY_CHUNK)
            pid, h = pid[m], h[m]
        chunk = (c, (pid, h))
        remember("chunk", chunk)
    return chunk[1]


def _confirm_part(task: tuple[int, np.ndarray, np.ndarray, np.ndarray]) -> tuple[int, Best]:
    """Worker: _confirm of part p's pairs."""
    p, later, earlier, score = task
    best: Best = {}
    _confirm(shared("pool"), later, earlier, score, best)
    return p, best


def _incremental(base: Corpus, delta_entries: list[Entry], delta_paras: Sequence[Sequence[Para]],
                 dead: np.ndarray) -> tuple[Pool, dict[int, tuple[int, Match]]]:
    """New articles against the kept index; kept findings that still hold are reused."""
    delta = Corpus.of(delta_entries, delta_paras)
    alive = np.concatenate([~dead[base.art] if len(base) else np.zeros(0, bool),
                            np.ones(len(delta), dtype=bool)])
    pool = Pool(base, delta, alive)
    best: dict[int, tuple[int, Match]] = {}
    requery = []
    for lg, eg, kind, sim in base.findings:
        if alive[lg] and alive[eg]:
            best[lg] = (eg, Match(_KINDS[kind], sim))
        elif alive[lg]:
            requery.append(lg)
    n = len(base)
    queries = [(delta, n, None), (base, 0, np.array(requery, dtype=np.int64))]
    kept: list[Pairs] = []
    for corpus, offset, pids in queries:
        if pids is not None and len(pids) == 0:
            continue
        for qg, qh in _chunks(pool, corpus, offset, pids):
            for target, t_offset in ((base, 0), (delta, n)):
                kept.append(_top(*pool.orient(*_search(target, t_offset, qg, qh))))
    _confirm(pool, *_merged(kept), best)
    return pool, best


def _findings(pool: Pool, best: dict[int, tuple[int, Match]]) -> list[Finding]:
    out = []
    for lg, (eg, m) in best.items():
        here = pool.where(lg)
        out.append(Finding("warning", m.kind, "archive", here.file, here.line, pool.where(eg),
                           m.similarity, pool.excerpt(lg)))
    return out


ParasOf = Callable[[int], Sequence[Para]]


def check_archive(root: Path, entries: list[Entry], paras_of: ParasOf,
                  use_cache: bool = True, kept: dict[str, Any] | None = None,
                  full_scan: bool = True, problems: list[str] | None = None,
                  ) -> list[Finding] | None:
    """Warnings for paragraphs already printed in an earlier issue.

    `paras_of(k)` gives the printed, eligible paragraphs of entries[k]; it is only called
    for articles the kept index does not already hold. `kept`: a long-lived caller's dict
    holding the index as last loaded (read from disk again only when the files changed).
    `full_scan`: without a kept index, or when more than REBUILD_AFTER paragraphs changed
    since it was made, index and compare everything (`bantin dedup`); when False (a build),
    answer None instead: the whole archive is not the build's to scan. `problems`: where to
    say why a kept index that is there could not be used (Unreadable.reason); it then counts
    as none.
    """
    base = _kept(root, kept, problems) if use_cache else None
    if base is not None:
        known = {e: k for k, e in enumerate(base.entries)}
        current = set(entries)
        dead = np.array([e not in current for e in base.entries] or [False], dtype=bool)
        new = [k for k, e in enumerate(entries) if e not in known]
        changed = int(np.count_nonzero(dead[base.art])) if len(base) else 0
        new_paras = [paras_of(k) for k in new]
        if changed + sum(len(p) for p in new_paras) <= REBUILD_AFTER:
            pool, best = _incremental(base, [entries[k] for k in new], new_paras, dead)
            return _findings(pool, best)
    if not full_scan:  # no kept index, or too much changed since it was made
        return None
    paras = _all_paras(base, entries, paras_of)
    corpus = _cold(entries, paras)
    if use_cache:
        with contextlib.suppress(OSError):  # a read-only site is still checked, not kept
            corpus.save(root)
            if kept is not None:
                kept.update(stamp=_stamp(root), corpus=corpus)
    pool = Pool(corpus, _empty([]), np.ones(len(corpus), dtype=bool))
    return _findings(pool, {lg: (eg, Match(_KINDS[kind], sim))
                            for lg, eg, kind, sim in corpus.findings})


def _stamp(root: Path) -> tuple[int, ...]:
    """What tells that the kept file changed (it is only ever replaced whole); () if none."""
    try:
        st = (root / CACHE_DIR / ARCHIVE_FILE).stat()
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _kept(root: Path, kept: dict[str, Any] | None, problems: list[str] | None,
          ) -> Corpus | None:
    """The kept index: from memory when its file did not change since it was read. A file
    that cannot be used counts as none, and is told of once: in memory, it is remembered as
    such until it changes."""
    stamp = _stamp(root) if kept is not None else ()
    if kept is not None and stamp and kept.get("stamp") == stamp:
        return kept.get("corpus")
    corpus, problem = None, None
    try:
        corpus = Corpus.load(root)
    except Unreadable as exc:
        problem = exc.reason
    if kept is not None:
        kept.clear()
        if stamp:
            kept.update(stamp=stamp, corpus=corpus)
    if problem is not None and problems is not None:
        problems.append(problem)
    return corpus


def _all_paras(base: Corpus | None, entries: list[Entry], paras_of: ParasOf,
               ) -> list[Sequence[Para]]:
    """Every entry's paragraphs, from the kept index where it still holds them."""
    known = {e: k for k, e in enumerate(base.entries)} if base is not None else {}
    out: list[Sequence[Para]] = []
    for k, e in enumerate(entries):
        out.append(base.paragraphs_of(known[e]) if base is not None and e in known
                   else paras_of(k))
    return out
