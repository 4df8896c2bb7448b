"""The HTML writer: decides which files the website has, what each is made from, and
renders them with the theme's templates."""

from __future__ import annotations

import functools
import os
import posixpath
import shutil
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from .cache import FileDigests, JsonStore, Memo, digest
from .images import IMAGES_VERSION
from .markdown import Rendered
from .model import Article, Issue, Site
from .output import MARKER
from .photos import Photo, SitePhotos, fill, write_web_copies
from .search import search_targets
from .targets import Target, beside
from .text import format_count
from .theme import Theme

VN_OFFSET = "+07:00"
PHOTO_TEMPLATE = "_photo.html"


# Articles per page of a commune's or a section's listing (newest first): a five-year
# archive lists ~1,800 local articles, too much for one page on a phone.
LISTING_PAGE = 50


@dataclass(frozen=True)
class Listing:
    """A commune's or a section's articles, newest first."""

    kind: str  # "commune" | "section"
    name: str
    slug: str
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return self.page_url(1)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.articles) // LISTING_PAGE))

    def page_url(self, n: int) -> str:
        folder = "dia-phuong" if self.kind == "commune" else "chuyen-muc"
        return f"{folder}/{self.slug}/" + (f"trang-{n}/" if n > 1 else "") + "index.html"

    def page(self, n: int) -> tuple[Article, ...]:
        return self.articles[(n - 1) * LISTING_PAGE: n * LISTING_PAGE]


@dataclass(frozen=True)
class Pager:
    """Page n of a listing: what its page links show."""

    listing: Listing
    n: int

    @property
    def count(self) -> int:
        return self.listing.pages

    def url(self, n: int) -> str:
        return self.listing.page_url(n)

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers to link: first, last and two around this one; None for a gap."""
        keep = {1, self.count, *range(self.n - 2, self.n + 3)}
        out: list[int | None] = []
        for k in range(1, self.count + 1):
            if k in keep:
                out.append(k)
            elif out and out[-1] is not None:
                out.append(None)
        return out


@dataclass
class SiteContent:
    """Everything the templates need, computed once per build."""

    site: Site
    rendered: dict[str, Rendered]  # by article.rel
    pdfs: dict[tuple[int, int], str] = field(default_factory=dict)  # issue key -> file name
    issue_of: dict[str, Issue] = field(default_factory=dict)
    communes: tuple[Listing, ...] = ()
    sections: tuple[Listing, ...] = ()


def ngay(d: date | None) -> str:
    return f"{d.day}/{d.month}/{d.year}" if d else ""


def rfc3339(d: date) -> str:
    return f"{d.isoformat()}T00:00:00{VN_OFFSET}"


def article_date(a: Article, issue: Issue) -> date:
    return a.date or issue.date


def collect(site: Site, rendered: dict[str, Rendered],
            pdfs: dict[tuple[int, int], str] | None = None) -> SiteContent:
    issue_of = {a.rel: i for i in site.issues for a in i.articles}
    by_commune: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    by_section: dict[str, list[Article]] = defaultdict(list)
    for a in site.articles:  # issues are newest first already
        if a.commune and a.commune_slug:
            by_commune[a.commune_slug].append(a)
            names.setdefault(a.commune_slug, a.commune)
        by_section[a.section.slug].append(a)
    communes = tuple(sorted(
        (Listing("commune", names[s], s, tuple(arts)) for s, arts in by_commune.items()),
        key=lambda li: li.slug))
    sections = tuple(Listing("section", s.name, s.slug, tuple(by_section[s.slug]))
                     for s in site.config.sections if by_section[s.slug])
    return SiteContent(site, rendered, pdfs or {}, issue_of, communes, sections)


def page_environment(theme: Theme) -> jinja2.Environment:
    env = theme.environment()
    env.filters["ngay"] = ngay
    env.filters["rfc3339"] = rfc3339
    env.filters["so"] = format_count  # 1812 -> "1.812", as Vietnamese writes numbers
    return env


# Bump when this module writes different pages from the same inputs.
SITE_VERSION = "1"
MARKER_TEXT = "Thư mục này do bantin tạo; mỗi lần dựng sẽ thay thế.\n"


class SitePages:
    """Every file of the website as a target: its path, a digest of exactly what its
    template is given (so an unchanged page is never rendered again) and how to make it.

    Templates see only what they are given plus `config` and the menu `sections`; nothing
    else of the site is global, which is what makes the digests exact."""

    def __init__(self, content: SiteContent, theme: Theme, digests: FileDigests,
                 photo_cache: Path | None = None, env: jinja2.Environment | None = None,
                 photos: SitePhotos | None = None, search_tags: JsonStore | None = None,
                 memo: Memo | None = None) -> None:
        """`memo`: digests kept from the last build of this process (serve), by what they
        were made from."""
        self.c = content
        self.memo = memo or Memo()
        self.search_tags = search_tags  # the search index's version tags, kept by inputs
        self.photo_cache = photo_cache  # web copies of photos kept between builds
        self.photos = photos or SitePhotos(content.site, content.rendered, digests)
        self.digests = digests
        self.env = env or page_environment(theme)
        self.theme = theme
        self.config = cfg = content.site.config
        self.env.globals.update(config=cfg, sections=content.sections)
        nav = [(s.name, s.url) for s in content.sections]
        self.shell = digest(SITE_VERSION, repr(cfg), repr(nav))
        self._templates: dict[str, str] = {}
        self.article_digests = {a.rel: self.article_key(a) for a in content.site.articles}
        self.issue_digests = {i.key: self.memo.get(
            ("issue", i.key), (i, *(self.article_digests[a.rel] for a in i.articles)),
            functools.partial(issue_digest, i, self.article_digests))
            for i in content.site.issues}
        # What a list of issues shows of each (address, label, how many articles).
        self.issue_heads = {i.key: f"{i.url}\0{i.label}\0{len(i.articles)}"
                            for i in content.site.issues}
        self.communes_digest = digest(*(f"{c.name}\0{c.url}\0{len(c.articles)}"
                                        for c in content.communes))

    # -- digests
    def article_key(self, a: Article) -> str:
        """An article's fields, rendered body, and the photos its pages show."""
        r = self.c.rendered[a.rel]
        if not self.photos.of(a.rel):
            return self.memo.get(("article", a.rel), (a, r), functools.partial(
                article_digest, a, r))
        key = article_digest(a, r)
        return digest(key, self.photos.key(a.rel), self.template(PHOTO_TEMPLATE))

    def template(self, name: str) -> str:
        """Digest of a template and of every template it extends, includes or imports."""
        if name not in self._templates:
            self._templates[name] = digest(self.shell, *template_sources(self.env, name))
        return self._templates[name]

    def page_target(self, path: str, template: str, inputs: list[str],
                    context: Callable[[], dict[str, Any]]) -> Target:
        return self.made_page(path, template, digest(self.template(template), path, *inputs),
                              context)

    def made_page(self, path: str, template: str, inputs: str,
                  context: Callable[[], dict[str, Any]]) -> Target:
        """A page whose digest (page_target's) is known."""
        return Target((path,), inputs, lambda dest: self.render(dest, template, path,
                                                                 context()))

    def render(self, dest: Path, template: str, path: str, context: dict[str, Any]
               ) -> list[str]:
        depth = path.count("/")
        html = self.env.get_template(template).render(
            root="../" * depth, page_path=path, page_url=self.absolute(path), **context)
        dest.write_text(html, encoding="utf-8")
        return []

    def absolute(self, path: str) -> str:
        base = self.config.base_url
        if not base:
            return ""
        return base + (path[: -len("index.html")] if path.endswith("index.html") else path)

    # -- targets
    def targets(self) -> list[Target]:
        """Every file of the website (PDFs are the PDF writer's)."""
        site = self.c.site
        out: list[Target] = []
        for issue in site.issues:
            out += self.issue_targets(issue)
        out += self.photo_targets()
        out += self.asset_targets()
        out += self.listing_targets()
        latest = site.issues[0] if site.issues else None
        years = self.years()
        # The home page shows the latest issue, and the others' addresses and labels.
        shown = [self.issue_digests[latest.key]] if latest else []
        all_issues = [self.issue_heads[i.key] for i in site.issues]
        pdf = self.c.pdfs.get(latest.key) if latest else None
        out.append(self.page_target(
            "index.html", "index.html", [*shown, *all_issues, str(pdf)],
            lambda: {"title": "Trang chủ", "years": years, "latest": latest,
                     "rendered": self.c.rendered, "pdf": pdf}))
        out.append(self.page_target("404.html", "404.html", [],
                                    lambda: {"title": "Không tìm thấy trang"}))
        out.append(self.page_target("tim-kiem/index.html", "search.html", [],
                                    lambda: {"title": "Tìm kiếm"}))
        out += search_targets(site.issues, self.c.rendered, self.article_digests,
                              self.search_tags, self.memo)
        out.append(self.feed_target())
        if self.config.base_url:
            urls = [self.absolute(p) for p in self.page_list]
            out.append(self.page_target("sitemap.xml", "sitemap.xml", urls,
                                        lambda: {"urls": urls}))
        out.append(self.text_target(MARKER, MARKER_TEXT))
        return out

    def issue_targets(self, issue: Issue) -> list[Target]:
        """The issue page and its article pages: each depends on the whole issue (its pages
        show the issue, and every page links its neighbours)."""
        key = self.issue_digests[issue.key]
        pdf = self.c.pdfs.get(issue.key)
        shown, alone = self.template("issue.html"), self.template("article.html")
        arts = issue.articles
        inputs = self.memo.get(("pages", issue.key), (issue, key, str(pdf), shown, alone),
                               lambda: [digest(shown, issue.url, key, str(pdf)),
                                        *(digest(alone, a.url, key) for a in arts)])
        out = [self.made_page(
            issue.url, "issue.html", inputs[0],
            lambda: {"issue": issue, "rendered": self.c.rendered, "pdf": pdf,
                     "bodies": self.bodies(issue.articles, issue.url),
                     "title": f"Bản tin {issue.label}"})]
        for n, a in enumerate(arts):
            out.append(self.made_page(a.url, "article.html", inputs[n + 1],
                                      functools.partial(self.article_context, issue, n)))
        return out

    def article_context(self, issue: Issue, n: int) -> dict[str, Any]:
        arts = issue.articles
        a = arts[n]
        return {"article": a, "issue": issue, "body": self.c.rendered[a.rel], "title": a.title,
                "body_html": self.bodies([a], a.url)[a.rel],
                "prev": arts[n - 1] if n else None,
                "next": arts[n + 1] if n + 1 < len(arts) else None,
                "commune_url": f"dia-phuong/{a.commune_slug}/index.html"
                if a.commune_slug else None,
                "date": article_date(a, issue)}

    def listing_targets(self) -> list[Target]:
        out = []
        template = self.template("list.html")
        for listing in (*self.c.communes, *self.c.sections):
            kind = "Địa phương" if listing.kind == "commune" else "Chuyên mục"
            for n in range(1, listing.pages + 1):
                shown, path = listing.page(n), listing.page_url(n)
                sources = (template, listing.kind, listing.name, listing.slug, n,
                           listing.pages, len(listing.articles), *shown,
                           *(self.c.rendered[a.rel] for a in shown),
                           *(self.c.issue_of[a.rel] for a in shown))
                inputs, groups = self.memo.get(("list", path), sources, functools.partial(
                    self.listing_inputs, template, path, listing, n))
                title = f"{kind}: {listing.name}" + (f" (trang {n})" if n > 1 else "")
                out.append(self.made_page(
                    path, "list.html", inputs,
                    functools.partial(self.listing_context, title, listing, groups,
                                      Pager(listing, n))))
        years = self.years()
        out.append(self.page_target(
            "luu-tru/index.html", "list.html",
            [self.communes_digest, *(self.issue_heads[i.key] for i in self.c.site.issues)],
            lambda: {**self.listing_context("Lưu trữ các số bản tin", None, []),
                     "years": years, "communes": self.c.communes}))
        return out

    def listing_inputs(self, template: str, path: str, listing: Listing, n: int
                       ) -> tuple[str, list[tuple[Issue, list[Article]]]]:
        """A listing page's digest and its groups: exactly what list.html shows, so an edit
        that keeps an article's title and summary leaves the lists it is in alone."""
        groups = self.group_by_issue(listing.page(n))
        return digest(template, path, listing.kind, listing.name, listing.slug, str(n),
                      str(listing.pages), str(len(listing.articles)),
                      *(f"{self.issue_heads[i.key]}\0" + "\0".join(
                          f"{a.url}\0{a.title}\0{self.c.rendered[a.rel].summary}"
                          for a in arts) for i, arts in groups)), groups

    def listing_context(self, title: str, listing: Listing | None,
                        groups: list[tuple[Issue, list[Article]]],
                        pager: Pager | None = None) -> dict[str, Any]:
        # Only the archive page lists the communes: a commune's or a section's page does not
        # depend on which communes exist.
        return {"title": title, "listing": listing, "groups": groups, "years": (),
                "issue_of": self.c.issue_of, "rendered": self.c.rendered, "communes": (),
                "pager": pager}

    def feed_target(self) -> Target:
        articles = self.c.site.articles[: self.config.feed_size]
        inputs = [f"{self.article_digests[a.rel]}\0{self.issue_digests[self.c.issue_of[a.rel].key]}"
                  for a in articles]
        return self.page_target("feed.xml", "feed.xml", inputs, lambda: {
            "entries": self.feed_entries(articles), "feed_id": self.stable_id(""),
            "latest_date": date(2000, 1, 1)})

    def text_target(self, path: str, text: str) -> Target:
        """A file whose text is cheaper to make than to describe: its digest is its text."""
        data = text.encode("utf-8")

        def make(dest: Path) -> list[str]:
            dest.write_bytes(data)
            return []

        return Target((path,), digest(SITE_VERSION, path, text), make, "text")

    def photo_targets(self) -> list[Target]:
        """The web copies of every photo shown, under anh/: one target per photo (its
        copies are made from one decode), named by its content, so two articles' "anh.jpg"
        never stand for each other and a photo shown twice is published once."""
        found: dict[str, Target] = {}
        for photo in self.photos.shown():
            files = tuple(p for p, _, _ in photo.web_files())
            if files[0] not in found:
                found[files[0]] = Target(files, digest(IMAGES_VERSION, photo.digest, *files),
                                         functools.partial(self.make_photo, photo, files),
                                         "photo")
        return list(found.values())

    def make_photo(self, photo: Photo, files: tuple[str, ...], dest: Path) -> list[str]:
        """Write a photo's copies beside `dest` (where its first file goes): from the
        cache of copies when they are there, else made and kept there."""
        staged = {p: beside(dest, files[0], p) for p in files}
        if self.photo_cache is None:
            write_web_copies(photo, staged)
            return []
        kept = {p: self.photo_cache / posixpath.basename(p) for p in files}
        if not all(k.exists() for k in kept.values()):
            self.photo_cache.mkdir(parents=True, exist_ok=True)
            write_web_copies(photo, kept)
        for p in files:
            _link_or_copy(kept[p], staged[p])
        return []

    def bodies(self, articles: Sequence[Article], page: str, root: str | None = None
               ) -> dict[str, str]:
        """The articles' HTML as a page at `page` shows it: each photo replaced by its web
        copies (linked from `root`: the page's way back to the site root by default); all
        but the page's first photo load lazily."""
        root = "../" * page.count("/") if root is None else root
        macro = self.env.get_template(PHOTO_TEMPLATE).module.web_photo  # type: ignore[attr-defined]
        seen = 0

        def show(photo: Photo) -> str:
            nonlocal seen
            seen += 1
            return str(macro(photo.web(root, lazy=seen > 1)))

        return {a.rel: fill(self.c.rendered[a.rel].html, self.photos.of(a.rel), show)
                for a in articles}

    def asset_targets(self) -> list[Target]:
        assets = self.theme.asset_files()
        out = []
        for rel in web_assets(assets):
            src, path = assets[rel], f"assets/{rel}"
            out.append(Target((path,), digest(path, self.digests(src)),
                              functools.partial(copy_to, src), "asset"))
        return out

    # -- what pages show
    @functools.cached_property
    def page_list(self) -> list[str]:
        """The pages of the sitemap (asked for twice a build)."""
        return self.pages()

    def pages(self) -> list[str]:
        """The pages of the sitemap."""
        site = self.c.site
        pages = ["index.html", "luu-tru/index.html", "tim-kiem/index.html"]
        pages += [li.page_url(n) for li in (*self.c.communes, *self.c.sections)
                  for n in range(1, li.pages + 1)]
        pages += [p for i in site.issues for p in (i.url, *(a.url for a in i.articles))]
        return pages

    def group_by_issue(self, articles: Sequence[Article]) -> list[tuple[Issue, list[Article]]]:
        groups: list[tuple[Issue, list[Article]]] = []
        for a in articles:
            issue = self.c.issue_of[a.rel]
            if not groups or groups[-1][0] is not issue:
                groups.append((issue, []))
            groups[-1][1].append(a)
        return groups

    def years(self) -> list[tuple[int, list[Issue]]]:
        years: dict[int, list[Issue]] = defaultdict(list)
        for issue in self.c.site.issues:
            years[issue.year].append(issue)
        return sorted(years.items(), reverse=True)

    def stable_id(self, path: str) -> str:
        """Atom ids: the absolute URL when known, else a UUID derived from the site and path."""
        if self.config.base_url:
            return self.absolute(path)
        seed = f"bantin:{self.config.publisher}:{self.config.title}:{path}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"

    def feed_entries(self, articles: Sequence[Article]) -> list[dict[str, Any]]:
        entries = []
        for a in articles:
            issue = self.c.issue_of[a.rel]
            entries.append({"article": a, "issue": issue, "body": self.c.rendered[a.rel],
                            "html": self.bodies([a], "feed.xml", self.config.base_url)[a.rel],
                            "updated": article_date(a, issue), "id": self.stable_id(a.url),
                            "href": self.absolute(a.url) or a.url})
        return entries



def article_digest(a: Article, r: Rendered) -> str:
    """Everything of an article a page can show: its fields and its rendered body (an
    article read from a file: its source digest and the render made from it)."""
    if a.origin and r.key:
        return digest(a.origin, r.key)
    return digest(repr(a), r.html, r.summary, repr(r.photos))


def issue_digest(issue: Issue, articles: dict[str, str]) -> str:
    head = repr((issue.year, issue.number, issue.week, issue.date, issue.direction,
                 issue.editorial, issue.banner))
    return digest(head, *(f"{g.section!r}\0" + "\0".join(articles[a.rel] for a in g.articles)
                          for g in issue.sections))


def template_sources(env: jinja2.Environment, name: str) -> list[str]:
    """The sources of a template and of those it uses, each once (all templates when a
    name is computed at render time and cannot be known)."""
    assert env.loader is not None
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        source, filename, _ = env.loader.get_source(env, current)
        seen[current] = f"{filename}\0{source}"
        for ref in _references(env, source, current, filename or ""):
            if ref is None:
                todo += [t for t in env.list_templates() if t not in seen]
            else:
                todo.append(ref)
    return [seen[k] for k in sorted(seen)]


@functools.lru_cache(maxsize=256)
def _references(env: jinja2.Environment, source: str, name: str, filename: str
                ) -> tuple[str | None, ...]:
    """The templates a template's source names (parsing costs; sources rarely change)."""
    return tuple(jinja2.meta.find_referenced_templates(env.parse(source, name, filename)))


def _link_or_copy(src: Path, dest: Path) -> None:
    """Hard-link (same disk: no copy) or copy a kept file into the output."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def copy_to(src: Path, dest: Path) -> list[str]:
    shutil.copyfile(src, dest)
    return []


# Used only to print the PDF; the web pages never load them.
PRINT_ONLY = ("print.css",)
FONTS = "fonts/"
FONT_TYPES = (".ttf", ".otf", ".woff", ".woff2")


def web_assets(assets: dict[str, Path]) -> list[str]:
    """The theme assets the website needs: all but the print stylesheet, and of the fonts
    those a web stylesheet names (the web subsets, not the PDF's ~2.6 MB nobody would
    download), with the licences beside them."""
    css = " ".join(p.read_text(encoding="utf-8", errors="replace")
                   for rel, p in assets.items()
                   if rel.endswith(".css") and rel not in PRINT_ONLY)
    fonts = {rel for rel in assets if rel.startswith(FONTS) and rel.endswith(FONT_TYPES)}
    used = {rel for rel in fonts if Path(rel).name in css}
    return [rel for rel in sorted(assets)
            if rel not in PRINT_ONLY and (not rel.startswith(FONTS) or rel in used
                                          or (bool(used) and rel not in fonts))]
