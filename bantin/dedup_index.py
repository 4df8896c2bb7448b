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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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
    tokens = tokens if isinstance(tokens, list) else list(tokens)
    out = list(map(_TOKEN_IDS.get, tokens))  # known syllables: no Python-level loop
    if None in out:
        for k, i in enumerate(out):
            if i is None:
                out[k] = _new_token_id(tokens[k])
    return out


def _new_token_id(token: str) -> int:
    crc = zlib.crc32(token.encode("utf-8"))
    i = _TOKEN_IDS[token] = (crc | NUMBER_BIT) if token.isdigit() else (crc & ~NUMBER_BIT)
    return i


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


ARTICLE_PAIRS = 2_000_000  # pairs of paragraphs sharing a 3-gram expanded at most, one article
ANCHORS = 4  # first paragraphs of a stock phrase of an article still paired with its others


@dataclass
class Neighbours:
    """Pairs of distinct paragraphs of an article worth a closer look, from each side: row
    lo..hi of paragraph i (indptr) are its neighbours, with what they share."""

    indptr: np.ndarray
    other: np.ndarray  # int64 the neighbour
    shared: np.ndarray  # int64 3-grams both have (stock phrases: see ArticleGrams)
    close: np.ndarray  # bool: they share at least the asked share of the smaller 3-gram set
    inside: np.ndarray  # bool: this paragraph may lie inside the neighbour

    def of(self, i: int) -> tuple[list[int], list[int]]:
        """Paragraph i's neighbours it may lie inside, and its close ones, most shared
        3-grams first (then in order)."""
        lo, hi = int(self.indptr[i]), int(self.indptr[i + 1])
        other = self.other[lo:hi]
        close = np.flatnonzero(self.close[lo:hi])
        close = close[np.lexsort((other[close], -self.shared[lo:hi][close]))]
        return other[self.inside[lo:hi]].tolist(), other[close].tolist()


@dataclass
class ArticleGrams:
    """The distinct paragraphs of one article (by scope), their exact 3-grams, and the pairs
    sharing any: checking an article is near-linear, as only such pairs are compared.

    A 3-gram found in more than `cap` distinct paragraphs of a scope is a stock phrase there:
    it pairs only its first few paragraphs with the others (else thousands of alike lines
    make millions of pairs), and counts as shared only for those pairs. Below that, every
    pair sharing a 3-gram is seen, and counted exactly.
    """

    vocab: np.ndarray  # sorted distinct syllable ids
    per_scope: int  # 3-gram codes per scope: key = scope * per_scope + code (or its rank)
    ranks: np.ndarray | None  # sorted distinct codes when keys use their rank
    keys: np.ndarray  # sorted distinct (scope, 3-gram) keys
    starts: np.ndarray  # the paragraphs having keys[k] are canon[starts[k]:starts[k + 1]]
    canon: np.ndarray  # int64 paragraph of each (scope, 3-gram, paragraph) row
    cap: int
    rarest: np.ndarray  # int64 each paragraph's rarest 3-gram (index into keys), -1: none
    neighbours: Neighbours

    @classmethod
    def build(cls, ids: Sequence[Sequence[int]], scopes: Sequence[int], min_share: float,
              cap: int) -> ArticleGrams:
        """`ids`: the distinct paragraphs' syllables, `scopes` theirs; pairs are close when
        they share at least `min_share` of the smaller 3-gram set."""
        n = len(ids)
        flat, offsets = pack(ids)
        vocab, dense = _dense(flat)
        para, code, inner = _gram_codes(dense, offsets, len(vocab))
        scope = np.asarray(scopes, dtype=np.int64).reshape(-1)[para]
        per_scope, ranks, key = _keys(scope, code, len(vocab), len(set(scopes)))
        # One row per (key, paragraph), inner when the 3-gram is inner there anywhere.
        order = np.argsort(key, kind="stable")  # paragraphs stay in order within a key
        key, para, inner = key[order], para[order], inner[order]
        run = _starts((key, para))
        inner = np.logical_or.reduceat(inner, run) if len(run) else inner
        key, para = key[run], para[run]
        starts = np.append(_starts((key,)), len(key)).astype(np.int64)
        df = np.diff(starts)
        cap, anchors = _budget(df, cap)
        sizes = np.bincount(para, minlength=n)
        neighbours = _neighbours(n, para, inner, starts, df, cap, anchors, sizes, min_share)
        group = np.repeat(np.arange(len(df)), df)
        return cls(vocab, per_scope, ranks, key[starts[:-1]], starts, para, cap,
                   _rarest_gram(n, para, group, df[group]), neighbours)

    def rows(self, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows lo..hi of `canon`: the paragraphs having these 3-grams (indices into keys;
        -1, or a stock phrase, has none: lo == hi)."""
        if len(self.keys) == 0:
            return np.zeros(len(group), dtype=np.int64), np.zeros(len(group), dtype=np.int64)
        g = np.maximum(group, 0)
        lo, hi = self.starts[g], self.starts[g + 1]
        usable = (group >= 0) & (hi - lo <= self.cap)
        return np.where(usable, lo, 0), np.where(usable, hi, 0)

    def rarest_of(self, ids: Sequence[Sequence[int]], scopes: Sequence[int]) -> np.ndarray:
        """For runs of syllables that need not be paragraphs of the article: the rarest 3-gram
        of each in its scope (an index into keys); -1 when it has none, or one that no
        paragraph of the scope has."""
        n = len(ids)
        out = np.full(n, -1, dtype=np.int64)
        flat, offsets = pack(ids)
        if len(self.keys) == 0 or len(flat) == 0:
            return out
        d = np.minimum(np.searchsorted(self.vocab, flat), len(self.vocab) - 1)
        known_token = self.vocab[d] == flat
        q, code, _ = _gram_codes(d.astype(np.int64), offsets, len(self.vocab))
        start = _gram_positions(offsets)[3]
        known = (known_token[:-2] & known_token[1:-1] & known_token[2:])[start]
        if self.ranks is not None:
            r = np.minimum(np.searchsorted(self.ranks, code), max(len(self.ranks) - 1, 0))
            known &= self.ranks[r] == code
            code = r
        key = np.asarray(scopes, dtype=np.int64).reshape(-1)[q] * self.per_scope + code
        g = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        known &= self.keys[g] == key
        df = np.where(known, self.starts[g + 1] - self.starts[g], 0)
        order = np.lexsort((df, q))
        q, g, df = q[order], g[order], df[order]
        first = first_of_runs(q, 1)
        q, g, df = q[first], g[first], df[first]
        out[q] = np.where(df > 0, g, -1)  # a 3-gram no paragraph has: nothing holds the run
        return out


def _dense(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of x, and the index of each value of x among them."""
    order = np.argsort(x, kind="stable")
    ordered = x[order]
    new = np.ones(len(x), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(x), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def _starts(columns: tuple[np.ndarray, ...]) -> np.ndarray:
    """Rows where a run of equal rows (over all the columns) starts."""
    if len(columns[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.zeros(len(columns[0]), dtype=bool)
    new[0] = True
    for c in columns:
        new[1:] |= c[1:] != c[:-1]
    return np.flatnonzero(new)


def _gram_positions(offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                     np.ndarray]:
    """(paragraph, position in it, its length, start) of every 3-gram of packed paragraphs."""
    lengths = np.diff(offsets)
    para = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    if len(para) < 3:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    start = np.flatnonzero(para[:-2] == para[2:])
    p = para[start]
    return p, start - offsets[p], lengths[p], start


def _gram_codes(dense: np.ndarray, offsets: np.ndarray, size: int,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(paragraph, code, inner) of every 3-gram of packed paragraphs of syllable indices
    (below `size`). The code is exact while size < 2**21 (always, for one article). Inner:
    neither the paragraph's first nor last syllable (those may be glued to a neighbour in
    another paragraph, as in "_x")."""
    para, pos, length, start = _gram_positions(offsets)
    a, b, c = dense[start], dense[start + 1], dense[start + 2]
    if size < 1 << 21:
        code = (a * size + b) * size + c
    else:  # hashed: only nearly exact
        u = (a.astype(np.uint64) * _M1 + b.astype(np.uint64)) * _M2 + c.astype(np.uint64)
        code = u.view(np.int64)
    return para, code, (pos >= 1) & (pos <= length - 4)


def _keys(scope: np.ndarray, code: np.ndarray, size: int, n_scopes: int,
          ) -> tuple[int, np.ndarray | None, np.ndarray]:
    """(per_scope, ranks, key): one int64 key per (scope, 3-gram), from the code itself when
    that fits (no sort needed), else from its rank among the distinct codes."""
    if size < 1 << 21 and n_scopes * size ** 3 < 1 << 62:
        per_scope = size ** 3
        return per_scope, None, scope * per_scope + code
    ranks, rank = _dense(code)
    return max(len(ranks), 1), ranks, scope * max(len(ranks), 1) + rank


def _rarest_gram(n: int, para: np.ndarray, group: np.ndarray, df: np.ndarray,
                 ) -> np.ndarray:
    """Each paragraph's rarest 3-gram, -1 for one with none."""
    least = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(least, para, df)
    out = np.full(n, -1, dtype=np.int64)
    at = np.flatnonzero(df == least[para])
    paras, first = np.unique(para[at], return_index=True)  # the first such row of each
    out[paras] = group[at[first]]
    return out


def _budget(df: np.ndarray, cap: int) -> tuple[int, int]:
    """(cap, anchors): `cap`, lower if the 3-grams under it would make more than
    ARTICLE_PAIRS pairs; and how many first paragraphs of each stock phrase still pair with
    all its others (so a late near-copy of an early paragraph is still found) with the rest."""
    d = np.arange(cap + 1)
    total = np.cumsum(np.bincount(df, minlength=cap + 1)[:cap + 1] * (d * (d - 1) // 2))
    if total[-1] > ARTICLE_PAIRS:
        cap = max(int(np.searchsorted(total, ARTICLE_PAIRS, side="right")) - 1, 1)
    stock_rows = int(df[df > cap].sum())
    left = ARTICLE_PAIRS - int(total[cap])
    return cap, min(ANCHORS, cap, left // stock_rows) if stock_rows else 0


def _neighbours(n: int, para: np.ndarray, inner: np.ndarray, starts: np.ndarray,
                df: np.ndarray, cap: int, anchors: int, sizes: np.ndarray,
                min_share: float) -> Neighbours:
    """The pairs of paragraphs sharing a 3-gram that is no stock phrase, or a stock phrase
    one of them is among the first `anchors` paragraphs of; kept when close, or when one may
    lie inside the other (it has all the other's non-stock inner 3-grams)."""
    free = np.repeat(df <= cap, df)  # rows of 3-grams that are no stock phrase
    rank = np.arange(len(para)) - np.repeat(starts[:-1], df)  # row within its 3-gram
    end = np.repeat(starts[1:], df)
    lead = np.flatnonzero(free | (rank < anchors))  # rows paired with every later row
    count = end[lead] - lead - 1
    r, s = np.repeat(lead, count), _spans(lead + 1, count)
    pair, index = _dense(para[r] * n + para[s])
    a, b = np.divmod(pair, n)
    shared = np.bincount(index, minlength=len(pair))
    free_shared = np.bincount(index, weights=free[r], minlength=len(pair))
    inner_free = inner & free
    inner_a = np.bincount(index, weights=inner_free[r], minlength=len(pair))
    inner_b = np.bincount(index, weights=inner_free[s], minlength=len(pair))
    free_inner = np.bincount(para[inner_free], minlength=n)
    free_all = np.bincount(para[free], minlength=n)
    close = shared >= min_share * np.minimum(sizes[a], sizes[b])
    a_in_b = _may_lie_in(a, inner_a, free_shared, free_inner, free_all)
    b_in_a = _may_lie_in(b, inner_b, free_shared, free_inner, free_all)
    keep = close | a_in_b | b_in_a
    src = np.concatenate([a[keep], b[keep]])
    order = np.argsort(src, kind="stable")

    def both_ways(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.concatenate([x[keep], y[keep]])[order]

    return Neighbours(np.searchsorted(src[order], np.arange(n + 1)), both_ways(b, a),
                      both_ways(shared, shared), both_ways(close, close),
                      both_ways(a_in_b, b_in_a))


def _may_lie_in(x: np.ndarray, inner_shared: np.ndarray, shared: np.ndarray,
                free_inner: np.ndarray, free_all: np.ndarray) -> np.ndarray:
    """Paragraph x of each pair may lie inside the other: the other has all of x's inner
    3-grams that are no stock phrase (or all of them, when none is inner)."""
    return np.where(free_inner[x] > 0, inner_shared == free_inner[x],
                    (free_all[x] > 0) & (shared == free_all[x]))


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

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as plain arrays, by name (what a kept archive stores)."""
        return {"flat": self.flat, "offsets": self.offsets, "keys": self.keys,
                "starts": self.starts, "postings": self.postings, "sizes": self.sizes}

    @classmethod
    def of_arrays(cls, arrays: Mapping[str, np.ndarray]) -> ShingleIndex:
        """The index from arrays(), checked: ValueError unless they make a consistent index
        (a kept file may be corrupt or planted; searching it must not fail later)."""
        a = {name: typed_array(arrays, name, dtype) for name, dtype in _LAYOUT.items()}
        n = len(a["offsets"]) - 1
        require(n >= 0 and len(a["sizes"]) == n and len(a["starts"]) == len(a["keys"]) + 1)
        require(cuts_ok(a["offsets"], len(a["flat"])))
        require(cuts_ok(a["starts"], len(a["postings"])))
        require(bool(np.all(a["keys"][1:] > a["keys"][:-1])))
        require(ids_within(a["postings"], n) and bool(np.all(a["sizes"] >= 0)))
        return cls(a["flat"], a["offsets"], a["keys"], a["starts"], a["postings"], a["sizes"])


_LAYOUT = {"flat": np.uint32, "offsets": np.int64, "keys": np.uint64, "starts": np.int64,
           "postings": np.int32, "sizes": np.int32}


def require(ok: bool) -> None:
    if not ok:
        raise ValueError("inconsistent index arrays")


def typed_array(arrays: Mapping[str, np.ndarray], name: str, dtype: type) -> np.ndarray:
    """arrays[name], a 1-D array of exactly this dtype (native byte order), else ValueError."""
    a = arrays[name]
    require(isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype == np.dtype(dtype))
    return a


def cuts_ok(bounds: np.ndarray, total: int) -> bool:
    """`bounds` cut 0..total into runs in order: starts at 0, never decreases, ends at total."""
    return (len(bounds) > 0 and int(bounds[0]) == 0 and int(bounds[-1]) == total
            and bool(np.all(bounds[1:] >= bounds[:-1])))


def ids_within(ids: np.ndarray, n: int) -> bool:
    """Every id is a valid row of n."""
    return len(ids) == 0 or (int(ids.min()) >= 0 and int(ids.max()) < n)
