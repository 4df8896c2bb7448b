"""The HTML writer: decides which pages exist and renders them with the theme's templates."""

from __future__ import annotations

import json
import shutil
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from .images import copy_photos
from .markdown import Rendered
from .model import Article, Issue, Site
from .text import fold
from .theme import Theme

VN_OFFSET = "+07:00"


@dataclass(frozen=True)
class Listing:
    """A commune's or a section's articles, newest first."""

    kind: str  # "commune" | "section"
    name: str
    slug: str
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        folder = "dia-phuong" if self.kind == "commune" else "chuyen-muc"
        return f"{folder}/{self.slug}/index.html"


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


class SiteWriter:
    """Renders every page of the site into a folder."""

    def __init__(self, content: SiteContent, theme: Theme, out: Path,
                 photo_cache: Path | None = None) -> None:
        self.c = content
        self.out = out
        self.photo_cache = photo_cache  # scaled-down web photos kept between builds
        self.env = theme.environment()
        self.env.filters["ngay"] = ngay
        self.env.filters["rfc3339"] = rfc3339
        self.theme = theme
        self.config = content.site.config
        self.made_dirs: set[Path] = set()
        cfg = self.config
        self.globals: dict[str, Any] = {
            "config": cfg, "site": content.site, "communes": content.communes,
            "sections": content.sections, "latest": content.site.issues[0]
            if content.site.issues else None,
        }
        self.env.globals.update(self.globals)

    # -- helpers
    def absolute(self, path: str) -> str:
        base = self.config.base_url
        if not base:
            return ""
        return base + (path[: -len("index.html")] if path.endswith("index.html") else path)

    def write(self, path: str, template: jinja2.Template, **context: Any) -> None:
        depth = path.count("/")
        html = template.render(root="../" * depth, page_path=path,
                               page_url=self.absolute(path), **context)
        target = self.out / path
        if target.parent not in self.made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(target.parent)
        with open(target, "w", encoding="utf-8") as f:
            f.write(html)

    # -- pages
    def write_issue(self, issue: Issue) -> None:
        """The issue page and its article pages (the bulk of a build; runs in workers)."""
        self.write(issue.url, self.env.get_template("issue.html"), issue=issue,
                   rendered=self.c.rendered, pdf=self.c.pdfs.get(issue.key),
                   title=f"Bản tin {issue.label}")
        copy_photos(issue, self.c.rendered, self.out, self.photo_cache)
        article_t = self.env.get_template("article.html")
        arts = issue.articles
        for n, a in enumerate(arts):
            self.write(a.url, article_t, article=a, issue=issue,
                       body=self.c.rendered[a.rel], title=a.title,
                       prev=arts[n - 1] if n else None,
                       next=arts[n + 1] if n + 1 < len(arts) else None,
                       commune_url=f"dia-phuong/{a.commune_slug}/index.html"
                       if a.commune_slug else None,
                       date=article_date(a, issue))

    def write_common(self) -> list[str]:
        """Everything but issue and article pages; returns the sitemap's page list."""
        site = self.c.site
        self.copy_assets()
        self.write_listings()
        self.write("index.html", self.env.get_template("index.html"), title="Trang chủ",
                   years=self.years(), rendered=self.c.rendered,
                   pdf=self.c.pdfs.get(site.issues[0].key) if site.issues else None)
        self.write("404.html", self.env.get_template("404.html"), title="Không tìm thấy trang")
        self.write("tim-kiem/index.html", self.env.get_template("search.html"), title="Tìm kiếm")
        self.write_search_index()
        self.write("feed.xml", self.env.get_template("feed.xml"), entries=self.feed_entries(),
                   feed_id=self.stable_id(""), latest_date=date(2000, 1, 1))
        pages = ["index.html", "luu-tru/index.html", "tim-kiem/index.html"]
        pages += [li.url for li in (*self.c.communes, *self.c.sections)]
        pages += [p for i in site.issues for p in (i.url, *(a.url for a in i.articles))]
        if self.config.base_url:
            self.write("sitemap.xml", self.env.get_template("sitemap.xml"),
                       urls=[self.absolute(p) for p in pages])
        return pages

    def write_all(self) -> list[str]:
        """Write the whole site in this process."""
        for issue in self.c.site.issues:
            self.write_issue(issue)
        return self.write_common()

    def write_listings(self) -> None:
        list_t = self.env.get_template("list.html")
        for listing in (*self.c.communes, *self.c.sections):
            kind = "Địa phương" if listing.kind == "commune" else "Chuyên mục"
            self.write(listing.url, list_t, title=f"{kind}: {listing.name}", listing=listing,
                       groups=self.group_by_issue(listing.articles), issue_of=self.c.issue_of,
                       rendered=self.c.rendered)
        self.write("luu-tru/index.html", list_t, title="Lưu trữ các số bản tin", listing=None,
                   groups=(), years=self.years(), issue_of=self.c.issue_of,
                   rendered=self.c.rendered)

    def group_by_issue(self, articles: tuple[Article, ...]) -> list[tuple[Issue, list[Article]]]:
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

    def feed_entries(self) -> list[dict[str, Any]]:
        entries = []
        for a in self.c.site.articles[: self.config.feed_size]:
            issue = self.c.issue_of[a.rel]
            entries.append({"article": a, "issue": issue, "body": self.c.rendered[a.rel],
                            "updated": article_date(a, issue), "id": self.stable_id(a.url),
                            "href": self.absolute(a.url) or a.url})
        return entries

    def write_search_index(self) -> None:
        """Titles, places and summaries as a script (a JSON fetch would fail from disk)."""
        entries = []
        for a in self.c.site.articles:
            issue, summary = self.c.issue_of[a.rel], self.c.rendered[a.rel].summary
            entries.append({"t": a.title, "u": a.url, "s": issue.label, "c": a.commune or "",
                            "d": summary,
                            "f": fold(" ".join((a.title, a.commune or "", a.section.name,
                                                issue.label, summary)))})
        data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        (self.out / "tim-kiem" / "chi-muc.js").write_text(
            f"window.BANTIN_CHI_MUC = {data};\n", encoding="utf-8")

    def copy_assets(self) -> None:
        assets = self.theme.asset_files()
        for rel in web_assets(assets):
            src, target = assets[rel], self.out / "assets" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)


# Used only to print the PDF; the web pages never load them.
PRINT_ONLY = ("print.css",)
FONTS = "fonts/"


def web_assets(assets: dict[str, Path]) -> list[str]:
    """The theme assets the website needs: all but the print stylesheet, and fonts only when
    a web stylesheet names them (the PDF fonts are ~2.6 MB nobody would download)."""
    css = " ".join(p.read_text(encoding="utf-8", errors="replace")
                   for rel, p in assets.items()
                   if rel.endswith(".css") and rel not in PRINT_ONLY)
    used_fonts = any(Path(rel).name in css for rel in assets if rel.startswith(FONTS))
    return [rel for rel in sorted(assets)
            if rel not in PRINT_ONLY and (used_fonts or not rel.startswith(FONTS))]
