"""An exact inverted index of syllable 3-gram shingles, for finding repeats in a big archive.

Why this index: a lightly edited copy of a paragraph keeps most of its 3-grams (one changed
syllable in 30 removes 3 of 28), so counting shared 3-grams finds every such copy, and the
same counts give containment and Jaccard. MinHash LSH or SimHash would need far higher
similarity to collide (see issue 4). The index is a few numpy arrays: sorted unique shingle
hashes, and for each the sorted ids of the paragraphs that have it. Stock phrases shared
by more than STOP_DF paragraphs are skipped when searching; they say nothing about copying.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STOP_DF = 1000  # shingles in more paragraphs than this are stock phrases
NUMBER_BIT = 0x80000000
PROBES = 16  # rarest shingles of a paragraph looked up
EXPAND_BATCH = 1 << 15  # postings expanded at a time: bounds memory, stays in cache
SKETCH_LOG2 = 10  # bits in a paragraph's syllable sketch: 1024, few syllables per bit
SKETCH_BYTES = (1 << SKETCH_LOG2) // 8
SKETCH_BATCH = 4096  # paragraphs sketched at a time
_WORD = re.compile(r"\w+")
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M32 = np.uint32(0x9E3779B1)
_TOKEN_IDS: dict[str, int] = {}
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def words(canon: str) -> list[str]:
    """The syllables (and numbers) of a canonical text."""
    return _WORD.findall(canon)


def token_ids(tokens: Iterable[str]) -> list[int]:
    """Stable 32-bit ids of syllables (CRC-32, so a kept index needs no vocabulary).

    Numbers get the top bit set and words not, so is_number() works on ids alone.
    """
    ids = _TOKEN_IDS
    out = []
    for t in tokens:
        i = ids.get(t)
        if i is None:
            crc = zlib.crc32(t.encode("utf-8"))
            i = ids[t] = (crc | NUMBER_BIT) if t.isdigit() else (crc & ~NUMBER_BIT)
        out.append(i)
    return out


def is_number(token_id: int) -> bool:
    return token_id >= NUMBER_BIT


def pack(token_lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated token ids and the offsets where each paragraph starts (n + 1 values)."""
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.fromiter(itertools.chain.from_iterable(token_lists), dtype=np.uint32,
                       count=int(offsets[-1]))
    return flat, offsets


def shingles(flat: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique (paragraph id, 3-gram hash) pairs, sorted by hash then paragraph."""
    n = len(offsets) - 1
    para = np.repeat(np.arange(n, dtype=np.int32), np.diff(offsets))
    if len(flat) < 3:
        return np.zeros(0, np.int32), np.zeros(0, np.uint64)
    t = flat.astype(np.uint64)
    h = (t[:-2] * _M1 + t[1:-1]) * _M2 + t[2:]
    ok = para[:-2] == para[2:]
    pid, h = para[:-2][ok], h[ok]
    order = np.lexsort((pid, h))
    pid, h = pid[order], h[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (pid[1:] != pid[:-1])
    return pid[keep], h[keep]


def _rarest(q: np.ndarray, k: np.ndarray, df: np.ndarray, probes: int,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep each query's `probes` lookups with the fewest postings."""
    order = np.lexsort((df, q))
    q, k, df = q[order], k[order], df[order]
    keep = first_of_runs(q, probes)
    return q[keep], k[keep], df[keep]


def first_of_runs(ids: np.ndarray, n: int) -> np.ndarray:
    """Mask of the first `n` rows of each run of equal values in `ids`."""
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    first = np.ones(len(ids), dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    row = np.arange(len(ids))
    return row - np.maximum.accumulate(np.where(first, row, 0)) < n


def _batches(q: np.ndarray, df: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Row ranges [lo, hi) of whole queries (rows sorted by query), ~`limit` postings each."""
    first = np.ones(len(q), dtype=bool)
    first[1:] = q[1:] != q[:-1]
    starts = np.flatnonzero(first)
    group = (np.cumsum(df) - df)[starts] // limit  # postings expanded before each query
    bounds = [0, *starts[np.flatnonzero(np.diff(group)) + 1].tolist(), len(q)]
    return list(itertools.pairwise(bounds))


def _spans(lo: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The positions lo[i], ..., lo[i] + n[i] - 1 of every i, concatenated."""
    return np.arange(int(n.sum()), dtype=np.int64) + np.repeat(lo - (np.cumsum(n) - n), n)


def missing(sketch: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For rows a[i], b[i] of `sketch`, at least how many distinct syllables of the first are
    missing from the second: each bit set in a[i] and not in b[i] stands for one."""
    out = np.empty(len(a), dtype=np.int64)
    for lo in range(0, len(a), SKETCH_BATCH):
        x, y = sketch[a[lo:lo + SKETCH_BATCH]], sketch[b[lo:lo + SKETCH_BATCH]]
        out[lo:lo + SKETCH_BATCH] = _POPCOUNT[x & ~y].sum(axis=1, dtype=np.int64)
    return out


def _count_bound(keys: np.ndarray) -> np.ndarray:
    """For each key, an upper bound of how often it occurs in `keys`: its hash bucket's size.

    A bucket holds every copy of its keys; with 2-4 buckets per key, few keys share one.
    """
    bits = max(len(keys).bit_length() + 1, 8)
    bucket = ((keys.view(np.uint64) * _M1) >> np.uint64(64 - bits)).astype(np.intp)
    return np.bincount(bucket, minlength=1 << bits)[bucket]


def score(count: np.ndarray, probes: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Shared probes over what the smaller side could share: the estimated overlap."""
    return count / np.maximum(np.minimum(probes, sizes), 1)


@dataclass
class ShingleIndex:
    """Paragraph token ids plus shingle -> paragraph postings."""

    flat: np.ndarray  # uint32 token ids of all paragraphs
    offsets: np.ndarray  # int64, paragraph i is flat[offsets[i]:offsets[i + 1]]
    keys: np.ndarray  # uint64 sorted unique shingle hashes
    starts: np.ndarray  # int64, postings of keys[k] are postings[starts[k]:starts[k + 1]]
    postings: np.ndarray  # int32 paragraph ids
    sizes: np.ndarray  # int32 number of distinct shingles per paragraph

    @classmethod
    def build(cls, flat: np.ndarray, offsets: np.ndarray) -> ShingleIndex:
        pid, h = shingles(flat, offsets)
        first = np.ones(len(h), dtype=bool)
        first[1:] = h[1:] != h[:-1]
        starts = np.append(np.flatnonzero(first), len(h)).astype(np.int64)
        sizes = np.bincount(pid, minlength=len(offsets) - 1).astype(np.int32)
        return cls(flat, offsets, h[first], starts, pid, sizes)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def tokens(self, i: int) -> list[int]:
        return self.flat[self.offsets[i]:self.offsets[i + 1]].tolist()

    def sketch(self, ids: np.ndarray) -> np.ndarray:
        """Bitsets of the syllables of paragraphs `ids`, one row of bytes each."""
        out = np.zeros((len(ids), SKETCH_BYTES), dtype=np.uint8)
        for lo in range(0, len(ids), SKETCH_BATCH):  # batches bound the memory used
            part = ids[lo:lo + SKETCH_BATCH]
            start = self.offsets[part]
            n = self.offsets[part + 1] - start
            bit = (self.flat[_spans(start, n)] * _M32) >> np.uint32(32 - SKETCH_LOG2)
            byte = np.repeat(np.arange(lo, lo + len(part)) * SKETCH_BYTES, n) + (bit >> 3)
            np.bitwise_or.at(out.reshape(-1), byte, (1 << (bit & 7)).astype(np.uint8))
        return out

    def search(self, qpid: np.ndarray, qh: np.ndarray, stop_df: int = STOP_DF,
               probes: int = PROBES, min_score: float = 0.0,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Pairs (query, paragraph) sharing some of the query's rarest shingles.

        `qpid`, `qh` are the query's (paragraph, shingle) pairs, e.g. from shingles(). Each
        query looks up only its `probes` rarest shingles found in the index (stock phrases
        over `stop_df` paragraphs never); a copy shares most of them, a paragraph that only
        uses the same stock phrases shares few. Returns query ids, paragraph ids, shared
        probes and the number of probes of the query, sorted by query then paragraph.
        With `min_score`, only pairs whose score() reaches it.
        """
        empty = np.zeros(0, np.int64)
        if len(self.keys) == 0 or len(qh) == 0:
            return empty, empty, empty, empty
        k = np.minimum(np.searchsorted(self.keys, qh), len(self.keys) - 1)
        df = self.starts[k + 1] - self.starts[k]
        hit = (self.keys[k] == qh) & (df <= stop_df)
        q, k, df = _rarest(qpid[hit].astype(np.int64), k[hit], df[hit], probes)
        if int(df.sum()) == 0:
            return empty, empty, empty, empty
        n_probes = np.bincount(q)
        parts = [self._pairs(q[lo:hi], k[lo:hi], df[lo:hi], n_probes, min_score)
                 for lo, hi in _batches(q, df, EXPAND_BATCH)]
        qq, t, count = (np.concatenate(a) for a in zip(*parts, strict=True))
        return qq, t, count, n_probes[qq]

    def _pairs(self, q: np.ndarray, k: np.ndarray, df: np.ndarray, n_probes: np.ndarray,
               min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Shared-probe counts of one batch of whole queries (sorted by query)."""
        t = self.postings[_spans(self.starts[k], df)]
        qs = np.repeat(q, df)
        pair = qs * len(self) + t
        if min_score > 0:
            # Most pairs share one or two probes: drop them before the exact count sorts.
            bound = score(_count_bound(pair), n_probes[qs], self.sizes[t])
            pair = pair[bound >= min_score]
        pair, count = np.unique(pair, return_counts=True)
        q_of_pair, t = np.divmod(pair, len(self))
        if min_score > 0:
            ok = score(count, n_probes[q_of_pair], self.sizes[t]) >= min_score
            q_of_pair, t, count = q_of_pair[ok], t[ok], count[ok]
        return q_of_pair, t, count

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, flat=self.flat, offsets=self.offsets, keys=self.keys,
                 starts=self.starts, postings=self.postings, sizes=self.sizes)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ShingleIndex:
        with np.load(path) as z:
            return cls(z["flat"], z["offsets"], z["keys"], z["starts"], z["postings"],
                       z["sizes"])
