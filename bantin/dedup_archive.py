"""Paragraphs already published in an earlier issue: the archive check and its kept index.

The index of every issue is kept in <root>/.bantin-cache/ (see dedup_index for why it is an
exact 3-gram index). A run checks only what is new or changed against it: new articles are
indexed on the fly, changed or deleted ones masked out. When that grows past REBUILD_AFTER
paragraphs, everything is indexed again (a cold run) and kept for the next runs.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
from .dedup_index import ShingleIndex, first_of_runs, missing, pack

ARCHIVE_NAME = "dedup-archive"
REBUILD_AFTER = 5000  # new or changed paragraphs checked on the fly before re-indexing
QUERY_CHUNK = 20000  # paragraphs per batch of a cold self-join (bounds memory)
_KINDS = ("exact", "contained", "near")


@dataclass(frozen=True)
class Entry:
    """An article as the archive sees it."""

    rel: str
    key: str  # digest of everything its paragraphs depend on
    issue: int  # year * 10000 + number: earlier issues compare lower


@dataclass
class Corpus:
    """Indexed paragraphs (eligible, printed) and where they come from."""

    index: ShingleIndex
    entries: list[Entry]
    art: np.ndarray  # int32 entry of each paragraph
    line: np.ndarray  # int32 file line of each paragraph
    keep: np.ndarray  # bool: marked by the editor, never reported
    excerpts: list[str]
    # Kept findings: (later paragraph, earlier paragraph, kind index, similarity).
    findings: list[tuple[int, int, int, float]] = field(default_factory=list)

    @classmethod
    def of(cls, entries: list[Entry], paras: Sequence[Sequence[Para]]) -> Corpus:
        flat = [(k, p) for k, ps in enumerate(paras) for p in ps]
        index = ShingleIndex.build(*pack([p.ids for _, p in flat]))
        return cls(index, entries, np.array([k for k, _ in flat], dtype=np.int32),
                   np.array([p.line for _, p in flat], dtype=np.int32),
                   np.array([p.keep for _, p in flat], dtype=bool),
                   [excerpt(p.text) for _, p in flat])

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
        folder = root / CACHE_DIR
        self.index.save(folder / f"{ARCHIVE_NAME}.npz")
        meta = {"version": VERSION, "entries": self.entries, "art": self.art, "line": self.line,
                "keep": self.keep, "excerpts": self.excerpts, "findings": self.findings}
        tmp = folder / f"{ARCHIVE_NAME}.pickle.tmp"
        with tmp.open("wb") as f:
            pickle.dump(meta, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(folder / f"{ARCHIVE_NAME}.pickle")

    @classmethod
    def load(cls, root: Path) -> Corpus | None:
        folder = root / CACHE_DIR
        try:
            with (folder / f"{ARCHIVE_NAME}.pickle").open("rb") as f:
                meta = pickle.load(f)
            if meta.get("version") != VERSION:
                return None
            index = ShingleIndex.load(folder / f"{ARCHIVE_NAME}.npz")
        except Exception:  # missing, corrupt or foreign: just index again
            return None
        if len(index) != len(meta["art"]):
            return None
        return cls(index, meta["entries"], meta["art"], meta["line"], meta["keep"],
                   meta["excerpts"], meta["findings"])


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


def _confirm(pool: Pool, later: np.ndarray, earlier: np.ndarray, score: np.ndarray,
             best: dict[int, tuple[int, Match]]) -> None:
    """Compare the most promising pairs of each later paragraph; keep its best match."""
    order = np.lexsort((earlier, -score, later))
    later, earlier = later[order], earlier[order]
    tried = first_of_runs(later, TOP_CANDIDATES)
    later, earlier = later[tried], earlier[tried]
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
    corpus = Corpus.of(entries, paras)
    pool = Pool(corpus, _empty([]), np.ones(len(corpus), dtype=bool))
    best: dict[int, tuple[int, Match]] = {}
    for qg, qh in _chunks(pool, corpus, 0, None):
        _confirm(pool, *pool.orient(*_search(corpus, 0, qg, qh)), best)
    corpus.findings = [(lg, eg, _KINDS.index(m.kind), m.similarity)
                       for lg, (eg, m) in sorted(best.items())]
    return corpus


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
    for corpus, offset, pids in queries:
        if pids is not None and len(pids) == 0:
            continue
        for qg, qh in _chunks(pool, corpus, offset, pids):
            for target, t_offset in ((base, 0), (delta, n)):
                _confirm(pool, *pool.orient(*_search(target, t_offset, qg, qh)), best)
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
                  use_cache: bool = True) -> list[Finding]:
    """Warnings for paragraphs already printed in an earlier issue.

    `paras_of(k)` gives the printed, eligible paragraphs of entries[k]; it is only called
    for articles the kept index does not already hold.
    """
    base = Corpus.load(root) if use_cache else None
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
    paras = _all_paras(base, entries, paras_of)
    corpus = _cold(entries, paras)
    if use_cache:
        with contextlib.suppress(OSError):  # a read-only site is still checked, not kept
            corpus.save(root)
    pool = Pool(corpus, _empty([]), np.ones(len(corpus), dtype=bool))
    return _findings(pool, {lg: (eg, Match(_KINDS[kind], sim))
                            for lg, eg, kind, sim in corpus.findings})


def _all_paras(base: Corpus | None, entries: list[Entry], paras_of: ParasOf,
               ) -> list[Sequence[Para]]:
    """Every entry's paragraphs, from the kept index where it still holds them."""
    known = {e: k for k, e in enumerate(base.entries)} if base is not None else {}
    out: list[Sequence[Para]] = []
    for k, e in enumerate(entries):
        out.append(base.paragraphs_of(known[e]) if base is not None and e in known
                   else paras_of(k))
    return out
