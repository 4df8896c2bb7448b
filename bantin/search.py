"""The full-text search index of the website, made to be small to download.

A reader's browser gets a small manifest first (tim-kiem/chi-muc.js) and then, for each
query, only the word files its words need. Everything is a script that calls a global
function, so the search page works from disk (file://, where fetch() fails) and under any
sub-path.

    tim-kiem/chi-muc.js        the years, their issues and how many articles each has
    tim-kiem/tu/<year>-<c>.js  every folded word of that year's articles starting with c
                               (a-z; "0" for digits) -> the articles it is in, and those
                               whose title has it
    tim-kiem/bai/<year>-<n>.js title, address, place and summary of issue n's articles

Articles are numbered within their year, newest first, as the site lists them. A year's
word files are one target: an edit rebuilds the index of its year only (the current
year's, nearly always), and an issue's article list only its own file.

Lists of article numbers are written as gaps between numbers, 5 bits a character
(`_END` ends a number, `_MORE` carries 5 more bits before it); a word in more than half of
a year's articles may be written as the articles it is *not* in, after "~".
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import JsonStore, Memo, digest
from .markdown import Rendered
from .model import Article, Issue
from .targets import Target, beside
from .text import fold

# Bump when the index files change for the same inputs (assets/search.js reads them).
SEARCH_VERSION = "2"
MANIFEST = "tim-kiem/chi-muc.js"
SHARDS = "abcdefghijklmnopqrstuvwxyz0"
_END = "0123456789abcdefghijklmnopqrstuv"
_MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"

_TAG = re.compile(r"<[^>]*>")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def shard_of(word: str) -> str:
    return word[0] if "a" <= word[0] <= "z" else "0"


def shard_path(year: int, shard: str) -> str:
    return f"tim-kiem/tu/{year}-{shard}.js"


def issue_path(issue: Issue) -> str:
    return f"tim-kiem/bai/{issue.year}-{issue.number}.js"


# -- words

# token -> its folded words: the same few thousand tokens recur in every article (a plain
# dict read through map() costs a third less than an lru_cache; emptied when it grows big).
_FOLDED: dict[str, tuple[str, ...]] = {}
FOLDED_MAX = 200_000


def _fold_token(token: str) -> tuple[str, ...]:
    # fold's own cache is left to whole titles and names.
    return tuple(w for w in _NOT_WORD.split(fold.__wrapped__(token)) if w)


def words(text: str) -> set[str]:
    """The folded words of a text, as assets/search.js splits a query: "Xã Tân Kỳ, 2.234"
    -> {"xa", "tan", "ky", "2", "234"}."""
    tokens = set(text.lower().split())
    folded = list(map(_FOLDED.get, tokens))
    if None in folded:
        if len(_FOLDED) > FOLDED_MAX:
            _FOLDED.clear()
        for k, token in enumerate(tokens):
            if folded[k] is None:
                folded[k] = _FOLDED[token] = _fold_token(token)
    return set(itertools.chain.from_iterable(folded))


def plain_text(body_html: str) -> str:
    text = _TAG.sub(" ", body_html)
    return html.unescape(text) if "&" in text else text


@dataclass(frozen=True)
class Doc:
    """One article as the index sees it."""

    article: Article
    rendered: Rendered
    label: str  # its issue's label, which the index covers ("Số 18 (25/5-29/5/2026)")
    key: str  # digest of all of the above (the article's digest and the label)


def body_words(body_html: str) -> str:
    """The words of an article's printed body, space-separated: found when it is prepared
    (prepare.py, in worker processes on a cold build) and kept with its render, so an edit
    that rewrites a year's word files reads the year's other articles from their records."""
    return " ".join(sorted(words(plain_text(body_html))))


def doc_words(doc: Doc) -> tuple[frozenset[str], frozenset[str]]:
    """(every word of the article, the words of its title)."""
    a, r = doc.article, doc.rendered
    title = words(a.title)
    fields = " ".join((a.commune or "", a.section.name, doc.label, *a.author, a.source,
                       *a.signature, *a.tags))
    body = r.words if r.words or not r.html else body_words(r.html)
    return frozenset(title | words(fields)).union(body.split()), frozenset(title)


# -- encoding

_SMALL = [("" if d < 32 else _MORE[d >> 5]) + _END[d & 31] for d in range(1024)]


def _gaps(ids: Sequence[int]) -> str:
    out = []
    prev = -1
    for i in ids:
        gap = i - prev - 1
        prev = i
        if gap < 1024:
            out.append(_SMALL[gap])
            continue
        code = _END[gap & 31]
        gap >>= 5
        while gap:
            code = _MORE[gap & 31] + code
            gap >>= 5
        out.append(code)
    return "".join(out)


def encode_ids(ids: Sequence[int], n: int) -> str:
    """Ascending article numbers (of n) as text: the shorter of the list and "~" + the
    numbers not in it."""
    plain = _gaps(ids)
    if 2 * len(ids) > n:
        inside = set(ids)
        other = "~" + _gaps([i for i in range(n) if i not in inside])
        if len(other) < len(plain):
            return other
    return plain


def decode_ids(code: str, n: int) -> list[int]:
    """The inverse of encode_ids (assets/search.js has the same; tests use this one)."""
    ids: list[int] = []
    prev, value = -1, 0
    for ch in code.lstrip("~"):
        if ch in _MORE:
            value = (value << 5) | _MORE.index(ch)
            continue
        prev += ((value << 5) | _END.index(ch)) + 1
        ids.append(prev)
        value = 0
    if code.startswith("~"):
        gone = set(ids)
        return [i for i in range(n) if i not in gone]
    return ids


def year_shards(year: int, docs: Sequence[Doc]) -> dict[str, str]:
    """Shard letter -> the text of that word file of one year."""
    index = _YEARS.get(year)
    if index is None or not index.update(docs):
        index = _YEARS[year] = YearIndex(year, docs)
    return dict(index.texts)


class YearIndex:
    """The word files of one year, kept while `serve` runs: an edit changes a few articles
    of the year, so only their words' lines are encoded again and only the letters those
    words start with are written out anew (the same text a fresh index gives)."""

    def __init__(self, year: int, docs: Sequence[Doc],
                 words_of: Callable[[Doc], tuple[frozenset[str], frozenset[str]]] = doc_words,
                 ) -> None:
        """`words_of`: (every word, the title's words) of a doc."""
        self.year = year
        self.words_of = words_of
        # The docs, not their word sets: those are found again for the few an edit changes
        # (kept, a year's sets cost ~11 MB, and serve came to hold every year's).
        self.docs = list(docs)
        self.every: defaultdict[str, list[int]] = defaultdict(list)
        self.titled: defaultdict[str, list[int]] = defaultdict(list)
        for k, d in enumerate(docs):
            all_words, title_words = words_of(d)
            for w in all_words:
                self.every[w].append(k)
            for w in title_words:
                self.titled[w].append(k)
        self.codes = {w: self._code(w) for w in self.every}
        self.letters: dict[str, set[str]] = {s: set() for s in SHARDS}
        for w in self.every:
            self.letters[shard_of(w)].add(w)
        self.texts = {s: self._text(s) for s in SHARDS}

    def update(self, docs: Sequence[Doc]) -> bool:
        """Take the year's docs as they are now; False when too much moved (articles added,
        removed or reordered): then a fresh index is cheaper."""
        if len(docs) != len(self.docs):
            return False
        changed = [k for k, d in enumerate(docs) if d.key != self.docs[k].key]
        if len(changed) > UPDATE_MAX:
            return False
        touched: set[str] = set()
        for k in changed:
            old, new = self.words_of(self.docs[k]), self.words_of(docs[k])
            touched |= self._move(self.every, k, old[0], new[0])
            touched |= self._move(self.titled, k, old[1], new[1])
            self.docs[k] = docs[k]
        for w in touched:
            if w in self.every:
                self.codes[w] = self._code(w)
                self.letters[shard_of(w)].add(w)
            else:
                self.codes.pop(w, None)
                self.letters[shard_of(w)].discard(w)
        for letter in {shard_of(w) for w in touched}:
            self.texts[letter] = self._text(letter)
        return True

    @staticmethod
    def _move(lists: defaultdict[str, list[int]], k: int, old: frozenset[str],
              new: frozenset[str]) -> set[str]:
        """Article k's words go from `old` to `new` in these lists; the words touched."""
        for w in old - new:
            lists[w].remove(k)
            if not lists[w]:
                del lists[w]
        for w in new - old:
            bisect.insort(lists[w], k)
        return set(old ^ new)

    def _code(self, w: str) -> str:
        n = len(self.docs)
        code = encode_ids(self.every[w], n)
        return code + "," + encode_ids(self.titled[w], n) if w in self.titled else code

    def _text(self, letter: str) -> str:
        table = {w: self.codes[w] for w in sorted(self.letters[letter])}
        return f"BANTIN_TU({json.dumps(f'{self.year}-{letter}')},{_compact(table)});\n"


# The word files of each year, kept between the builds of one process (serve).
_YEARS: dict[int, YearIndex] = {}
UPDATE_MAX = 50  # changed articles of a year above which the index is made afresh


def issue_chunk(issue: Issue, rendered: dict[str, Rendered]) -> str:
    """What a result shows of each article of one issue, in the order of the manifest."""
    entries = [[a.title, a.url, a.commune or "", rendered[a.rel].summary]
               for a in issue.articles]
    key = f"{issue.year}-{issue.number}"
    return f"BANTIN_BAI({json.dumps(key)},{_compact([issue.label, entries])});\n"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- targets

def by_year(issues: Sequence[Issue]) -> list[tuple[int, list[Issue]]]:
    """Issues grouped by year, newest first (as the site lists them)."""
    years: dict[int, list[Issue]] = {}
    for issue in issues:
        years.setdefault(issue.year, []).append(issue)
    return sorted(years.items(), key=lambda kv: -kv[0])


def search_targets(issues: Sequence[Issue], rendered: dict[str, Rendered],
                   article_digests: dict[str, str], store: JsonStore | None = None,
                   memo: Memo | None = None) -> list[Target]:
    """The manifest, each year's word files (one target) and each issue's article list.
    The digests name exactly what each file is made from: the articles' digests (text,
    fields and render), the issue labels, the order, and SEARCH_VERSION. `memo`: an issue
    whose articles did not change since the last build keeps its part (serve)."""
    memo = memo or Memo()
    out: list[Target] = []
    years = []
    for year, year_issues in by_year(issues):
        docs = []
        for issue in year_issues:
            label, digests = issue.label, [article_digests[a.rel] for a in issue.articles]
            part, inputs = memo.get(("search", issue.key), (issue, label, *digests),
                                    functools.partial(_issue_part, issue, label, digests,
                                                      rendered))
            docs += part
            out.append(Target((issue_path(issue),), inputs,
                              functools.partial(_write_issue, issue, rendered), "text"))
        paths = tuple(shard_path(year, s) for s in SHARDS)
        inputs = digest(SEARCH_VERSION, str(year), *(d.key for d in docs))
        out.append(Target(paths, inputs, functools.partial(_write_year, year, docs), "text"))
        years.append([year, _content_tag(year, docs, inputs, store),
                      [[i.number, len(i.articles)] for i in year_issues]])
    manifest = f"window.BANTIN_CHI_MUC = {_compact({'v': SEARCH_VERSION, 'nam': years})};\n"
    out.append(Target((MANIFEST,), digest(SEARCH_VERSION, MANIFEST, manifest),
                      functools.partial(_write_text, manifest), "text"))
    return out


def _issue_part(issue: Issue, label: str, digests: list[str], rendered: dict[str, Rendered]
                ) -> tuple[list[Doc], str]:
    """An issue's articles as the index sees them, and its article list's digest."""
    docs = [Doc(a, rendered[a.rel], label, digest(d, label))
            for a, d in zip(issue.articles, digests, strict=True)]
    return docs, digest(SEARCH_VERSION, issue_path(issue), label, *digests)


_TAGS: dict[str, str] = {}  # year inputs -> tag, while `serve` runs


def _content_tag(year: int, docs: Sequence[Doc], inputs: str, store: JsonStore | None
                 ) -> str:
    """The year's version tag in the manifest (browsers fetch its files anew when it
    changes): from what the files show, not from the article digests, which name the
    sources' paths; so a site built in another folder writes the same bytes. Hashing a
    year's text costs ~20 ms: kept by the year's inputs."""
    key = f"tag:{inputs}"
    tag = _TAGS.get(key) or (store.get(key) if store is not None else None)
    if not isinstance(tag, str):
        tag = digest(SEARCH_VERSION, str(year), *map(_shown, docs))[:10]
        if store is not None:
            store.put(key, tag)
    elif store is not None:
        store.keep(key)
    if len(_TAGS) > 1000:
        _TAGS.clear()
    _TAGS[key] = tag
    return tag


def _shown(d: Doc) -> str:
    """Digest of what the index shows of one article (from the digest of its HTML kept with
    its record: the HTML itself is not read)."""
    r = d.rendered
    return digest(d.article.rel, d.article.title, d.label, r.summary,
                  r.shown or digest(r.html))


def _write_text(text: str, dest: Path) -> list[str]:
    dest.write_text(text, encoding="utf-8")
    return []


def _write_issue(issue: Issue, rendered: dict[str, Rendered], dest: Path) -> list[str]:
    return _write_text(issue_chunk(issue, rendered), dest)


def _write_year(year: int, docs: Sequence[Doc], dest: Path) -> list[str]:
    main = shard_path(year, SHARDS[0])
    for shard, text in year_shards(year, docs).items():
        beside(dest, main, shard_path(year, shard)).write_text(text, encoding="utf-8")
    return []
