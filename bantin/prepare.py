"""Render once: each article parsed, checked for repeats and rendered without them, as one
record (`Rendered`) that the site, the feed and the PDF all use. Records are kept by a
digest of everything they depend on, so an unchanged article is never parsed again."""

from __future__ import annotations

import functools
from typing import NamedTuple

from .cache import SPOILT, JsonStore, digest
from .dedup import ArticleResult, Para, check_paragraphs, keeps_all, paragraphs
from .dedup import article_key as dedup_key
from .dedup_site import RepeatCheck
from .errors import BantinError
from .markdown import RENDER_VERSION, PhotoRef, Rendered, parse, parser, render_parsed
from .model import Article, Site
from .search import body_words


def render_key(a: Article, removed: frozenset[int]) -> str:
    skip = ",".join(map(str, sorted(removed)))
    if a.origin:  # read from a file: its digest covers the body and the paragraph rule
        return digest(RENDER_VERSION, a.origin, skip)
    return digest(RENDER_VERSION, a.paragraph_rule, str(a.body_line), a.body, skip,
                  str(a.gallery))


BODIES = "bodies"  # the store of records' HTML
WORDS = "words"  # the store of records' search words


class Prepared(NamedTuple):
    """One article parsed once, checked for repeats, and rendered without them."""

    rendered: Rendered
    key: str  # render cache key
    paras: tuple[Para, ...]
    check: ArticleResult


def prepare(a: Article) -> Prepared:
    md = parser(a.paragraph_rule)
    parsed = parse(md, a.body, a.body_line, a.gallery)
    paras = paragraphs(a.body, a.body_line, keeps_all(a), blocks=parsed.blocks)
    check = check_paragraphs(paras)
    r = render_parsed(md, parsed, check.removed)
    # The blocks were for the repeat check (paras); the record keeps what outputs show.
    key = render_key(a, check.removed)
    return Prepared(Rendered(r.html, r.summary, (), r.photos, key, body_words(r.html),
                             digest(r.html)), key, paras, check)


class RenderStore:
    """Rendered records by render key: as JSON data in the cache store (no pickles: reading
    runs no code), and in memory while `serve` runs. Each run keeps what it used.

    A record is kept as three entries: its summary and photos ("rendered", all read at
    once), its HTML ("bodies") and its search words ("words"), each of these two read when
    a record is first asked for it (see Rendered): a build after one edit reads the HTML of
    an issue's articles and the words of a year's, apart (the HTML is five times bigger)."""

    def __init__(self, store: JsonStore, bodies: JsonStore | None = None,
                 words: JsonStore | None = None) -> None:
        self.store = store
        self.bodies = bodies or JsonStore(store.root, BODIES, enabled=store.enabled)
        self.words = words or JsonStore(store.root, WORDS, enabled=store.enabled)
        self.memo: dict[str, Rendered] = {}
        self.used: set[str] = set()

    def get(self, key: str, article: Article | None = None) -> Rendered | None:
        """The record of this key, if kept; `article`: what it was rendered from (made again
        should its body turn out to be unreadable when asked for)."""
        hit = self.memo.get(key)
        if hit is None:
            data = self.store.get(key)
            if data is None or not self.bodies.has(key) or not self.words.has(key):
                return None
            summary, photos, shown = data
            hit = self.memo[key] = Rendered(
                None, summary, (), tuple(PhotoRef(*p) for p in photos), key, None, shown,
                fetch=functools.partial(self._part, key, article))
        self.keep(key)
        return hit

    def _part(self, key: str, article: Article | None, part: str) -> str:
        """A record's "html" or "words", as kept."""
        data = (self.bodies if part == "html" else self.words).get(key)
        if data is not None:
            return str(data[0])
        # The entry went missing or bad since its key was listed: made again, as it was.
        done = prepare(article) if article is not None else None
        if done is None or done.key != key:
            raise BantinError(SPOILT)
        return done.rendered.html if part == "html" else done.rendered.words

    def keep(self, key: str) -> None:
        """A record the caller still holds was used (kept at `save`)."""
        self.used.add(key)
        self.store.keep(key)
        self.bodies.keep(key)
        self.words.keep(key)

    def put(self, key: str, r: Rendered) -> None:
        self.memo[key] = r
        self.used.add(key)
        self.store.put(key, [r.summary, [list(p) for p in r.photos], r.shown])
        self.bodies.put(key, [r.html])
        self.words.put(key, [r.words])

    def save(self) -> None:
        self.store.save()
        self.bodies.save()
        self.words.save()
        self.memo = {k: v for k, v in self.memo.items() if k in self.used}
        self.used = set()


# rel -> (the article, its record, its repeat check key, its render key) as the last build
# of this process had them (`serve`): the same article object has the same record.
Held = dict[str, tuple[Article, Rendered, str, str]]


def cached_renders(site: Site, store: RenderStore, check: RepeatCheck,
                   held: Held | None = None) -> dict[str, Rendered]:
    """Renders of the articles whose text (and so whose removed repeats) did not change."""
    out: dict[str, Rendered] = {}
    held = held if held is not None else {}
    for a in site.articles:
        hit = held.get(a.rel)
        if hit is not None and hit[0] is a:
            check.keep(hit[2])
            store.keep(hit[3])
            out[a.rel] = hit[1]
            continue
        result = check.cached(a)
        hit = store.get(render_key(a, result.removed), a) if result is not None else None
        if hit is not None:
            out[a.rel] = hit
    return out


def hold(site: Site, rendered: dict[str, Rendered], held: Held) -> None:
    """Remember this build's records by article, for the next build of this process."""
    if len(held) > len(rendered):  # articles were removed
        for rel in [r for r in held if r not in rendered]:
            del held[rel]
    for a in site.articles:
        kept = held.get(a.rel)
        if kept is None or kept[0] is not a:
            r = rendered[a.rel]
            held[a.rel] = (a, r, dedup_key(a), r.key)


def accept(a: Article, done: Prepared, store: RenderStore, check: RepeatCheck,
           rendered: dict[str, Rendered]) -> None:
    """Keep a fresh record: in this run's renders, the render store and the repeat check."""
    rendered[a.rel] = done.rendered
    store.put(done.key, done.rendered)
    check.accept(a, done.paras, done.check)


def render_articles(site: Site, store: RenderStore | None = None,
                    check: RepeatCheck | None = None) -> dict[str, Rendered]:
    """Every article rendered without its removed repeats, in this process; unchanged ones
    from `store` (none by default)."""
    store = store or RenderStore(JsonStore(site.root, "rendered", enabled=False))
    check = check or RepeatCheck.for_site(site.root, use_cache=False)
    out = cached_renders(site, store, check)
    for a in site.articles:
        if a.rel not in out:
            accept(a, prepare(a), store, check, out)
    return out
