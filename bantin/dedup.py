"""Repeated paragraphs (issue 4): the policy and the detector. Finds; never changes a file.

- removed: a paragraph whose canonical form equals, or is contained in, an earlier paragraph
  of the same article under the same heading (the first occurrence stays);
- warning: the same paragraph in two articles of one issue, a near-duplicate within an
  article, a paragraph already published in an earlier issue;
- left alone: repeats under different headings, short lines (captions, signatures), list
  items that differ only in numbers or dates, and paragraphs an editor marked to keep.

An editor keeps a repeat with the line `[giữ-lặp]: # (giữ đoạn lặp)` just above the paragraph
(a Markdown link definition: it never prints), or a whole article with `keep_repeats: true`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, NamedTuple

import numpy as np
from markdown_it import MarkdownIt

from .cache import digest
from .canonical import canonical
from .dedup_index import (
    NUMBER_BIT,
    STOP_DF,
    ArticleGrams,
    ShingleIndex,
    pack,
    shingles,
    token_ids,
    words,
)
from .markdown import Block, extract_blocks, parser
from .model import Article

VERSION = "2"  # bump when findings for the same text change (invalidates kept results)
MIN_WORDS = 10  # shorter blocks (captions, signatures, "Một số hình ảnh:") are left alone
MIN_WORDS_SHARED = 20  # across articles, shorter blocks are stock phrases (directive items)
NEAR = 0.85  # syllable-level similarity from which a paragraph is a near-duplicate
CANDIDATE = 0.3  # shared 3-grams / the smaller paragraph's 3-grams worth a closer look
TOP_CANDIDATES = 5  # closer looks per paragraph, best estimates first
GRAM_CAP = 200  # in an article, a 3-gram of more paragraphs of one scope is a stock phrase
RUN_STARTS = 64  # latest paragraphs of a scope with the same first syllables, for joined()
PAIRWISE = 20  # eligible paragraphs of an article up to which comparing every pair is cheaper
LOOKS = 64  # within an article, closer looks per paragraph at most (most shared 3-grams first)
FOLD_AFTER = 10  # more repeats of one paragraph in an article than this make one finding
PSEUDO_HEADING_WORDS = 20  # a bold line or a short line ending in ":" this short is a heading
EXCERPT_CHARS = 80
KEEP_MARK = re.compile(r"^\s*(?:>\s*)*\[(?:giữ|giu)[-_ ](?:lặp|lap)\]:", re.IGNORECASE)
_BOLD_LINE = re.compile(r"^\s*(?:[-+*]\s+|\d+[.)]\s+)?(\*\*|__)(?:(?!\1).)+\1\s*:?\s*$")
_SENTINEL = 0xFFFFFFFF


class Para(NamedTuple):
    """One candidate block of an article, in the forms the checks need."""

    kind: str
    text: str
    line: int  # 1-based file line
    scope: tuple[int, int]  # (heading scope, pseudo-heading within it)
    canon: str
    ids: array[int]  # syllable ids of the canonical form (compact: 4 bytes each)
    keep: bool  # marked by the editor: never removed nor reported


class Match(NamedTuple):
    kind: str  # exact | contained | joined | near
    similarity: float


@dataclass(frozen=True)
class Where:
    file: str
    line: int


@dataclass(frozen=True)
class Finding:
    action: str  # removed | warning
    kind: str  # exact | contained | joined | near
    scope: str  # article | issue | archive
    file: str
    line: int
    of: Where
    similarity: float
    excerpt: str
    also: tuple[int, ...] = ()  # lines of the same file repeating `of` the same way, folded

    def to_json(self) -> dict[str, Any]:
        out = {"action": self.action, "kind": self.kind, "scope": self.scope,
               "file": self.file, "line": self.line,
               "of": {"file": self.of.file, "line": self.of.line},
               "similarity": self.similarity, "excerpt": self.excerpt}
        if self.also:
            out["also"] = list(self.also)
        return out


@dataclass
class Report:
    paragraphs: int = 0
    findings: list[Finding] = field(default_factory=list)
    removed: dict[str, frozenset[int]] = field(default_factory=dict)  # rel -> file lines
    # (file, line) of the findings so far: one finding per paragraph.
    seen: set[tuple[str, int]] = field(default_factory=set, repr=False)
    archive_checked: bool = True  # False: a build with no kept archive index to check against
    notices: list[str] = field(default_factory=list)  # for the editor, once, with the summary

    def to_json(self) -> dict[str, Any]:
        return {"paragraphs": self.paragraphs, "findings": [f.to_json() for f in self.findings]}

    def sort(self) -> None:
        self.findings.sort(key=lambda f: (f.file, f.line))


# ---------------------------------------------------------------- paragraphs of an article

def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit + 1:  # +1: an excerpt of an excerpt is the same excerpt
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;:") + "…"


def _is_pseudo_heading(source_line: str, text: str, n_words: int) -> bool:
    """A whole-bold short line ("**1. Lĩnh vực …**") or a short lead-in ending in ":"."""
    if n_words > PSEUDO_HEADING_WORDS:
        return False
    return bool(_BOLD_LINE.match(source_line)) or text.rstrip().endswith(":")


def _marked(lines: list[str], index: int) -> bool:
    """The nearest non-blank line above is a keep marker."""
    i = index - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    return i >= 0 and bool(KEEP_MARK.match(unicodedata.normalize("NFC", lines[i])))


def paragraphs(body: str, body_line: int, keep_all: bool = False,
               md: MarkdownIt | None = None, blocks: Sequence[Block] | None = None,
               rule: str = "lines") -> tuple[Para, ...]:
    """The text blocks of an article body; bold or colon lead-ins open a sub-scope.
    `blocks`: the body's blocks when the caller has parsed it already (the build does);
    `rule`: the site's paragraph rule (config.PARAGRAPH_RULES)."""
    if blocks is None:
        blocks = extract_blocks((md or parser(rule)).parse(body), body_line)
    lines = body.split("\n")
    out: list[Para] = []
    scope, pseudo = 0, 0
    for b in blocks:
        if b.scope != scope:
            scope, pseudo = b.scope, 0
        canon = canonical(b.text)
        ids = array("I", token_ids(words(canon)))
        index = b.line - body_line
        source = lines[index] if 0 <= index < len(lines) else ""
        if _is_pseudo_heading(source, b.text, len(ids)):
            pseudo += 1
            continue
        out.append(Para(b.kind, b.text, b.line, (scope, pseudo), canon, ids,
                        keep_all or _marked(lines, index)))
    return tuple(out)


# ---------------------------------------------------------------- comparing two paragraphs

def _contains_ids(long: Sequence[int], short: Sequence[int]) -> bool:
    """`short` occurs as a contiguous run of `long`."""
    hay, needle = array("I", long).tobytes(), array("I", short).tobytes()
    i = hay.find(needle)
    while i >= 0:
        if i % 4 == 0:
            return True
        i = hay.find(needle, i + 1)
    return False


def _contains_text(long: str, short: str) -> bool:
    """`short` occurs in `long` on word boundaries."""
    i = long.find(short)
    while i >= 0:
        end = i + len(short)
        if (i == 0 or not long[i - 1].isalnum()) and (end == len(long) or not long[end].isalnum()):
            return True
        i = long.find(short, i + 1)
    return False


def _masked(ids: Sequence[int]) -> list[int]:
    """Runs of numbers collapsed to one placeholder: "ngày 22/5/2026" ~ "ngày 3/6/2026"."""
    out: list[int] = []
    number = False
    for i in ids:
        if i >= NUMBER_BIT:  # is_number(), inline: called for many pairs
            if not number:
                out.append(_SENTINEL)
            number = True
        else:
            out.append(i)
            number = False
    return out


def _few_shared(short: Sequence[int], long: Sequence[int]) -> bool:
    """So few syllables of `short` occur in `long` at all that _could_be_near() fails.

    A cheap bound (no counting) that rules out most unrelated pairs before the exact checks.
    """
    return sum(map(set(long).__contains__, short)) < NEAR * len(short)


def _could_be_near(short: Sequence[int], long: Sequence[int]) -> bool:
    """An upper bound of compare()'s similarity (shared syllables, any order) reaches NEAR."""
    common = sum((Counter(short) & Counter(long)).values())
    return common >= NEAR * len(short)


def _numbers_only(later: Sequence[int], earlier: Sequence[int]) -> bool:
    """The same words with other numbers or dates: list items, weekly figures."""
    ml, me = _masked(later), _masked(earlier)
    return ml == me or (len(ml) < len(me) and _contains_ids(me, ml))


def compare(later: Sequence[int], earlier: Sequence[int]) -> Match | None:
    """How the syllables of `later` repeat those of `earlier`; None when they do not.

    exact: the same syllables; contained: one is a run of the other (either way round);
    near: similarity >= NEAR, where similarity is the larger of difflib's ratio and the
    share of the shorter paragraph found in the longer one.
    """
    if not later or not earlier:
        return None
    short, long = (later, earlier) if len(later) < len(earlier) else (earlier, later)
    if _few_shared(short, long):  # never true of a copy, exact or contained
        return None
    if list(later) == list(earlier):
        return Match("exact", 1.0)
    if _contains_ids(long, short):
        return Match("contained", 1.0)
    if not _could_be_near(short, long) or _numbers_only(short, long):
        return None  # (before SequenceMatcher, which is what costs)
    sm = SequenceMatcher(None, later, earlier, autojunk=False)
    same = sum(b.size for b in sm.get_matching_blocks())
    similarity = max(2 * same / (len(later) + len(earlier)), same / len(short))
    if similarity < NEAR:
        return None
    return Match("near", min(round(similarity, 2), 0.99))


def removable(later: Para, earlier: Para) -> bool:
    """The canonical form of `later` equals, or is contained in, that of `earlier`."""
    return later.canon == earlier.canon or (
        len(later.canon) < len(earlier.canon) and _contains_text(earlier.canon, later.canon))


def classify(later: Para, earlier: Para) -> Match | None:
    """Canonical equality or containment first (what may be removed), then syllables."""
    if later.canon == earlier.canon:
        return Match("exact", 1.0)
    if removable(later, earlier) or _contains_text(later.canon, earlier.canon):
        return Match("contained", 1.0)
    m = compare(later.ids, earlier.ids)
    if m is not None and m.kind != "near":
        return Match("near", 0.99)  # the same syllables, different punctuation
    return m


def eligible(p: Para) -> bool:
    return len(p.ids) >= MIN_WORDS


def shared_eligible(p: Para) -> bool:
    return len(p.ids) >= MIN_WORDS_SHARED


# ---------------------------------------------------------------- within an article

class Local(NamedTuple):
    """A finding inside one article, without its file (cached by the article's text)."""

    action: str
    kind: str
    line: int
    of_line: int
    similarity: float
    excerpt: str
    also: tuple[int, ...] = ()  # lines of further repeats folded into this one (_folded)


class _Indexed:
    """The earlier paragraphs of a big article, by distinct canonical form within a scope
    (copies share everything the checks look at), their 3-gram neighbours (dedup_index), and
    the first printed paragraph of each form so far: near-linear."""

    def __init__(self, paras: Sequence[Para]) -> None:
        self.scope_id: dict[tuple[int, int], int] = {}
        self.form: list[int] = []  # distinct form of each paragraph (-1: not eligible)
        forms: dict[tuple[int, str], int] = {}
        ids: list[Sequence[int]] = []
        scopes: list[int] = []
        for p in paras:
            scope = self.scope_id.setdefault(p.scope, len(self.scope_id))
            f = -1
            if eligible(p):
                f = forms.setdefault((scope, p.canon), len(forms))
                if f == len(ids):
                    ids.append(p.ids)
                    scopes.append(scope)
            self.form.append(f)
        self.grams = ArticleGrams.build(ids, scopes, CANDIDATE, GRAM_CAP)
        self.printed: dict[int, Para] = {}  # form -> its first printed paragraph
        self.neighbours: dict[int, tuple[list[int], list[int]]] = {}  # by form, as asked for

    def print(self, k: int, p: Para) -> None:
        """paras[k], eligible, is printed."""
        self.printed.setdefault(self.form[k], p)

    def repeat_of(self, k: int, p: Para) -> tuple[Para, Match, bool] | None:
        """The paragraph p = paras[k] repeats: the first it may be removed for, else the most
        similar of those sharing enough 3-grams (CANDIDATE); True when it may be removed."""
        f = self.form[k]
        if f not in self.neighbours:  # the same for every copy
            self.neighbours[f] = self.grams.neighbours.of(f)
        inside, close = self.neighbours[f]
        printed = self.printed
        holders = [e for o in inside if (e := printed.get(o)) is not None]
        if (e := printed.get(f)) is not None:
            holders.append(e)  # the same canonical form
        for e in sorted(holders, key=_line):
            if removable(p, e):
                return e, classify(p, e) or Match("exact", 1.0), True
        best: tuple[float, int, Para, Match] | None = None
        looks = 0
        for o in close:  # most shared first: at most LOOKS closer looks
            if (e := printed.get(o)) is None:
                continue
            m = classify(p, e)
            if m is not None and (best is None or (m.similarity, -e.line) > best[:2]):
                best = (m.similarity, -e.line, e, m)
            looks += 1
            if looks == LOOKS:
                break
        return None if best is None else (best[2], best[3], False)

    def holders(self, paras: Sequence[Para]) -> list[list[Para]]:
        """For each paragraph, the printed eligible ones of its scope that may hold its
        syllables, in order (a superset, from its rarest 3-gram)."""
        grams = self.grams
        group = np.full(len(paras), -1, dtype=np.int64)
        forms = np.array(self.form, dtype=np.int64)
        group[forms >= 0] = grams.rarest[forms[forms >= 0]]
        short = [k for k, p in enumerate(paras) if self.form[k] < 0 and len(p.ids) >= 3]
        if short:
            group[short] = grams.rarest_of([paras[k].ids for k in short],
                                           [self.scope_id[paras[k].scope] for k in short])
        lo, hi = grams.rows(group)
        out: list[list[Para]] = []
        canon, printed = grams.canon, self.printed
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            found = [e for f in canon[a:b].tolist() if (e := printed.get(f)) is not None]
            out.append(sorted(found, key=_line))
        return out


def _line(p: Para) -> int:
    return p.line


Gram = tuple[int, int, int]


class _Pairwise:
    """The earlier paragraphs of a small article, every pair compared: cheaper than
    _Indexed below PAIRWISE eligible paragraphs, and the reference it must agree with."""

    def __init__(self, paras: Sequence[Para]) -> None:
        self.seen: dict[tuple[int, int], list[tuple[Para, set[Gram]]]] = {}
        self.last: tuple[int, set[Gram]] = (-1, set())  # repeat_of()'s, for print()

    def print(self, k: int, p: Para) -> None:
        grams = self.last[1] if self.last[0] == k else _grams(p.ids)
        self.seen.setdefault(p.scope, []).append((p, grams))

    def repeat_of(self, k: int, p: Para) -> tuple[Para, Match, bool] | None:
        """The paragraph `p` repeats: the first it may be removed for, else the most similar
        of those sharing enough 3-grams (CANDIDATE)."""
        grams = _grams(p.ids)
        self.last = (k, grams)
        best: tuple[Para, Match, bool] | None = None
        for e, e_grams in self.seen.get(p.scope, ()):
            if removable(p, e):
                return e, classify(p, e) or Match("exact", 1.0), True
            if len(grams & e_grams) >= CANDIDATE * min(len(grams), len(e_grams)):
                m = classify(p, e)
                if m is not None and (best is None or m.similarity > best[1].similarity):
                    best = (e, m, False)
        return best

    def holders(self, paras: Sequence[Para]) -> list[list[Para]]:
        """For each paragraph, the earlier printed eligible ones of its scope with its first
        3-gram, in order."""
        out: list[list[Para]] = []
        for p in paras:
            head = tuple(p.ids[:3])
            out.append([e for e, grams in self.seen.get(p.scope, ()) if e.line < p.line
                        and head in grams] if len(p.ids) >= 3 else [])
        return out


def _grams(ids: Sequence[int]) -> set[Gram]:
    """The 3-grams of a paragraph's syllables, each a tuple of its three ids."""
    return set(zip(ids, ids[1:], ids[2:], strict=False))


def check_article(paras: Sequence[Para]) -> tuple[list[Local], frozenset[int]]:
    """Repeats inside one article: removals (same scope, equal/contained, or the same text
    once line by line and once as one block) and near warnings. A small article compares
    every pair; a big one only pairs sharing 3-grams (_Indexed), with the same findings
    until thousands of alike paragraphs make stock phrases of its 3-grams. Many repeats of
    one paragraph are reported as one finding (_folded)."""
    found: list[Local] = []
    removed: set[int] = set()
    small = sum(map(eligible, paras)) <= PAIRWISE
    article: _Pairwise | _Indexed = _Pairwise(paras) if small else _Indexed(paras)
    printed_in: dict[tuple[int, int], RunIndex] = {}
    for k, p in enumerate(paras):
        runs = printed_in.setdefault(p.scope, RunIndex())
        if not eligible(p):
            runs.add(p)
            continue
        hit = None if p.keep else article.repeat_of(k, p)
        joined = None if p.keep or (hit and hit[2]) else runs.joined(p)
        if joined is not None:
            found.append(Local("removed", "joined", p.line, joined.line, 1.0, excerpt(p.text)))
            removed.add(p.line)
            continue
        if hit is not None:
            e, m, remove = hit
            action = "removed" if remove else "warning"
            found.append(Local(action, m.kind, p.line, e.line, m.similarity, excerpt(p.text)))
            if action == "removed":
                removed.add(p.line)
                continue  # a removed copy is never the "earlier" paragraph of another
        article.print(k, p)
        runs.add(p)
    found += _split_copies(paras, removed, article)
    return _folded(found), frozenset(removed)


def _folded(found: list[Local]) -> list[Local]:
    """More than FOLD_AFTER repeats of one paragraph in the same way become one finding, at
    the first, that lists the others' lines: thousands of pasted copies make one message."""
    groups: dict[tuple[str, str, int], list[int]] = {}
    for k, f in enumerate(found):
        groups.setdefault((f.action, f.kind, f.of_line), []).append(k)
    out: dict[int, Local] = dict(enumerate(found))
    for ks in groups.values():
        if len(ks) > FOLD_AFTER:
            ks = sorted(ks, key=lambda k: found[k].line)
            out[ks[0]] = found[ks[0]]._replace(also=tuple(found[k].line for k in ks[1:]))
            for k in ks[1:]:
                del out[k]
    return list(out.values())


class RunIndex:
    """The printed paragraphs of one scope in order, indexed by their first syllables, to
    find a later paragraph that is several consecutive earlier ones joined (a paste). Only
    the last RUN_STARTS paragraphs with the same first syllables are kept (a paste joins
    nearby lines; this bounds the work on an article of thousands of alike lines)."""

    def __init__(self) -> None:
        self.order: list[Para] = []
        self.by_head: dict[tuple[int, ...], deque[int]] = {}
        self.totals: list[int] = [0]  # syllables of order[:k], by k
        self.ends: dict[int, int] = {0: 0}  # the same, the other way round

    def add(self, p: Para) -> None:
        if p.ids:
            head = tuple(p.ids[:3])
            starts = self.by_head.get(head)
            if starts is None:
                starts = self.by_head[head] = deque(maxlen=RUN_STARTS)
            starts.append(len(self.order))
            self.order.append(p)
            self.totals.append(self.totals[-1] + len(p.ids))
            self.ends[self.totals[-1]] = len(self.order)

    def joined(self, p: Para) -> Para | None:
        """The first of two or more consecutive paragraphs whose syllables, joined, are
        exactly `p`'s."""
        ids = p.ids
        for head in {tuple(ids[:k]) for k in (1, 2, 3)}:
            for start in self.by_head.get(head, ()):
                # Only runs of exactly len(ids) syllables: no slicing for the others.
                end = self.ends.get(self.totals[start] + len(ids))
                if end is None or end - start < 2:
                    continue
                pos, k = 0, start
                while k < end:
                    part = self.order[k].ids
                    if ids[pos:pos + len(part)] != part:
                        break
                    pos, k = pos + len(part), k + 1
                if k == end:
                    return self.order[start]
        return None


def _split_copies(paras: Sequence[Para], removed: set[int], article: _Pairwise | _Indexed,
                  ) -> list[Local]:
    """The mirror of a joined repeat: an earlier paragraph pasted again line by line. Runs of
    two or more consecutive later paragraphs that together lie inside one earlier paragraph of
    the same scope are removed whole, short lines included (marked lines never). The hosts:
    the printed paragraphs long enough to hold such a run."""
    found: list[Local] = []
    by_scope: dict[tuple[int, int], list[tuple[Para, list[Para]]]] = {}
    for p, hosts in zip(paras, article.holders(paras), strict=True):
        by_scope.setdefault(p.scope, []).append((p, hosts))
    for members in by_scope.values():
        i = 0
        while i < len(members):
            end, host = _run_inside(members, i)
            if host is None:
                i += 1
                continue
            for q, _ in members[i:end]:
                if q.line not in removed:
                    removed.add(q.line)
                    found.append(Local("removed", "contained", q.line, host.line, 1.0,
                                       excerpt(q.text)))
            i = end
    return found


def _run_inside(members: list[tuple[Para, list[Para]]], i: int) -> tuple[int, Para | None]:
    """(end, host): members[i:end] (two or more, at least MIN_WORDS syllables in all) joined
    lie inside the earlier printed paragraph `host`; (i, None) when no run starts at i."""
    first, hosts = members[i]
    if first.keep or len(first.ids) < 3:
        return i, None
    for host in hosts:
        if host.line >= first.line:
            break  # in order
        if len(host.ids) <= len(first.ids) or not _contains_ids(host.ids, first.ids):
            continue
        joined, end = array("I", first.ids), i + 1
        while end < len(members) and not members[end][0].keep and members[end][0].ids:
            longer = joined + array("I", members[end][0].ids)
            if not _contains_ids(host.ids, longer):
                break
            joined, end = longer, end + 1
        if end - i >= 2 and len(joined) >= MIN_WORDS:
            return end, host
    return i, None


# ---------------------------------------------------------------- across articles of an issue

@dataclass(frozen=True)
class ArticleParas:
    rel: str
    paras: tuple[Para, ...]
    removed: frozenset[int] = frozenset()


def _pairs(index: ShingleIndex, qpid: np.ndarray, qh: np.ndarray, article: np.ndarray,
           ) -> Iterable[tuple[int, int, float]]:
    """(query, paragraph of an earlier article, estimated overlap) worth comparing, best
    estimates first."""
    q, p, count, probes = index.search(qpid, qh, STOP_DF)
    score = count / np.maximum(np.minimum(probes, index.sizes[p]), 1)
    ok = (article[p] < article[q]) & (score >= CANDIDATE)
    order = np.lexsort((-score[ok], q[ok]))
    return zip(q[ok][order].tolist(), p[ok][order].tolist(), score[ok][order].tolist(),
               strict=True)


def check_issue(articles: Sequence[ArticleParas]) -> list[Finding]:
    """The same paragraph in two articles of one issue: a warning on the later one."""
    flat: list[tuple[int, Para]] = [
        (k, p) for k, a in enumerate(articles) for p in a.paras
        if shared_eligible(p) and p.line not in a.removed]
    if len({k for k, _ in flat}) < 2:  # one article: nothing to compare across
        return []
    index = ShingleIndex.build(*pack([p.ids for _, p in flat]))
    qpid, qh = shingles(index.flat, index.offsets)
    article = np.array([k for k, _ in flat], dtype=np.int64)
    best: dict[int, tuple[int, Match]] = {}
    tried: dict[int, int] = {}
    for q, p, _ in _pairs(index, qpid, qh, article):
        pq, pp = flat[q][1], flat[p][1]
        if pq.keep or tried.get(q, 0) >= TOP_CANDIDATES:
            continue
        tried[q] = tried.get(q, 0) + 1
        m = classify(pq, pp)
        if m is not None and (q not in best or m.similarity > best[q][1].similarity):
            best[q] = (p, m)
    out = []
    for q, (p, m) in sorted(best.items()):
        (kq, pq), (kp, pp) = flat[q], flat[p]
        out.append(Finding("warning", m.kind, "issue", articles[kq].rel, pq.line,
                           Where(articles[kp].rel, pp.line), m.similarity, excerpt(pq.text)))
    return out


# ---------------------------------------------------------------- the whole site

class ArticleResult(NamedTuple):
    """What one article's text alone decides (cached by that text)."""

    paragraphs: int
    findings: tuple[Local, ...]
    removed: frozenset[int]


def article_key(a: Article) -> str:
    if a.origin:  # read from a file: its digest covers body, rule and keep_repeats
        return _origin_key(a.origin)
    return digest(VERSION, "article", a.paragraph_rule, str(a.body_line), a.body,
                  str(keeps_all(a)))


@functools.lru_cache(maxsize=32768)  # asked for several times per article and build
def _origin_key(origin: str) -> str:
    return digest(VERSION, "article", origin)


def keeps_all(a: Article) -> bool:
    """Front matter keep_repeats: true."""
    return a.keep_repeats


def check_paragraphs(paras: Sequence[Para]) -> ArticleResult:
    found, removed = check_article(paras)
    return ArticleResult(len(paras), tuple(found), removed)
